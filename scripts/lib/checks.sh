# Counting checks for the verify scripts: `check NAME COMMAND...` runs one check and shows its output only
# when it fails (`pass NAME` and `fail NAME [OUTPUT]` record a check decided by the script itself);
# `checks_summary` ends the script with "N passed, N failed", writes every check to a JUnit XML report
# (scripts/lib/junit.py: $JUNIT_DIR/checks-SCRIPT.xml, what scripts/test.sh adds up) and returns the status.
# Source after common.sh.
# shellcheck shell=bash

passed=0
failed=0
failures=()
CHECKS_SUITE="checks-$(basename "${0%.*}")"
CHECKS_RESULTS=$(mktemp)
check_seconds=0

# record STATUS NAME [OUTPUT]: one record for the JUnit XML report
record() {
  printf '%s\0%s\0%s\0%s\0' "$1" "$2" "$check_seconds" "${3:-}" >>"$CHECKS_RESULTS"
  check_seconds=0
}

pass() {
  printf 'ok   %s\n' "$1"
  passed=$((passed + 1))
  record passed "$1"
}

fail() {
  printf 'FAIL %s\n' "$1"
  if [[ -n ${2:-} ]]; then printf '       %s\n' "${2//$'\n'/$'\n'       }"; fi
  failed=$((failed + 1))
  failures+=("$1")
  record failed "$1" "${2:-}"
}

# microseconds since the epoch
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"; }

check() {
  local name=$1 out start status=0
  shift
  start=$(now_us)
  out=$("$@" 2>&1) || status=$?
  local took=$(($(now_us) - start))
  check_seconds=$(printf '%d.%06d' $((took / 1000000)) $((took % 1000000)))
  if ((status == 0)); then pass "$name"; else fail "$name" "$(tail -n 40 <<<"$out")"; fi
}

# checks_from LOG [PREFIX]: the checks another program printed ("ok   NAME", or "FAIL NAME" followed by
# indented lines saying why), recorded as this script's with PREFIX before each NAME; the program's
# "RESULT passed=N failed=N" line must agree with them. Its other lines are shown as they are.
checks_from() {
  local log=$1 prefix=${2:-} line failing="" why="" result="" before=$((passed + failed))
  while IFS= read -r line; do
    if [[ -n $failing && $line != "       "* ]]; then
      fail "$prefix$failing" "$why"
      failing=""
    fi
    case $line in
      "ok   "*) pass "$prefix${line#ok   }" ;;
      "FAIL "*) failing=${line#FAIL } why="" ;;
      "       "*) if [[ -n $failing ]]; then why+="${why:+$'\n'}${line#       }"; else echo "$line"; fi ;;
      "RESULT "*) result=$line ;;
      "info "*) info "${line#info }" ;;
      *) echo "$line" ;;
    esac
  done <"$log"
  [[ -z $failing ]] || fail "$prefix$failing" "$why"
  if [[ ! $result =~ passed=([0-9]+)\ failed=([0-9]+) ]]; then
    fail "${prefix}ran to the end" "no RESULT line; log: $log"
  elif ((BASH_REMATCH[1] + BASH_REMATCH[2] != passed + failed - before)); then
    fail "${prefix}count" "$result, but $((passed + failed - before)) checks printed; log: $log"
  fi
}

checks_summary() {
  echo
  if ((failed > 0)); then
    warn "failed: ${failures[*]}"
  fi
  python3 "$ROOT/scripts/lib/junit.py" checks "$CHECKS_SUITE" "$CHECKS_RESULTS" \
    || warn "could not write the JUnit XML report of $CHECKS_SUITE"
  rm -f "$CHECKS_RESULTS"
  echo "$passed passed, $failed failed"
  ((failed == 0))
}
