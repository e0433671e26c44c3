#!/usr/bin/env bash
# The resilience and hostile-input suite (mesh-conformance/*IT) against the running local mesh: faults under a
# steady load (an instance killed and hung, a sidecar killed, istiod and Zipkin down, config churn, a graceful
# shutdown, an idle-connection flood) and hostile input at every entry point. Each test puts the mesh back as it
# found it; at the end the script checks that every process is running and prints one row per scenario.
#
#   scripts/resilience.sh [CLASS...]     the whole suite, or some of it (e.g. IstiodDownIT); the local mesh must
#                                        be up (scripts/mesh.sh up); about 10 minutes
#   scripts/resilience.sh --soak [MIN]   the soak instead: MIN minutes (default 10) at 100 requests/s through the
#                                        ingress, the RSS of every process sampled every 10 s; a process whose RSS
#                                        grows by more than 10 % after the warm-up is reported as a leak candidate
#   scripts/resilience.sh --report       the table of the last run again
#
# Output: the table in .run/resilience/summary.tsv, Maven's log in .run/resilience/maven.log.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

OUT="$ROOT/.run/resilience"
SUMMARY="$OUT/summary.tsv"
LOG="$OUT/maven.log"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

report() {
  [[ -s $SUMMARY ]] || die "no resilience run recorded in $SUMMARY; run: $0"
  # in the order of the scenarios (the first column, not shown), whatever order the tests ran in
  { printf 'scenario\tsetting\tsent\terrors\trecovery\trequired\tresult\n'; sort -t $'\t' -k1,1n -s "$SUMMARY" | cut -f2-; } \
    | column -t -s $'\t'
}

# the processes scripts/mesh.sh status shows stopped or suspended, if any; fails then
# shellcheck disable=SC2329 # run by `check`
mesh_whole() {
  local status
  status=$(bash "$ROOT/scripts/mesh.sh" status 2>&1) || true
  ! grep -E '^ +[^ ]+ +(stopped|suspended)' <<<"$status"
}

soak=""
minutes=10
tests=()
case ${1:-} in
  --report) report; exit 0 ;;
  --soak)
    soak=1
    [[ -z ${2:-} ]] || minutes=$2
    [[ $minutes =~ ^[0-9]+$ ]] || usage
    ;;
  -*) usage ;;
  *) tests=("$@") ;;
esac

process_alive "$ROOT/.run/mesh" istiod || die "the local mesh is not up; start it: scripts/mesh.sh up"
mkdir -p "$OUT"
rm -f "$SUMMARY"

# the suites are chosen by JUnit tag (mesh-conformance/pom.xml, mesh.suites)
if [[ -n $soak ]]; then
  selection=(-Dmesh.suites=soak "-Dsoak.minutes=$minutes")
  step "Soak: $minutes min at 100 requests/s through the ingress (log: $LOG)"
elif ((${#tests[@]})); then
  selection=(-Dmesh.suites=resilience "-Dit.test=$(IFS=,; echo "${tests[*]}")")
  step "Resilience tests ${tests[*]} against the local mesh (log: $LOG)"
else
  selection=(-Dmesh.suites=resilience)
  step "Resilience and hostile-input suite against the local mesh (log: $LOG)"
fi

start=$SECONDS
status=0
# -am builds captcha-testkit, whose ImageUpload the tests use; the mesh profile runs no unit tests
nice -n 10 mvn -B -ntp -Pmesh -pl mesh-conformance -am verify "${selection[@]}" >"$LOG" 2>&1 &
mvn_pid=$!
# progress: what each test measured, and JUnit's verdicts, as they come
tail -n +1 -f "$LOG" --pid "$mvn_pid" | grep -a --line-buffered -E '^\[resilience\]|Tests run:|<<< (FAIL|ERROR)|BUILD' || true
wait "$mvn_pid" || status=$?

echo
if [[ -s $SUMMARY ]]; then
  step "Resilience: one row per scenario and setting (.run/resilience/summary.tsv)"
  report
fi
check "the local mesh is whole after the suite (scripts/mesh.sh status)" mesh_whole
checks_summary || status=1
if ((status == 0)); then
  step "Resilience suite passed in $((SECONDS - start)) s; the local mesh is whole (scripts/mesh.sh status)"
else
  warn "resilience suite FAILED after $((SECONDS - start)) s; Maven's log: $LOG, the mesh's logs: .run/mesh/logs/"
fi
exit "$status"
