#!/usr/bin/env bash
# What the mesh costs: the same chain (gateway -> business-v2 -> data-service) without a mesh and through the
# local mesh, back to back in one run, with the same fortio settings (docs/14-mesh-cost.md explains it all).
#
#   scripts/bench.sh                 the full run (about an hour): on an idle machine, nothing else running
#   scripts/bench.sh --smoke         a few seconds each for the three modes (mesh-tuned, mesh-shipped, no-mesh):
#                                    that the script works, no timing asserted (its numbers mean nothing); with
#                                    --reuse-mesh it measures a local mesh that is up (scripts/test.sh's
#                                    conformance stage) instead of starting one, then stops it
#   scripts/bench.sh --update-docs   the full run, then its result, tables and plots into the guide:
#                                    docs/bench/mesh-cost.json, the tables of docs/14-mesh-cost.md, docs/img/mesh-cost-*.png
#   scripts/bench.sh --duration 10   every fortio run 10 s instead of 30 (warm-ups shorter too): a quicker look
#
# Configurations, each started, measured and stopped in turn (scripts/bench/run.py):
#   mesh-shipped             scripts/mesh.sh with the settings the local mesh had before it was measured
#   lever-*                  mesh-shipped with one setting changed (Envoy concurrency, access log, sampling,
#                            HTTP client, Tomcat threads, JIT, class data sharing): 200 qps and maximum throughput
#   no-mesh, no-mesh-1pct    scripts/local.sh with the tuned app settings, trace sampling 100 % and 1 %
#   mesh-tuned, -1pct        scripts/mesh.sh with the levers that helped (run.py's choose: the access log and
#                            the sampling rate stay as the guide needs them), sampling 100 % and 1 %; the run
#                            warns when that differs from mesh/topology.yaml's `tuning` block
# For the no-mesh and mesh configurations: fortio at 50, 100, 200 and 400 qps (4 connections, 30 s each after a
# 10 s warm-up that is discarded) and at maximum throughput (8 connections); per run p50/p90/p99/p99.9, errors,
# achieved qps, CPU seconds of every process (/proc/<pid>/stat), RSS, each Envoy's requests and connections.
# Then where the time of one request goes (Zipkin spans), captcha-service per image in the service and through
# the mesh, and each app's time to ready as a plain jar, an extracted jar and with a class data sharing archive.
#
# Results: .run/bench/results.json, results.md (the tables), *.png (the plots), logs/ (one per configuration);
# every step as a JUnit XML case in $JUNIT_DIR (bench.xml or bench-smoke.xml, and checks-bench.xml), as the other
# stages of scripts/test.sh write theirs. Other load on the machine is recorded with each measurement.
# Every port the local mesh and scripts/local.sh use must be free; the script stops whatever it started, also
# when it fails or is interrupted.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

OUT="$ROOT/.run/bench"
SMOKE=()
REUSE=()
DURATION=()
UPDATE_DOCS=""
while (($#)); do
  case $1 in
    --smoke) SMOKE=(--smoke) ;;
    --update-docs) UPDATE_DOCS=1 ;;
    --reuse-mesh) REUSE=(--reuse-mesh) ;;
    --duration) DURATION=(--duration "$2"); shift ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done
[[ -z $UPDATE_DOCS || ${#SMOKE[@]} -eq 0 ]] || die "--update-docs takes the numbers of a full run, not of --smoke"

t0=$SECONDS
step "Tools (scripts/install-tools.sh): the local mesh's, and matplotlib for the plots"
"$ROOT/scripts/install-tools.sh" envoy zipkin fortio istio plot | sed 's/^/    /'
step "Building the apps (only when a jar is missing or stale)"
build_jars gateway-service business-v1 business-v2 data-service captcha-service

step "Checking that nothing else holds the ports and that the machine is quiet"
busy=""
ports=(127.0.0.1:8080 127.0.0.1:8081 127.0.0.1:8082 127.0.0.1:8083 127.0.0.1:8084)
# a local mesh that --reuse-mesh is to measure holds the others
((${#REUSE[@]})) || ports+=(127.0.0.1:8000 127.0.0.1:9411 127.0.0.1:15010 127.0.10.1:8080)
for hostport in "${ports[@]}"; do
  if port_in_use "${hostport%:*}" "${hostport#*:}"; then busy="$busy $hostport"; fi
done
[[ -z $busy ]] || die "in use:$busy (a local mesh or scripts/local.sh is up: stop it first)"
read -r load _ </proc/loadavg
info "1-minute load average: $load (other load is measured along and shown with the results)"

status=0
python3 "$ROOT/scripts/bench/run.py" --out "$OUT" "${SMOKE[@]}" "${REUSE[@]}" "${DURATION[@]}" || status=$?
if ((status != 0)); then
  # run.py stops what it started; this is for a crash it could not catch
  "$ROOT/scripts/mesh.sh" down >/dev/null 2>&1 || true
  "$ROOT/scripts/local.sh" down >/dev/null 2>&1 || true
  die "the benchmark failed after $((SECONDS - t0)) s; logs: $OUT/logs/"
fi

step "Plots (matplotlib $(
  # shellcheck source=tools/versions.env
  source "$ROOT/tools/versions.env"
  echo "$MATPLOTLIB_VERSION"
)) and tables"
check "results.json written" test -s "$OUT/results.json"
check "plots drawn from results.json" "$ROOT/.tools/plot-venv/bin/python" "$ROOT/scripts/bench/plot.py" \
  "$OUT/results.json" "$OUT"
check "every table renders" python3 "$ROOT/scripts/bench/report.py" "$OUT/results.json" status setup latency max \
  cpu processes sidecars rss levers breakdown breakdown-summary startup captcha targets istio
for png in "$OUT"/*.png; do info "$png"; done

if [[ -n $UPDATE_DOCS ]]; then
  step "Into the guide: docs/bench/mesh-cost.json, docs/img/mesh-cost-*.png, the tables of docs/14-mesh-cost.md"
  mkdir -p "$ROOT/docs/bench"
  cp "$OUT/results.json" "$ROOT/docs/bench/mesh-cost.json"
  cp "$OUT"/mesh-cost-*.png "$ROOT/docs/img/"
  check "tables of the guide rewritten" python3 "$ROOT/scripts/docs-snippets.py" tables --update
  info "review and commit: git add docs/bench docs/img/mesh-cost-*.png docs/14-mesh-cost.md"
fi

echo
step "Summary ($((SECONDS - t0)) s${SMOKE[*]:+, smoke run: the numbers mean nothing})"
python3 "$ROOT/scripts/bench/report.py" "$OUT/results.json" latency max targets | sed 's/^/    /'
cat <<TXT
    Results    $OUT/results.md, results.json, mesh-cost-*.png
    Logs       $OUT/logs/
    Running    nothing: every configuration was stopped after its measurements
TXT
checks_summary
