#!/usr/bin/env bash
# The cluster path, run for real on this machine (scripts/test.sh stage "cluster"):
#
#   0. another local cluster on this host is waited for (one per host), an interrupted one's leftovers removed
#   1. scripts/cluster.sh up: Kubernetes built from source, no Docker (etcd, control plane, containerd,
#      kubelet, kube-proxy, CoreDNS)
#   2. scripts/up-istio.sh --local-cluster --with-captcha: istioctl install with the guide's IstioOperator,
#      Jaeger, the five apps (jib:buildTar images) through k8s/overlays/local-cluster plus the captcha
#      component (the same steps kind and minikube users run)
#   3. smoke checks: every Pod ready (apps 2/2 with their sidecar), the chain through the ingress gateway's
#      NodePort from the host, a request from the curl Deployment, x-served-by naming the Pod, cluster DNS
#   4. the cluster conformance suite (cluster-conformance/, mvn -Pcluster verify: *IT by Failsafe), each test
#      starting from and returning to the state of step 2; then every cluster command the guide shows
#      (docs/snippets/*-cluster.sh through scripts/docs-snippets.py run --requires cluster, its own JUnit report);
#      then every kustomization and istio/ sample through the real API server (scripts/verify-k8s.sh --server:
#      kubectl apply --dry-run=server --validate=strict)
#   5. scripts/cluster.sh down, then nothing of the cluster left: no process, mount, bridge, KUBE-*
#      chain, cgroup or kubelet socket of its own, the sysctls as before
#
#   scripts/verify-cluster.sh        the last line is "N passed, N failed"
#   CLUSTER_KEEP=1 scripts/verify-cluster.sh   leave the cluster running after the checks (no step 5)
#   CLUSTER_IT=ConfigMapIT scripts/verify-cluster.sh   only these conformance tests (Failsafe's -Dit.test)
#   DOCS_SNIPPETS_UPDATE=1 scripts/verify-cluster.sh   also store the guide commands' outputs and rewrite the
#                                                      guide's cluster output blocks with them
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

CLUSTER="$ROOT/scripts/cluster.sh"
LOGS="$ROOT/.run/verify-cluster"
rm -rf "$LOGS"
mkdir -p "$LOGS"
INGRESS=http://10.250.0.1:30080/
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables vm.overcommit_memory kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
started=$SECONDS

kc() { "$CLUSTER" kubectl "$@"; }
sysctl_values() { local s; for s in "${SYSCTLS[@]}"; do printf '%s=%s\n' "$s" "$(sysctl -n "$s" 2>/dev/null)"; done; }
elapsed() { printf '%ss' $((SECONDS - $1)); }

# timed NAME LOG COMMAND...: one check whose output goes to LOG, shown (its tail) only on failure.
timed() {
  local name=$1 log=$2 t=$SECONDS
  shift 2
  if "$@" >"$log" 2>&1; then
    pass "$name ($(elapsed "$t"))"
  else
    fail "$name ($(elapsed "$t"), log: ${log#"$ROOT"/})" "$(tail -n 25 "$log")"
    return 1
  fi
}

# --- before ---------------------------------------------------------------------------------------------
step "The host before the cluster"
# One local cluster per host: another one (another clone's, another run's on a machine this one shares) is
# waited for, and what an interrupted one left is reclaimed before the host's state is recorded.
OTHER_CLUSTER_WAIT_S=900
if ! others=$("$CLUSTER" foreign); then
  info "another local cluster runs on this host; waiting up to ${OTHER_CLUSTER_WAIT_S}s for it to stop:"
  printf '%s\n' "$others" | sed 's/^/      /'
  waited=$SECONDS
  next_note=$((SECONDS + 60))
  until "$CLUSTER" foreign >/dev/null || ((SECONDS - waited >= OTHER_CLUSTER_WAIT_S)); do
    if ((SECONDS >= next_note)); then
      info "... still running after $(elapsed "$waited")"
      next_note=$((SECONDS + 60))
    fi
    sleep 1
  done
  info "waited $(elapsed "$waited")"
