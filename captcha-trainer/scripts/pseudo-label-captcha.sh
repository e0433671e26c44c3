#!/usr/bin/env bash
# Self-training, step one: labels captchas nobody labelled with what captcha-service reads on them. A team
# that meets a new captcha has its images, not their texts; a model that reads some of them surely can
# label those, and training on them teaches it the new look (captcha-trainer/docs/experiments.md, "自训练").
#
#   captcha-trainer/scripts/pseudo-label-captcha.sh --model M --library hutool [--count 5000]          # fresh captchas of a library
#   captcha-trainer/scripts/pseudo-label-captcha.sh --model M --images DIR --profile math [--name N]   # a folder you collected
#     common options: [--min-confidence 0.5] [--seed 9001] [--out captcha-trainer/target/pseudo]
#                     [--no-build]   (use the jars and the trainer the last build installed)
#
# Serves model M and uploads the captchas one by one: with --library, --count fresh captchas of LIBRARY's
# arithmetic and --count/4 of its alphanumeric ones; with --images, every image file in DIR (PNG, JPEG, GIF,
# BMP; at most --count when given), read with service profile --profile. Every reading the service answered
# (200) with at least --min-confidence becomes the image's label: OUT/pseudo-LIBRARY-{math,text}/ or
# OUT/pseudo-NAME/ (NAME defaults to DIR's name), emptied first, get the kept images and a labels.tsv, which
# TrainCaptchaModel --pseudo OUT trains on. The summary says what was kept and how much of it is wrong,
# measured with the known texts (the generator's, or DIR/labels.tsv if there is one), which are never written.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/../../scripts/lib/common.sh"
# shellcheck source=captcha-trainer/scripts/lib/captcha.sh
source "$(dirname "$0")/lib/captcha.sh"

MODEL=""
PSEUDO="$ROOT/captcha-trainer/target/pseudo"
LIBRARY=""
IMAGES=""
PROFILE=""
NAME=""
COUNT=""
MIN_CONFIDENCE=0.5
SEED=9001
BUILD=1
while (($#)); do
  case $1 in
    --model) MODEL=$2; shift ;;
    --library) LIBRARY=$2; shift ;;
    --images) IMAGES=$2; shift ;;
    --profile) PROFILE=$2; shift ;;
    --name) NAME=$2; shift ;;
    --out) PSEUDO=$2; shift ;;
    --count) COUNT=$2; shift ;;
    --min-confidence) MIN_CONFIDENCE=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --no-build) BUILD="" ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done
[[ -f $MODEL ]] || die "--model: no model file '$MODEL' (see the header of $0)"
if [[ -n $IMAGES ]]; then
  [[ -z $LIBRARY ]] || die "--library or --images, not both (see the header of $0)"
  [[ -d $IMAGES ]] || die "--images: no folder '$IMAGES'"
  [[ -n $PROFILE ]] || die "--profile: which service profile reads the images in $IMAGES, math or text"
  IMAGES=$(cd "$IMAGES" && pwd)
  # the client's arguments travel as one whitespace-split Maven property
  [[ $IMAGES != *[[:space:]]* ]] || die "--images: the client cannot take a path with spaces ('$IMAGES'); move or link the folder"
  NAME=${NAME:-$(basename "$IMAGES")}
else
  [[ -n $LIBRARY ]] || die "--library (a captcha library to label, e.g. hutool) or --images DIR (see the header of $0)"
  COUNT=${COUNT:-5000}
fi

OUT="$ROOT/.run/pseudo-label"
RUN="$OUT/run"
PSEUDO=$(mkdir -p "$PSEUDO" && cd "$PSEUDO" && pwd)
[[ -z $IMAGES || $IMAGES != "$PSEUDO/pseudo-$NAME" ]] \
  || die "--images $IMAGES is where the labels would go, and that folder is emptied first; give another --out or --name"
mkdir -p "$OUT"
trap 'stop_processes "$RUN"' EXIT

if [[ -n $BUILD ]]; then
  step "Building captcha-service and the labelling client"
  captcha_build "$OUT/build.log"
fi

PORT=$(captcha_free_port)
step "captcha-service with $MODEL on port $PORT"
captcha_serve "$RUN" captcha-pseudo "$PORT" "$OUT/captcha-pseudo.log" --captcha.model="$(captcha_model_url "$MODEL")"

: >"$OUT/summary.md"
label() {
  step "Labelling $1 (confidence ≥ $MIN_CONFIDENCE kept)"
  shift
  (cd "$ROOT" && nice -n 19 mvn -B -q -ntp -Ptrain -pl captcha-trainer exec:exec@pseudo \
    -Dpseudo.args="--url http://127.0.0.1:$PORT $* --seed $SEED --min-confidence $MIN_CONFIDENCE --out $PSEUDO --summary $OUT/summary.md") \
    2>&1 | grep -v '^\[INFO\]' || die "labelling client failed"
}
if [[ -n $IMAGES ]]; then
  label "the images in $IMAGES" --images "$IMAGES" --profile "$PROFILE" --name "$NAME" ${COUNT:+--count "$COUNT"}
  FOLDERS=("$PSEUDO/pseudo-$NAME")
else
  label "$COUNT $LIBRARY-math captchas" --generators "$LIBRARY-math" --count "$COUNT"
  label "$((COUNT / 4)) $LIBRARY-text captchas" --generators "$LIBRARY-text" --count "$((COUNT / 4))"
  FOLDERS=("$PSEUDO/pseudo-$LIBRARY-math" "$PSEUDO/pseudo-$LIBRARY-text")
fi

step "Summary"
cat "$OUT/summary.md"
info "labelled folders: ${FOLDERS[*]}"
info "train on them: TrainCaptchaModel --pseudo $PSEUDO --mix $(basename "${FOLDERS[0]}")=0.22,... (a share for each)"
info "service log: $OUT/captcha-pseudo.log"
