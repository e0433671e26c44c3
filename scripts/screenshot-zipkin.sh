#!/usr/bin/env bash
# Takes the picture of docs/09-tracing.md: the Zipkin UI of the local mesh showing one whole trace of the
# guide's chain (ingress -> gateway-service -> business v2 -> data-service), with headless Chromium, so it can
# be taken again whenever the chain or the UI changes.
#
#   scripts/mesh.sh up                      # the local mesh, with no sample applied
#   scripts/screenshot-zipkin.sh [OUT.png]  # default docs/img/zipkin-trace.png
#
# It applies the end-user: jason route to business v2 for one request and resets the mesh to its base config
# afterwards, which is why it wants no other sample applied. Chromium is Debian's package (version pinned in
# tools/versions.env, installed with apt-get when missing); it runs with a fresh profile that is removed
# afterwards, and talks only to Zipkin on loopback.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"

OUT=${1:-$ROOT/docs/img/zipkin-trace.png}
ZIPKIN=http://127.0.0.1:9411
INGRESS=http://127.0.0.1:8000
APPLIED="$ROOT/.run/mesh/config/istio/applied"
LOG="$ROOT/.run/screenshot-zipkin.log"
SAMPLES=(istio/destination-rule-business-subsets.yaml istio/virtual-service-business-header-jason-v2.yaml)
WIDTH=1600
HEIGHT=960

PROFILE=$(mktemp -d)
reset_mesh=false
cleanup() {
  rm -rf "$PROFILE"
  if $reset_mesh; then "$ROOT/scripts/mesh.sh" reset >/dev/null || warn "scripts/mesh.sh reset failed"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

step "Checking the local mesh"
http_ok "$ZIPKIN/health" || die "no Zipkin at $ZIPKIN: start the local mesh first (scripts/mesh.sh up)"
curl -fsS -o /dev/null --max-time 5 "$INGRESS/" || die "no answer from the ingress at $INGRESS (scripts/mesh.sh status)"
if compgen -G "$APPLIED/*.yaml" >/dev/null; then
  die "samples are applied ($(cd "$APPLIED" && echo ./*.yaml)); this script resets the mesh afterwards: run scripts/mesh.sh reset first"
fi
info "Zipkin $ZIPKIN and the ingress $INGRESS answer, no sample applied"

step "Chromium (Debian package chromium=$CHROMIUM_DEB_VERSION)"
if ! command -v chromium >/dev/null 2>&1; then
  if ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then
    die "chromium is missing; install it: apt-get install chromium=$CHROMIUM_DEB_VERSION"
  fi
  info "apt-get install chromium=$CHROMIUM_DEB_VERSION (log: ${LOG#"$ROOT"/})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "chromium=$CHROMIUM_DEB_VERSION" >>"$LOG" 2>&1 \
    || { apt-get update -q >>"$LOG" 2>&1 \
      && apt-get install -y -q --no-install-recommends "chromium=$CHROMIUM_DEB_VERSION" >>"$LOG" 2>&1; } \
    || die "installing chromium=$CHROMIUM_DEB_VERSION failed; see $LOG"
fi
info "$(chromium --version 2>/dev/null)"

step "One request through the chain, end-user: jason -> business v2 -> data-service"
reset_mesh=true
"$ROOT/scripts/mesh.sh" apply "${SAMPLES[@]}" | sed 's/^/    /'
request_id=$(curl -fsS -o /dev/null -D - -H 'end-user: jason' "$INGRESS/" | tr -d '\r' \
  | awk -F': ' 'tolower($1) == "x-request-id" {print $2}')
[[ -n $request_id ]] || die "the ingress answered without an x-request-id"
trace=$("$ROOT/scripts/zipkin-trace.py" "$request_id")
trace_line=$(grep -m1 '^trace ' <<<"$trace")
trace_id=$(awk '{print $2}' <<<"$trace_line" | tr -d ':')
info "x-request-id $request_id -> ${trace_line}"
[[ $trace_line == *": 12 spans" ]] || die "expected the whole chain (12 spans) in Zipkin, got: $trace"

step "Screenshot of $ZIPKIN/zipkin/traces/$trace_id (${WIDTH}x$HEIGHT)"
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
# --virtual-time-budget lets the UI's scripts fetch the trace and draw it before the picture is taken
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$PROFILE" --hide-scrollbars \
  --window-size="$WIDTH,$HEIGHT" --virtual-time-budget=20000 --screenshot="$OUT" \
  "$ZIPKIN/zipkin/traces/$trace_id" >>"$LOG" 2>&1 || die "chromium failed; see $LOG"
[[ $(head -c 8 "$OUT" 2>/dev/null | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] \
  || die "chromium wrote no PNG to $OUT; see $LOG"

step "Done"
info "picture: ${OUT#"$ROOT"/} ($(du -h "$OUT" | cut -f1)), trace $trace_id"
info "the mesh is back to its base config; it is still up (stop it: scripts/mesh.sh down)"
