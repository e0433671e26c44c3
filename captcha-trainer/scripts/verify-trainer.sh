#!/usr/bin/env bash
# The captcha trainer's checks in the test command (the trainer is Maven profile "train", outside the default
# build):
#   1. its unit tests (the hand-written CTC loss against its definition, the ONNX exporter and importer against
#      libtorch and ONNX Runtime, seeded augmentation, what --exclude, --mix and --width train on, the
#      benchmark's definitions, the pseudo-labeller's bookkeeping, the synthetic captchas), in the one build
#      that also installs what step 2 runs
#   2. pseudo-label-captcha.sh end to end, against the real captcha-service with the model it ships: fresh
#      kaptcha captchas go in, a folder of kept images and their labels.tsv comes out
#   3. pseudo-label-captcha.sh's argument errors stop it before anything starts, naming the problem
#   4. compare-readings.py on readings made up here: the arithmetic readings that only left out the "=" or "=?"
#      ending are counted apart, and --by-aspect splits readings by the aspect ratio of the images they were
#      read from, refusing readings of other images
# The benchmark (bench-captcha.sh) and training itself take minutes to hours: captcha-trainer/docs/reproduce.md.
#
#   captcha-trainer/scripts/verify-trainer.sh        the last line is "N passed, N failed"
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/../../scripts/lib/common.sh"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"
# shellcheck source=captcha-trainer/scripts/lib/captcha.sh
source "$ROOT/captcha-trainer/scripts/lib/captcha.sh"

LOGS="$ROOT/.run/verify-trainer"
rm -rf "$LOGS"
mkdir -p "$LOGS"
PSEUDO="$LOGS/pseudo"
MODEL="$ROOT/captcha-service/src/main/resources/model/captcha.onnx"
LABEL="$ROOT/captcha-trainer/scripts/pseudo-label-captcha.sh"
COMPARE="$ROOT/captcha-trainer/scripts/compare-readings.py"
cd "$ROOT" || exit 1

step "Unit tests of the trainer, and the build the pseudo-labeller runs (log: $LOGS/build.log)"
unit_tests() {
  # -Dtest: captcha-core's, captcha-testkit's and captcha-service's tests belong to the maven stage
  (captcha_build "$LOGS/build.log" -Dtest='org.meshguide.captcha.trainer.*Test' -Dsurefire.failIfNoSpecifiedTests=false) \
    || { grep -E 'Tests run:|FAIL|ERROR' "$LOGS/build.log" | tail -n 40; return 1; }
  grep -E 'Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: 0$' "$LOGS/build.log" | tail -n 1
}
check "trainer unit tests" unit_tests

step "Pseudo-labelling fresh kaptcha captchas (log: $LOGS/library.log)"
library_run() {
  bash "$LABEL" --no-build --model "$MODEL" --library kaptcha --count 20 --out "$PSEUDO" >"$LOGS/library.log" 2>&1 \
    || { tail -n 30 "$LOGS/library.log"; return 1; }
}
check "pseudo-label-captcha.sh --library kaptcha runs" library_run
kept_most() {
  # the shipped model reads nearly every kaptcha arithmetic captcha (model card): keeping under half means a break
  local kept
  kept=$(($(wc -l <"$PSEUDO/pseudo-kaptcha-math/labels.tsv")))
  echo "kept $kept of 20"
  ((kept >= 10)) && [[ -f $PSEUDO/pseudo-kaptcha-text/labels.tsv ]]
}
check "it kept most kaptcha arithmetic captchas, and wrote the alphanumeric folder" kept_most
files_match_labels() {
  local folder=$PSEUDO/pseudo-kaptcha-math
  diff <(cut -f1 "$folder/labels.tsv" | sort) <(find "$folder" -maxdepth 1 -name "*.png" -printf "%f\n" | sort)
}
check "the folder holds exactly the images its labels.tsv names" files_match_labels

