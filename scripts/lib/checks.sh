# Counting checks for the verify scripts: `check NAME COMMAND...` runs one check and shows its output only
# when it fails; `checks_summary` ends the script with "N passed, N failed" (what scripts/test.sh adds up)
# and its exit status.
# shellcheck shell=bash

passed=0
failed=0
failures=()

pass() { printf 'ok   %s\n' "$1"; passed=$((passed + 1)); }

fail() {
  printf 'FAIL %s\n' "$1"
  if [[ -n ${2:-} ]]; then printf '       %s\n' "${2//$'\n'/$'\n'       }"; fi
  failed=$((failed + 1))
  failures+=("$1")
}

check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(tail -n 40 <<<"$out")"; fi
}

checks_summary() {
  echo
  if ((failed > 0)); then
    warn "failed: ${failures[*]}"
  fi
  echo "$passed passed, $failed failed"
  ((failed == 0))
}
