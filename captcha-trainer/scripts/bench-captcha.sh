#!/usr/bin/env bash
# Benchmarks captcha-service as a client sees it, and writes what it measured to .run/bench-captcha/ (--out):
#   - full-string accuracy per captcha library (the four the model trains on and five it never saw) on
#     held-out captchas (a seed training and tests never use), uploaded one by one over HTTP, with the latency
#     of each request (p50/p99), the first misreadings of each library and the commonest kinds of edit
#     among them (a character missed, one read that is not there, one read as another)
#   - easy-captcha's arithmetic captchas font by font (200 per font): one of its ten fonts has no glyphs
#     for + - =, which caps what any reader can get on the mix of all ten
#   - the service's resident memory (RSS) after the run, and the size of its jar
#   - leave-one-generator-out: with --logo MODEL:LIBRARY, a second instance serves MODEL (trained with
#     --exclude LIBRARY, or any model) and is measured on LIBRARY's captchas only (hutool's also kind by kind,
#     easy-captcha's font by font and JCaptcha's arithmetic background by background, 200 each);
#     --logo MODEL,MODEL,...:LIBRARY serves the models as one ensemble (captcha.model with several files: each
#     reads every image and their readings vote)
#   - every captcha is drawn once per generator, seed and count into captcha-trainer/target/held-out and read
#     from there by later runs, so every model (in this run or a later one) reads the same images: hutool's
#     own randomness has no seed, and two models measured on two draws differ by the draw as well. Every
#     reading goes to .run/bench-captcha/readings.tsv; captcha-trainer/scripts/compare-readings.py compares models on it
#     captcha by captcha. --seed N draws (and keeps) another set.
#   - with --baseline MODEL, a second instance serves MODEL (the previous service model) on every library and
#     font with the same seeds, so a new model is compared with the one it replaces in the same run
#   - with --baseline-args "ARGS", the baseline instance gets these extra service arguments: with the committed
#     model as the baseline and "--captcha.second-look-below=0", the same model without its second look;
#     "--captcha.second-look-local-ink=false", without the second look's local-ink view
#   - with --service-args "ARGS", every instance gets them (a whole run without the second look, say)
#   - with --foreign, also the held-out captchas of the libraries in other languages (Go's base64Captcha and
#     steambap/captcha, Python's captcha; rendered by captcha-trainer/scripts/render-foreign-captchas.sh, each file once);
#     --logo MODEL:base64captcha and the like then work too
#
#   captcha-trainer/scripts/bench-captcha.sh [--count N] [--baseline captcha-trainer/target/runs/captcha-v3.onnx]
#                            [--logo captcha-trainer/target/runs/captcha-no-kaptcha.onnx:kaptcha]...
#                            [--logo-only]   (only the leave-one-generator-out models, not the committed one)
#                            [--baseline-args "--captcha.second-look-below=0"] [--service-args "..."]
#                            [--foreign] [--seed 7001] [--out .run/bench-captcha]
#
# Needs the trainer's classpath (Maven profile "train"): the first run downloads DJL and libtorch (~150 MB).
# Everything runs at nice 19 with one inference thread, so it can share a machine with other work.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/../../scripts/lib/common.sh"
# shellcheck source=captcha-trainer/scripts/lib/captcha.sh
source "$(dirname "$0")/lib/captcha.sh"

COUNT=1000
FONT_COUNT=200
LOGO=()
LOGO_ONLY=""
BASELINE=""
BASELINE_ARGS=()
SERVICE_ARGS=()
FOREIGN=()
SEED=7001
OUT="$ROOT/.run/bench-captcha"
while (($#)); do
  case $1 in
    --count) COUNT=$2; shift ;;
    --logo) LOGO+=("$2"); shift ;;
    --logo-only) LOGO_ONLY=1 ;;
    --baseline) BASELINE=$2; shift ;;
    --baseline-args) read -ra BASELINE_ARGS <<<"$2"; shift ;;
    --service-args) read -ra SERVICE_ARGS <<<"$2"; shift ;;
    --foreign) FOREIGN=(--foreign "$ROOT/captcha-trainer/target/foreign/held-out") ;;
    --seed) SEED=$2; shift ;;
    --out) OUT=$2; shift ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RUN="$OUT/run"
RESULTS="$OUT/results.md"
READINGS="$OUT/readings.tsv"
: >"$RESULTS"
: >"$READINGS"
trap 'stop_processes "$RUN"' EXIT

step "Building captcha-service and the benchmark client"
captcha_build "$OUT/build.log"