step "Argument errors"
refuses() {
  local expected=$1 out
  shift
  if out=$(bash "$LABEL" "$@" 2>&1); then
    echo "accepted: $*"
    return 1
  fi
  grep -F -- "$expected" <<<"$out"
}
check "no --model" refuses "--model: no model file" --library hutool
check "neither --library nor --images" refuses "--library (a captcha library" --model "$MODEL"
check "--images without --profile" refuses "--profile: which service profile" --model "$MODEL" --images "$PSEUDO/pseudo-kaptcha-math"
check "--images and --library" refuses "not both" --model "$MODEL" --images "$PSEUDO" --library hutool --profile math
check "--images where its labels would go" refuses "that folder is emptied first" --model "$MODEL" \
  --images "$PSEUDO/pseudo-kaptcha-math" --profile math --name kaptcha-math --out "$PSEUDO"
check "an unknown argument" refuses "unknown argument --libary" --model "$MODEL" --libary hutool

step "Comparing readings"
endings_counted() {
  # three arithmetic readings with the ending left out ("=" and "=?"), one with a digit wrong, one right
  local readings=$LOGS/endings.tsv table
  printf 'm\tx-math\t%s\t%s\t%s\t%s\t%s\n' 0 '3+5=' '3+5' false true 1 '3+5=?' '3+5' false true \
    2 '12*4=' '12*4' false true 3 '3+5=' '3+6' false false 4 '3+5=' '3+5=' true true >"$readings"
  table=$(python3 "$COMPARE" "$readings") || return 1
  echo "$table" | grep -F '| m | 1 (20.0 %) | — | — | — | 3 |'
}
check "compare-readings.py counts the readings that only left out the ending" endings_counted
by_aspect() {
  # three kept captchas 100x50, 160x48 and 200x40 (aspect 2, 3.33, 5): one ending left out, one right, one wrong
  local kept=$LOGS/kept readings=$LOGS/aspect.tsv table
  mkdir -p "$kept/x-math"
  python3 - "$kept/x-math" <<'PY' || return 1
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
for index, (width, height) in enumerate([(100, 50), (160, 48), (200, 40)]):
    pixels = zlib.compress(b"".join(b"\0" + b"\xff" * width for _ in range(height)))
    with open(f"{sys.argv[1]}/{index:05d}.png", "wb") as image:
        image.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                    + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
PY
  printf '%s\t%s\n' 00000.png '3+5=' 00001.png '7-2=' 00002.png '4*6=' >"$kept/x-math/labels.tsv"
  printf 'm\tx-math\t%s\t%s\t%s\t%s\t%s\n' 0 '3+5=' '3+5' false true 1 '7-2=' '7-2=' true true \
    2 '4*6=' '4+6=' false false >"$readings"
  table=$(python3 "$COMPARE" --by-aspect "$kept" "$readings") || return 1
  echo "$table" >"$LOGS/aspect.md"
  grep -F '| < 3 (1) | 0.0 % (100.0 %), 100.0 % |' <<<"$table" \
    && grep -F '| 3-3.5 (1) | 100.0 % (100.0 %), 0.0 % |' <<<"$table" \
    && grep -F '| >= 4 (1) | 0.0 % (0.0 %), 0.0 % |' <<<"$table" \
    && ! grep -F '3.5-4' <<<"$table" || return 1
  # the same readings against images with other labels: an error naming the mismatch, not a wrong table
  printf '%s\t%s\n' 00000.png '1+1=' 00001.png '7-2=' 00002.png '4*6=' >"$kept/x-math/labels.tsv"
  ! python3 "$COMPARE" --by-aspect "$kept" "$readings" 2>"$LOGS/aspect-refused.txt" \
    && grep -F "x-math: 1 readings are not of the captchas in $kept/x-math" "$LOGS/aspect-refused.txt"
}
check "compare-readings.py --by-aspect splits readings by the kept images' aspect ratio" by_aspect

checks_summary