fi
check "no other local cluster running on this host" "$CLUSTER" foreign
if ! left=$("$CLUSTER" leftovers); then
  info "what an interrupted cluster left on the host, removed with scripts/cluster.sh down (log: ${LOGS#"$ROOT"/}/reclaim.log):"
  printf '%s\n' "$left" | sed 's/^/      /'
  "$CLUSTER" down >"$LOGS/reclaim.log" 2>&1 || true
fi
sysctl_values >"$LOGS/sysctl.before"
check "nothing of a local cluster on the host before up" "$CLUSTER" leftovers

# --- up -------------------------------------------------------------------------------------------------
step "scripts/cluster.sh up (log: ${LOGS#"$ROOT"/}/cluster-up.log)"
t_up=$SECONDS
cluster_up=false
if timed "scripts/cluster.sh up" "$LOGS/cluster-up.log" "$CLUSTER" up; then cluster_up=true; fi
t_up=$((SECONDS - t_up))
sed -n '/Local cluster up/,$p' "$LOGS/cluster-up.log" | sed 's/^/    /'

mesh_up=false
t_mesh=$SECONDS
if $cluster_up; then
  step "scripts/up-istio.sh --local-cluster --with-captcha (log: ${LOGS#"$ROOT"/}/up-istio.log)"
  if timed "scripts/up-istio.sh --local-cluster --with-captcha (Istio, Jaeger, images, apps, its smoke check)" \
    "$LOGS/up-istio.log" "$ROOT/scripts/up-istio.sh" --local-cluster --with-captcha; then mesh_up=true; fi
fi
t_mesh=$((SECONDS - t_mesh))

# --- smoke checks ---------------------------------------------------------------------------------------------
# pods_ready NAMESPACE CONTAINERS: every Pod Running with all CONTAINERS ready (a native sidecar counts).
pods_ready() {
  local ns=$1 want=$2 out bad
  out=$(kc -n "$ns" get pods --no-headers)
  [[ -n $out ]] || { echo "no Pods in $ns"; return 1; }
  echo "$out"
  bad=$(awk -v w="$want" '$2 != w || $3 != "Running"' <<<"$out")
  [[ -z $bad ]] || { echo "not $want Running:"; echo "$bad"; return 1; }
}

