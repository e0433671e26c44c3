#!/usr/bin/env bash
# Runs every test of the project, the same way on a laptop and in CI (.ci/run calls exactly this):
#   1. mvn verify: unit tests, then the apps as real processes (integration-tests/); the captcha trainer
#      (profile "train"): its unit tests and its pseudo-labeller end to end
#      (captcha-trainer/scripts/verify-trainer.sh)
#   2. the guide: links, referenced files, no placeholders left, versions pinned (scripts/check-docs.py); every command,
#      output and istio/ file shown equals its source (scripts/docs-snippets.py check); the non-Java example of
#      docs/09 forwards the trace headers (scripts/test-propagation-example.py)
#   3. shellcheck on every shell script, ruff on every Python file, the unit tests of mesh/localmesh/ (pytest),
#      gofmt and go vet on every Go module (scripts/lint.sh)
#   4. the cluster path, offline: kustomize renders, strict parsing, consistency, up-istio.sh --dry-run
#      (scripts/verify-k8s.sh)
#   5. container images: jib:buildTar on a locally built base, each image's config checked, one run
#      under podman (scripts/verify-images.sh)
#   6. the apps as containers through a Docker API (podman's where there is no Docker): jib:dockerBuild, the
#      Testcontainers tests, docker compose up with its checks, down (scripts/verify-containers.sh)
#   7. every istio/ sample and the generated local mesh config through istioctl validate + analyze
#   8. the local mesh (scripts/mesh.sh up), the conformance suite against it (mesh-conformance/), the resilience
#      and hostile-input suite (faults under load, hostile requests: scripts/resilience.sh, about 7 minutes), every
#      command the guide shows run against it (scripts/docs-snippets.py run), then the benchmark in its smoke
#      mode (scripts/bench.sh --smoke --reuse-mesh: that mesh, the mesh with its shipped settings and the apps
#      without a mesh a few seconds each, tables and plots written, no timing asserted), mesh down
#   9. the cluster path for real: a single-node Kubernetes built here (scripts/cluster.sh up), Istio and the
#      apps as the guide installs them (scripts/up-istio.sh --local-cluster), smoke checks, the cluster
#      conformance suite (cluster-conformance/), down, nothing left behind (scripts/verify-cluster.sh)
# Each stage's log is under .run/test/. Every stage writes JUnit XML (Maven's reports in the modules' target/,
# everything else in .run/test/junit/); the last line adds up the reports of the run (scripts/lib/test-totals.py).
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

LOGS="$ROOT/.run/test"
rm -rf "$LOGS"
JUNIT_DIR="$LOGS/junit"
export JUNIT_DIR
mkdir -p "$LOGS" "$JUNIT_DIR"
started=$(date +%s)
passed=0
failed=0
failures=()

stage() {
  local name=$1
  shift
  step "$name"
  local start=$SECONDS
  if "$@" 2>&1 | tee "$LOGS/$name.log"; then
    info "$name passed in $((SECONDS - start))s"
    passed=$((passed + 1))
  else
    warn "$name FAILED after $((SECONDS - start))s (log: $LOGS/$name.log)"
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

cd "$ROOT" || exit 1
stage maven mvn -B -ntp verify
# the trainer (profile "train") is not in the default build: its unit tests, and the pseudo-labeller that
# captcha-trainer/docs/reproduce.md runs by hand, end to end against the real captcha-service
stage trainer bash captcha-trainer/scripts/verify-trainer.sh
docs() {
  python3 scripts/check-docs.py && python3 scripts/docs-snippets.py check \
    && pytest_run pytest-propagation-example scripts/test-propagation-example.py
}
stage docs docs
stage lint bash scripts/lint.sh
stage k8s bash scripts/verify-k8s.sh
stage images bash scripts/verify-images.sh
stage containers bash scripts/verify-containers.sh
stage istio-validate bash scripts/validate-istio.sh

conformance() {
  # a failed start leaves istiod, Zipkin and whatever else got going; stop them, or the next run finds the
  # ports taken (the logs stay in .run/mesh/logs)
  bash scripts/mesh.sh up || { bash scripts/mesh.sh down; return 1; }
  local status=0
  # -am builds what the suites use (captcha-testkit's ImageUpload); the mesh profile runs only the *IT suites,
  # here the conformance ones (mesh-conformance/pom.xml, mesh.suites)
  mvn -B -ntp -Pmesh -pl mesh-conformance -am verify || status=1
  # every resilience test leaves the mesh as it found it, so the guide's commands run on a whole mesh after it
  bash scripts/resilience.sh || status=1
  python3 scripts/docs-snippets.py run || status=1
  # last: it stops the mesh it measures, then starts and stops a mesh with the shipped settings and
  # scripts/local.sh
  bash scripts/bench.sh --smoke --reuse-mesh || status=1
  bash scripts/mesh.sh down
  return $status
}
stage mesh-conformance conformance
stage cluster bash scripts/verify-cluster.sh

echo
step "Summary: $passed stages passed, $failed failed, in $((SECONDS / 60))m$((SECONDS % 60))s"
for name in "${failures[@]}"; do
  warn "failed: $name (log: $LOGS/$name.log)"
  # the suites' own report lines of what failed, with the measured values (the log may be out of reach)
  grep -a -E -- '-> FAIL|^FAIL ' "$LOGS/$name.log" | head -20 | sed 's/^/      /'
done
python3 "$ROOT/scripts/lib/test-totals.py" "$JUNIT_DIR" "$started"
((failed == 0))