if ((${#FOREIGN[@]})); then
  "$ROOT/captcha-trainer/scripts/render-foreign-captchas.sh"
fi

# serve NAME PORT [--captcha.model=...]: starts the jar, waits until it is ready
serve() {
  local name=$1 port=$2
  shift 2
  captcha_serve "$RUN" "$name" "$port" "$OUT/$name.log" "${SERVICE_ARGS[@]}" "$@"
}

bench() {
  (cd "$ROOT" && nice -n 19 mvn -B -q -ntp -Ptrain -pl captcha-trainer exec:exec@bench \
    -Dbench.args="--out $RESULTS --readings $READINGS --held-out $ROOT/captcha-trainer/target/held-out --seed $SEED \
      --count $COUNT ${FOREIGN[*]} $*") 2>&1 | grep -v '^\[INFO\]' || die "benchmark client failed"
}

fonts=(actionj epilog fresnel headache lexo prefix progbot ransom robot scandal)
easy_by_font=$(printf 'easy-math:%s,' "${fonts[@]}" | sed 's/,$//')

# bench_every_library PORT LABEL: every library's captchas, then easy-captcha arithmetic font by font
bench_every_library() {
  bench --url "http://127.0.0.1:$1" --label "$2"
  step "$2: easy-captcha arithmetic, font by font ($FONT_COUNT each)"
  bench --url "http://127.0.0.1:$1" --label "$2" --count "$FONT_COUNT" --generators "$easy_by_font"
}

# label NAME [ARGS...]: a results table's model column: NAME, then the service arguments that differ from the
# defaults in brackets (one word: the benchmark client splits its arguments at spaces)
label() {
  local name=$1 extra
  shift
  extra=$(printf '%s,' "${SERVICE_ARGS[@]}" "$@" | sed 's/--captcha\.//g; s/,$//')
  echo "$name${extra:+[$extra]}"
}

if [[ -z $LOGO_ONLY ]]; then
  step "captcha-service with the committed model, $COUNT captchas per library"
  serve captcha-bench 18090
  bench_every_library 18090 "$(label captcha.onnx)"
  pid=$(<"$RUN/pids/captcha-bench.pid")
  # the JVM is a child of nice: its RSS is what the service holds after serving every request above
  jvm=$(pgrep -P "$pid" java || echo "$pid")
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$jvm/status")
  jar_bytes=$(stat -c %s "$CAPTCHA_JAR")
  model_bytes=$(stat -c %s "$ROOT/captcha-service/src/main/resources/model/captcha.onnx")
  {
    echo
    echo "RSS after the run: $((rss_kib / 1024)) MiB (-Xmx256m). captcha-service.jar: $((jar_bytes / 1024 / 1024)) MiB; model: $((model_bytes / 1024)) KiB."
  } | tee -a "$RESULTS"
  stop_processes "$RUN"
fi

if [[ -n $BASELINE ]]; then
  [[ -f $BASELINE ]] || die "no baseline model $BASELINE"
  step "Baseline: $BASELINE, $COUNT captchas per library and $FONT_COUNT per easy-captcha font"
  serve captcha-baseline 18092 --captcha.model="$(captcha_model_url "$BASELINE")" "${BASELINE_ARGS[@]}"
  bench_every_library 18092 "$(label "$(basename "$BASELINE" .onnx)" "${BASELINE_ARGS[@]}")"
  stop_processes "$RUN"
fi

for entry in "${LOGO[@]}"; do
  models=${entry%:*}
  library=${entry##*:}
  urls=()
  names=()
  IFS=, read -ra files <<<"$models"
  for model in "${files[@]}"; do
    [[ -f $model ]] || die "no model $model (train it with --exclude $library, see captcha-trainer/docs/reproduce.md)"
    urls+=("$(captcha_model_url "$model")")
    names+=("$(basename "$model" .onnx)")
  done
  step "$models on $library only (leave-one-generator-out, or a library the model never saw)"
  serve captcha-logo 18091 --captcha.model="$(IFS=,; echo "${urls[*]}")"
  # named by file, so that two models left without the same library (an old one as the baseline) tell apart
  label=$(label "$(IFS=+; echo "${names[*]}")")
  bench --url http://127.0.0.1:18091 --label "$label" --generators "$library-math,$library-text"
  if [[ $library == hutool ]]; then
    # hutool draws three kinds of captcha; which of them a model that never saw hutool fails on says what to add
    bench --url http://127.0.0.1:18091 --label "$label" --count "$FONT_COUNT" \
      --generators hutool-math:line,hutool-math:circle,hutool-math:shear
  fi
  if [[ $library == jcaptcha ]]; then
    # one of JCaptcha's four backgrounds (funky) defeats the preprocessing's one polarity per image
    bench --url http://127.0.0.1:18091 --label "$label" --count "$FONT_COUNT" \
      --generators jcaptcha-math:funky,jcaptcha-math:gradient,jcaptcha-math:shapes,jcaptcha-math:plain
  fi
  if [[ $library == easy ]]; then
    # easy-captcha's ten fonts are all decorative: which of them a model that never saw them can read
    bench --url http://127.0.0.1:18091 --label "$label" --count "$FONT_COUNT" \
      --generators "$easy_by_font"
  fi
  stop_processes "$RUN"
done

step "Results ($RESULTS)"
cat "$RESULTS"