no_restarts() {
  local out
  out=$(kc get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{range .status.containerStatuses[*]}{" "}{.name}={.restartCount}{end}{range .status.initContainerStatuses[*]}{" "}{.name}={.restartCount}{end}{"\n"}{end}')
  echo "$out"
  ! grep -qE '=[1-9]' <<<"$out"
}

# A response's header (lower-case name), from curl -i output.
header() { tr -d '\r' | sed -n "s/^$1: //Ip" | head -1; }

chain_through_ingress() {
  local out body
  out=$(curl -sS -i --max-time 10 "$INGRESS") || return 1
  echo "$out"
  body=$(sed '1,/^\r\{0,1\}$/d' <<<"$out")
  [[ $(head -1 <<<"$out") == *" 200"* ]] || return 1
  grep -q '^Gateway get from upstream:' <<<"$body" && grep -q 'response from: business V' <<<"$body" || return 1
  [[ $(header x-served-by <<<"$out") == gateway-service-* ]] || { echo "x-served-by is not a gateway-service Pod"; return 1; }
}

# Both business versions answer through the ingress, and v2's answer carries data-service's.
both_versions_through_ingress() {
  local body seen_v1=false seen_v2=false
  for _ in $(seq 20); do
    body=$(curl -fsS --max-time 10 "$INGRESS") || return 1
    grep -q 'business V1' <<<"$body" && seen_v1=true
    grep -q 'business V2' <<<"$body" && seen_v2=true
    if $seen_v1 && $seen_v2; then echo "$body"; return 0; fi
  done
  echo "after 20 requests: v1 seen=$seen_v1, v2 seen=$seen_v2"
  return 1
}

from_curl_deployment() {
  local out pod
  out=$(kc exec deploy/curl -c curl -- curl -sS -i --max-time 10 http://gateway-service:8080/) || return 1
  echo "$out"
  [[ $(head -1 <<<"$out") == *" 200"* ]] || return 1
  pod=$(kc get pods -l app=gateway-service -o jsonpath='{.items[0].metadata.name}')
  [[ $(header x-served-by <<<"$out") == "$pod" ]] || { echo "x-served-by is not the Pod name $pod"; return 1; }
}

# Each data-service replica names itself (Downward API): 20 calls see exactly the two Pod names.
data_service_pods_named() {
  local names seen
  names=$(kc get pods -l app=data-service -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
  # shellcheck disable=SC2016 # the loop runs in the curl container's shell
  seen=$(kc exec deploy/curl -c curl -- sh -c \
    'for i in $(seq 20); do curl -s -o /dev/null -D - --max-time 5 http://data-service:8080/api/data; done' \
    | tr -d '\r' | sed -n 's/^x-served-by: //Ip' | sort -u)
  echo "Pods: $(paste -sd' ' <<<"$names"); x-served-by seen: $(paste -sd' ' <<<"$seen")"
  [[ $(wc -l <<<"$names") -eq 2 && $seen == "$names" ]]
}

cluster_dns() {
  local ip out
  ip=$(kc get service data-service -o jsonpath='{.spec.clusterIP}')
  out=$(kc exec deploy/curl -c curl -- nslookup data-service.default.svc.cluster.local) || { echo "$out"; return 1; }
  echo "$out"
  grep -q "Address: $ip\$" <<<"$out" || { echo "no answer $ip"; return 1; }
}

if $mesh_up; then
  step "Smoke checks"
  check "kube-system: CoreDNS 1/1 Running" pods_ready kube-system 1/1
  check "istio-system: istiod, gateways, Jaeger 1/1 Running" pods_ready istio-system 1/1
  check "default: every Pod 2/2 Running (app + injected sidecar, readiness passing)" pods_ready default 2/2
  check "no container restarted (startup probes long enough for the JVMs starting together)" no_restarts
  check "ingress gateway NodePort from the host: $INGRESS answers the chain, x-served-by names the Pod" chain_through_ingress
  check "through the ingress both business versions answer (20 requests)" both_versions_through_ingress
  check "curl Deployment -> gateway-service:8080: 200, x-served-by is the gateway-service Pod" from_curl_deployment
  check "data-service: its two Pods answer under their own names (Downward API)" data_service_pods_named
  check "cluster DNS: nslookup data-service.default.svc.cluster.local = its ClusterIP" cluster_dns
  "$CLUSTER" status >"$LOGS/status.txt" 2>&1
  info "memory of the cluster with Istio and the apps (resident):"
  sed -n '/Memory/,/total/p' "$LOGS/status.txt" | tail -n +2 | sed 's/^/  /'
  info "$(free -m | awk '/^Mem:/ {print "host memory used (everything on the machine): " $3 " MiB of " $2}')"
fi

# --- the conformance suite -------------------------------------------------------------------------------
t_suite=$SECONDS
if $mesh_up; then
  step "Cluster conformance suite: mvn -Pcluster -pl cluster-conformance -am verify (log: ${LOGS#"$ROOT"/}/conformance.log)"
  suite=(nice -n 10 mvn -B -ntp -Pcluster -pl cluster-conformance -am verify -Dsurefire.failIfNoSpecifiedTests=false)
  [[ -z ${CLUSTER_IT:-} ]] || suite+=("-Dit.test=$CLUSTER_IT")
  if "${suite[@]}" >"$LOGS/conformance.log" 2>&1; then
    pass "cluster conformance suite ($(elapsed "$t_suite")): $(grep -E '^\[INFO\] Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: 0$' "$LOGS/conformance.log" | tail -1 | sed 's/^\[INFO\] //')"
  else
    fail "cluster conformance suite ($(elapsed "$t_suite"), log: ${LOGS#"$ROOT"/}/conformance.log)" \
      "$(grep -E '^\[ERROR\]|Tests run:.*(Fail|Err)' "$LOGS/conformance.log" | head -25)"
  fi
  grep '^\[conformance\]' "$LOGS/conformance.log" | sed 's/^/    /'
fi
t_suite=$((SECONDS - t_suite))

# --- the guide's cluster commands -----------------------------------------------------------------------------
# Every snip_ function of docs/snippets/*-cluster.sh, run in order as a reader would type them: a non-zero exit
# fails the check; scripts/docs-snippets.py writes each command's result to its own JUnit report. The outputs
# are stored and the guide's blocks rewritten only with DOCS_SNIPPETS_UPDATE=1; scripts/docs-snippets.py check
# (docs stage) keeps the guide equal to what is stored.
guide_commands() {
  local log=$1 update=() status=0
  [[ -z ${DOCS_SNIPPETS_UPDATE:-} ]] || update=(--update)
  timeout 1200 python3 "$ROOT/scripts/docs-snippets.py" run --requires cluster "${update[@]}" >"$log" 2>&1 || status=$?
  ((status != 124)) || echo "did not finish within 20 min"
  grep -E '^FAIL' -A5 "$log" | head -n 30
  grep -E '^docs-snippets:' "$log"
  return "$status"
}

if $mesh_up; then
  step "The guide's cluster commands: scripts/docs-snippets.py run --requires cluster (log: ${LOGS#"$ROOT"/}/guide-commands.log)"
  check "every cluster command of the guide runs (docs/snippets/*-cluster.sh)" guide_commands "$LOGS/guide-commands.log"
  grep -E '^docs-snippets:' "$LOGS/guide-commands.log" | sed 's/^/    /'
fi

if $mesh_up; then
  step "Server-side validation: scripts/verify-k8s.sh --server (log: ${LOGS#"$ROOT"/}/server-dry-run.log)"
  t=$SECONDS
  bash "$ROOT/scripts/verify-k8s.sh" --server >"$LOGS/server-dry-run.log" 2>&1
  summary=$(tail -n 1 "$LOGS/server-dry-run.log")
  if [[ $summary =~ ^([0-9]+)\ passed,\ 0\ failed$ ]]; then
    pass "every kustomization and istio/ sample accepted by the API server, every seeded mistake rejected: $summary ($(elapsed "$t"))"
  else
    fail "server-side validation ($(elapsed "$t"), log: ${LOGS#"$ROOT"/}/server-dry-run.log)" "$(grep -A3 '^FAIL' "$LOGS/server-dry-run.log" | head -25)"
  fi
fi

# --- down -------------------------------------------------------------------------------------------------
# After a failure, every container's log (down deletes the Pods and their logs with them).
if ((failed > 0)) && $cluster_up; then
  mkdir -p "$LOGS/pods"
  for ns in default istio-system kube-system; do
    kc -n "$ns" logs --all-containers --prefix --timestamps --tail=-1 -l 'app' >"$LOGS/pods/$ns.log" 2>&1 || true
  done
  info "every container's log, for the failures above: ${LOGS#"$ROOT"/}/pods/<namespace>.log"
fi
if [[ ${CLUSTER_KEEP:-0} == 1 ]]; then
  info "CLUSTER_KEEP=1: the cluster keeps running (scripts/cluster.sh down stops it)"
else
  step "scripts/cluster.sh down"
  t_down=$SECONDS
  timed "scripts/cluster.sh down" "$LOGS/cluster-down.log" "$CLUSTER" down
  t_down=$((SECONDS - t_down))
  check "nothing of the cluster left: no process, mount, bridge, KUBE-* chain, cgroup or kubelet socket of its own" "$CLUSTER" leftovers
  check "host sysctls as before up ($(paste -sd' ' <<<"${SYSCTLS[*]}"))" diff "$LOGS/sysctl.before" <(sysctl_values)
  info "times: cluster up ${t_up}s, Istio + images + apps ${t_mesh}s, conformance suite ${t_suite}s, down ${t_down}s, stage $(elapsed "$started")"
fi

checks_summary
