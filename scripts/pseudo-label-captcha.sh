#!/usr/bin/env bash
# Self-training, step one: labels captchas nobody labelled with what captcha-service reads on them. A team
# that meets a new captcha has its images, not their texts; a model that reads some of them surely can
# label those, and training on them teaches it the new look (docs/13-captcha-service.md, "自训练").
#
#   scripts/pseudo-label-captcha.sh --model captcha-trainer/models/captcha-no-hutool.onnx --library hutool
#                                   [--count 5000] [--min-confidence 0.5] [--seed 9001]
#
# Serves MODEL, uploads --count fresh captchas of LIBRARY's arithmetic and --count/4 of its alphanumeric ones,
# and keeps every reading the service answered (200) with at least --min-confidence as the image's label.
# Writes captcha-trainer/target/pseudo/pseudo-LIBRARY-{math,text}/ (PNG files and labels.tsv), which
# TrainCaptchaModel --pseudo trains on, and a summary of what was kept and how much of it is wrong (the
# generators know the real texts; those are used for that count only, never written).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/captcha.sh
source "$(dirname "$0")/lib/captcha.sh"

MODEL=""
LIBRARY=""
COUNT=5000
MIN_CONFIDENCE=0.5
SEED=9001
while (($#)); do
  case $1 in
    --model) MODEL=$2; shift ;;
    --library) LIBRARY=$2; shift ;;
    --count) COUNT=$2; shift ;;
    --min-confidence) MIN_CONFIDENCE=$2; shift ;;
    --seed) SEED=$2; shift ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done
[[ -f $MODEL ]] || die "--model: no model file '$MODEL' (see the header of $0)"
[[ -n $LIBRARY ]] || die "--library: which captcha library to label, e.g. hutool (see the header of $0)"

OUT="$ROOT/.run/pseudo-label"
RUN="$OUT/run"
PSEUDO="$ROOT/captcha-trainer/target/pseudo"
mkdir -p "$OUT"
trap 'stop_processes "$RUN"' EXIT

step "Building captcha-service and the labelling client"
captcha_build "$OUT/build.log"

step "captcha-service with $MODEL"
captcha_serve "$RUN" captcha-pseudo 18093 "$OUT/captcha-pseudo.log" --captcha.model="$(captcha_model_url "$MODEL")"

# a fresh set each time: a folder mixing two models' labels would say neither's
rm -rf "$PSEUDO/pseudo-$LIBRARY-math" "$PSEUDO/pseudo-$LIBRARY-text"
: >"$OUT/summary.md"
label() {
  step "Labelling $2 $1 captchas (confidence ≥ $MIN_CONFIDENCE kept)"
  (cd "$ROOT" && nice -n 19 mvn -B -q -ntp -Ptrain -pl captcha-trainer exec:exec@pseudo \
    -Dpseudo.args="--url http://127.0.0.1:18093 --generators $1 --count $2 --seed $SEED --min-confidence $MIN_CONFIDENCE --out $PSEUDO --summary $OUT/summary.md") \
    2>&1 | grep -v '^\[INFO\]' || die "labelling client failed"
}
label "$LIBRARY-math" "$COUNT"
label "$LIBRARY-text" "$((COUNT / 4))"

step "Summary"
cat "$OUT/summary.md"
info "labelled folders: $PSEUDO/pseudo-$LIBRARY-math, $PSEUDO/pseudo-$LIBRARY-text"
info "train on them: TrainCaptchaModel --pseudo $PSEUDO --mix pseudo-$LIBRARY-math=0.22,pseudo-$LIBRARY-text=0.04 ..."
info "service log: $OUT/captcha-pseudo.log"
