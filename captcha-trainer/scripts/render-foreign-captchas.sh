#!/usr/bin/env bash
# Renders captchas with libraries in other languages, for training and validation (captcha-trainer/foreign):
#   Go      github.com/mojocn/base64Captcha v1.3.8 (math, text), github.com/steambap/captcha v1.4.1 (math, text)
#   Python  captcha 0.7.1 (ImageCaptcha; math, text)
# into captcha-trainer/target/foreign/train (--count images per generator, --seed) and .../held-out
# (--count / 4 images, seed + 1), one folder per generator with labels.tsv. The trainer reads them with
# --foreign captcha-trainer/target/foreign.
#
#   captcha-trainer/scripts/render-foreign-captchas.sh [--count 4000] [--seed 20251127]
#
# The Go renderer is built and the Python packages installed (pinned) under .tools/foreign-captchas; a set
# already rendered with the same renderers, count and seed is kept.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/../../scripts/lib/common.sh"

COUNT=4000
SEED=20251127
while (($#)); do
  case $1 in
    --count) COUNT=$2; shift ;;
    --seed) SEED=$2; shift ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done

SOURCES="$ROOT/captcha-trainer/foreign"
TOOLS="$ROOT/.tools/foreign-captchas"
OUT="$ROOT/captcha-trainer/target/foreign"
mkdir -p "$TOOLS"
STAMP="count $COUNT seed $SEED renderers $(cat "$SOURCES"/go/*.go "$SOURCES"/go/go.* "$SOURCES"/python/render.py "$SOURCES"/python/requirements.txt | sha256sum | cut -c1-16)"
if [[ -f $OUT/stamp && $(<"$OUT/stamp") == "$STAMP" ]]; then
  step "Foreign-library captchas already rendered ($STAMP)"
  info "$OUT"
  exit 0
fi

step "Building the Go renderer (base64Captcha, steambap/captcha)"
(cd "$SOURCES/go" && go build -o "$TOOLS/render-go" .) >"$TOOLS/build.log" 2>&1 || die "go build failed; see $TOOLS/build.log"
step "Installing the Python renderer's packages (captcha, pillow)"
if [[ ! -x $TOOLS/venv/bin/python ]]; then
  python3 -m venv "$TOOLS/venv"
fi
"$TOOLS/venv/bin/pip" install -q -r "$SOURCES/python/requirements.txt" >"$TOOLS/pip.log" 2>&1 \
  || die "pip install failed; see $TOOLS/pip.log"

rm -rf "$OUT"
for set in train held-out; do
  count=$COUNT seed=$SEED
  if [[ $set == held-out ]]; then count=$((COUNT / 4)) seed=$((SEED + 1)); fi
  step "Rendering the $set set: $count per generator, seed $seed"
  "$TOOLS/render-go" -out "$OUT/$set" -n "$count" -seed "$seed" 2>&1 | sed 's/^[0-9/ :]*/    /'
  "$TOOLS/venv/bin/python" "$SOURCES/python/render.py" --out "$OUT/$set" -n "$count" --seed "$seed" | sed 's/^/    /'
done
echo "$STAMP" >"$OUT/stamp"
step "Done: $(find "$OUT" -name '*.png' | wc -l) images in $OUT"
info "train with: TrainCaptchaModel --foreign $OUT --mix base64captcha-math=0.05,..."
