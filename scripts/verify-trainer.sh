#!/usr/bin/env bash
# The captcha trainer's tools, which chapter 13 runs by hand and the default build leaves out (Maven profile
# "train"):
#   1. its unit tests (mvn -Ptrain test): the hand-written CTC loss against its definition, the ONNX exporter
#      and importer against libtorch and ONNX Runtime, seeded augmentation, what --exclude, --mix and --width
#      train on, the benchmark's definitions, the pseudo-labeller's bookkeeping, the synthetic captchas
#      (seeded, and showing their labels to the service's model)
#   2. scripts/pseudo-label-captcha.sh end to end, against the real captcha-service with the model it ships:
#      fresh kaptcha captchas (--library), then the folder that wrote given back as a folder of collected
#      captchas (--images). The same model reading its own labels again must keep every image, with the
#      same text, and count none wrong.
#   3. its argument errors stop it before anything starts, naming the problem
#   4. scripts/bench-captcha.sh with an ensemble, end to end: the shipped model alone and twice over as one
#      ensemble read the same kept kaptcha captchas; scripts/compare-readings.py must find them reading
#      every captcha alike (none read by only one of them), and count right the arithmetic readings that
#      only left out the "=" or "=?" ending in a handful of made-up readings, and split them by the aspect
#      ratio of the kept images they were read from (--by-aspect), refusing readings of other images
#
#   scripts/verify-trainer.sh        the last line is "N passed, N failed"
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

LOGS="$ROOT/.run/verify-trainer"
rm -rf "$LOGS"
mkdir -p "$LOGS"
PSEUDO="$LOGS/pseudo"
MODEL="$ROOT/captcha-service/src/main/resources/model/captcha.onnx"
LABEL="$ROOT/scripts/pseudo-label-captcha.sh"
cd "$ROOT" || exit 1

step "Unit tests of the trainer (log: $LOGS/unit.log)"
unit_tests() {
  # -am builds captcha-core; -Dtest keeps its tests, already run by the maven stage, out of this one
  mvn -B -ntp -Ptrain -pl captcha-trainer -am test -Dtest='org.meshguide.captcha.trainer.*Test' \
    -Dsurefire.failIfNoSpecifiedTests=false >"$LOGS/unit.log" 2>&1 || { tail -n 60 "$LOGS/unit.log"; return 1; }
  grep -E 'Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: 0$' "$LOGS/unit.log" | tail -n 1
}
check "trainer unit tests" unit_tests

step "Pseudo-labelling fresh captchas of a library (log: $LOGS/library.log)"
library_run() {
  bash "$LABEL" --model "$MODEL" --library kaptcha --count 40 --out "$PSEUDO" >"$LOGS/library.log" 2>&1 \
    || { tail -n 30 "$LOGS/library.log"; return 1; }
}
check "pseudo-label-captcha.sh --library kaptcha runs" library_run
kept_most() {
  # v5 reads kaptcha arithmetic right 98.9 % of the time; keeping under half of 40 means something broke
  local kept
  kept=$(($(wc -l <"$PSEUDO/pseudo-kaptcha-math/labels.tsv")))
  echo "kept $kept of 40"
  ((kept >= 20)) && [[ -f $PSEUDO/pseudo-kaptcha-text/labels.tsv ]]
}
check "it kept most kaptcha arithmetic captchas, and wrote the alphanumeric folder" kept_most
files_match_labels() {
  local folder=$PSEUDO/pseudo-kaptcha-math
  diff <(cut -f1 "$folder/labels.tsv" | sort) <(find "$folder" -maxdepth 1 -name "*.png" -printf "%f\n" | sort)
}
check "the folder holds exactly the images its labels.tsv names" files_match_labels

