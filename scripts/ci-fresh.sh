#!/usr/bin/env bash
# Rehearses CI the way a new machine sees it: a fresh clone of the committed HEAD in a sibling folder, with
# nothing an earlier build of this project left behind, then `bash .ci/run` there.
#
#   - ~/.m2/repository/org/meshguide (this project's own artifacts) is moved aside and put back afterwards,
#     whatever happens; third-party artifacts, the Go module and build caches stay (CI keeps those too)
#   - the project's podman images (mesh-guide/*, local-cluster/*) and containers are removed
#   - the clone has no .tools/ and no .run/
#
#   scripts/ci-fresh.sh             clone into ../<repo>-ci-fresh, run .ci/run, print the stage summary
#   scripts/ci-fresh.sh --keep      keep the clone afterwards (default: removed when the run passed)
#
# Uncommitted changes are not part of the rehearsal: it runs what a push would carry.
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

keep=0
case ${1:-} in
  --keep) keep=1 ;;
  "") ;;
  *) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac

CLONE="$(dirname "$ROOT")/$(basename "$ROOT")-ci-fresh"
OWN_ARTIFACTS="$HOME/.m2/repository/org/meshguide"
ASIDE="$HOME/.m2/repository/org/.meshguide-aside-$$"
LOG="$(dirname "$ROOT")/$(basename "$ROOT")-ci-fresh.log"

# shellcheck disable=SC2329 # run by the EXIT trap
restore() {
  if [[ -d $ASIDE ]]; then
    rm -rf "$OWN_ARTIFACTS"
    mv "$ASIDE" "$OWN_ARTIFACTS"
    info "restored $OWN_ARTIFACTS"
  fi
}
trap restore EXIT
trap 'exit 130' INT TERM

[[ -z $(git -C "$ROOT" status --porcelain --untracked-files=no) ]] \
  || warn "uncommitted changes in $ROOT are not part of this rehearsal"

step "A machine without this project's artifacts"
if [[ -d $OWN_ARTIFACTS ]]; then
  mv "$OWN_ARTIFACTS" "$ASIDE"
  info "moved $OWN_ARTIFACTS aside (back when this script ends)"
else
  info "no $OWN_ARTIFACTS"
fi
if command -v podman >/dev/null 2>&1; then
  mapfile -t containers < <(podman ps -a --format '{{.ID}} {{.Image}} {{.Names}}' 2>/dev/null | grep -E 'mesh-guide|local-cluster' | cut -d' ' -f1)
  ((${#containers[@]} == 0)) || podman rm -f "${containers[@]}" >/dev/null
  mapfile -t images < <(podman images --format '{{.ID}} {{.Repository}}' 2>/dev/null | awk '$2 ~ /(^|\/)(mesh-guide|local-cluster)\// {print $1}' | sort -u)
  ((${#images[@]} == 0)) || podman rmi -f "${images[@]}" >/dev/null
  info "removed ${#containers[@]} containers and ${#images[@]} images of mesh-guide/* and local-cluster/* from podman"
fi

step "Fresh clone of $(git -C "$ROOT" rev-parse --short HEAD) in $CLONE"
rm -rf "$CLONE"
git clone -q --no-hardlinks "$ROOT" "$CLONE" || die "git clone failed"

step "bash .ci/run (log: $LOG)"
started=$SECONDS
(cd "$CLONE" && bash .ci/run) >"$LOG" 2>&1 &
ci=$!
# Progress: each stage's start and result as the run reaches it, read from the log every few seconds.
shown=0
while kill -0 "$ci" 2>/dev/null; do
  sleep 3
  total=$(wc -l <"$LOG")
  sed -n "$((shown + 1)),${total}p" "$LOG" | grep -E '^.{0,8}==> [a-z0-9-]+.{0,4}$|passed in|FAILED after' | sed 's/\x1b\[[0-9;]*m//g; s/^ */    /'
  shown=$total
done
wait $ci
status=$?
elapsed=$((SECONDS - started))

step "Summary"
sed 's/\x1b\[[0-9;]*m//g' "$LOG" | sed -n '/==> Summary/,$p' | sed 's/^/    /'
info "exit status $status after $((elapsed / 60))m$((elapsed % 60))s; full log: $LOG"
if ((status == 0 && keep == 0)); then
  rm -rf "$CLONE"
else
  info "the clone stays in $CLONE"
fi
exit "$status"