step "Relabelling that folder as collected captchas (log: $LOGS/folder.log)"
folder_run() {
  bash "$LABEL" --model "$MODEL" --images "$PSEUDO/pseudo-kaptcha-math" --profile math --name relabelled \
    --out "$PSEUDO" >"$LOGS/folder.log" 2>&1 || { tail -n 30 "$LOGS/folder.log"; return 1; }
}
check "pseudo-label-captcha.sh --images runs" folder_run
same_labels() {
  diff "$PSEUDO/pseudo-kaptcha-math/labels.tsv" "$PSEUDO/pseudo-relabelled/labels.tsv"
}
check "the same model keeps every image with the same label" same_labels
none_wrong() {
  local kept
  kept=$(($(wc -l <"$PSEUDO/pseudo-kaptcha-math/labels.tsv")))
  grep -F "| relabelled | $kept | $kept (100.0 %) | 0 (0.0 %) |" "$LOGS/folder.log" | head -n 1
}
check "its summary counts the folder's labels.tsv as the truth: none wrong" none_wrong

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
  --images "$PSEUDO/pseudo-relabelled" --profile math --name relabelled --out "$PSEUDO"
check "an unknown argument" refuses "unknown argument --libary" --model "$MODEL" --libary hutool

step "Benchmarking an ensemble against its one member (log: $LOGS/bench.log)"
BENCH="$LOGS/bench"
bench_run() {
  bash "$ROOT/scripts/bench-captcha.sh" --count 30 --logo-only --logo "$MODEL:kaptcha" --logo "$MODEL,$MODEL:kaptcha" \
    --out "$BENCH" >"$LOGS/bench.log" 2>&1 || { tail -n 30 "$LOGS/bench.log"; return 1; }
}
check "bench-captcha.sh --logo MODEL,MODEL:kaptcha runs" bench_run
alike() {
  local table
  table=$(python3 "$ROOT/scripts/compare-readings.py" "$BENCH/readings.tsv") || return 1
  echo "$table" >"$LOGS/compare.md"
  # kaptcha-math and kaptcha-text, 30 each: the ensemble row says 0 read only by it, 0 only by the model
  # (kaptcha-math's row ends with one more cell, the readings that left out the "=?" ending)
  (($(grep -cE '^\| captcha\+captcha \| [0-9]+ \([0-9.]+ %\) \| 0 \| 0 \| 1 \|( [0-9]+ \|)?$' <<<"$table") == 2)) \
    && grep -F "kaptcha-math: 30 captchas read by all 2 models" <<<"$table"
}
check "the ensemble of a model with itself reads every captcha as the model does" alike
endings_counted() {
  # three arithmetic readings with the ending left out ("=" and "=?"), one with a digit wrong, one right
  local readings=$LOGS/endings.tsv table
  printf 'm\tx-math\t%s\t%s\t%s\t%s\t%s\n' 0 '3+5=' '3+5' false true 1 '3+5=?' '3+5' false true \
    2 '12*4=' '12*4' false true 3 '3+5=' '3+6' false false 4 '3+5=' '3+5=' true true >"$readings"
  table=$(python3 "$ROOT/scripts/compare-readings.py" "$readings") || return 1
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
  table=$(python3 "$ROOT/scripts/compare-readings.py" --by-aspect "$kept" "$readings") || return 1
  echo "$table" >"$LOGS/aspect.md"
  grep -F '| < 3 (1) | 0.0 % (100.0 %), 100.0 % |' <<<"$table" \
    && grep -F '| 3-3.5 (1) | 100.0 % (100.0 %), 0.0 % |' <<<"$table" \
    && grep -F '| >= 4 (1) | 0.0 % (0.0 %), 0.0 % |' <<<"$table" \
    && ! grep -F '3.5-4' <<<"$table" || return 1
  # the same readings against images with other labels: an error naming the mismatch, not a wrong table
  printf '%s\t%s\n' 00000.png '1+1=' 00001.png '7-2=' 00002.png '4*6=' >"$kept/x-math/labels.tsv"
  ! python3 "$ROOT/scripts/compare-readings.py" --by-aspect "$kept" "$readings" 2>"$LOGS/aspect-refused.txt" \
    && grep -F "x-math: 1 readings are not of the captchas in $kept/x-math" "$LOGS/aspect-refused.txt"
}
check "compare-readings.py --by-aspect splits readings by the kept images' aspect ratio" by_aspect

checks_summary
