#!/usr/bin/env bash
# Validates the cluster path offline: no cluster, no Docker engine, no network beyond the package
# registries (Go modules and one PyPI wheel, fetched once and cached in .tools/).
#
#   1. k8scheck (tools/k8scheck, Go, pinned modules): its unit tests first -- each breaks a good
#      manifest in one way and asserts the check fires -- then the real run: renders every kustomization
#      under k8s/ and every component combination with the kustomize library kubectl embeds, reads every
#      object into the Kubernetes and Istio Go types, checks selectors, ports, probes, limits, security
#      contexts, subPath, references, RBAC, istio/ hosts and subsets, the kind and IstioOperator files,
#      docker-compose.yml (compose-go, the library of `docker compose`) and the version pins.
#   2. kubectl kustomize gives the same objects (when kubectl is installed).
#   3. istioctl from scripts/install-tools.sh (when built): the IstioOperator renders, istio/ validates;
#      `docker compose config` when the compose plugin is installed.
#   4. scripts/up-istio.sh --dry-run (kind, minikube, --local-cluster, --with-captcha, --down): exits 0, prints a
#      complete plan, and executes nothing (stub kind/kubectl/docker/... on PATH record any call).
#
#   scripts/verify-k8s.sh          run everything; the last line is "N passed, N failed"
#   scripts/verify-k8s.sh --server only the server side, against the running local cluster (scripts/verify-cluster.sh
#                                  runs it): every kustomization and istio/ sample through `kubectl apply
#                                  --dry-run=server --validate=strict` (the API server's decoding, validation and
#                                  admission, Istio's CRD schemas and webhook), and seeded mistakes each rejected
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=SCRIPTDIR/../tools/versions.env
source "$ROOT/tools/versions.env"

CHECKER_SRC="$ROOT/tools/k8scheck"
CACHE="$ROOT/.tools/k8scheck"
LOGS="$ROOT/.run/verify-k8s"
mkdir -p "$CACHE" "$LOGS" "$JUNIT_DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

# --- server side: every kustomization and istio/ sample through the real API server -----------------------
# scripts/verify-k8s.sh --server, run by scripts/verify-cluster.sh while the local cluster runs with Istio:
# kubectl apply --dry-run=server --validate=strict sends each object through the API server's decoding
# (unknown and duplicate fields are errors), defaulting, validation and admission, including Istio's CRD
# schemas and its validating webhook (istiod), and persists nothing. This is the schema check; k8scheck
# keeps what no API server knows about this project, and duplicate keys in a YAML file (kubectl decodes the
# YAML itself, so the server never sees the duplicate: k8scheck's strict YAML reader does).
server_side() {
  local kubectl="$ROOT/.tools/cluster/bin/kubectl" kubeconfig="$ROOT/.run/cluster/kubeconfig"
  kc() { "$kubectl" --kubeconfig "$kubeconfig" "$@"; }
  step "The local cluster's API server (scripts/cluster.sh) with Istio's CRDs and webhook"
  if ! kc get --raw /readyz >/dev/null 2>&1; then
    fail "the local cluster answers" "no API server at $kubeconfig: start it with scripts/cluster.sh up and scripts/up-istio.sh --local-cluster"
    return
  fi
  check "Istio's CRDs installed ($(kc get crd -o name 2>/dev/null | grep -c 'istio.io') of them) and its validating webhook" \
    bash -c "$(printf '%q ' "$kubectl") --kubeconfig $(printf '%q' "$kubeconfig") get crd virtualservices.networking.istio.io >/dev/null && $(printf '%q ' "$kubectl") --kubeconfig $(printf '%q' "$kubeconfig") get validatingwebhookconfiguration istio-validator-istio-system >/dev/null"

  step "kubectl apply --dry-run=server --validate=strict: every kustomization under k8s/, base + every component"
  local dir dirs=() components=()
  while IFS= read -r dir; do
    if grep -q '^kind: Component' "$dir/kustomization.yaml"; then components+=("${dir#"$ROOT"/}"); else dirs+=("${dir#"$ROOT"/}"); fi
  done < <(find "$ROOT/k8s" -name kustomization.yaml -printf '%h\n' | sort)
  # base + all components: what no single overlay renders (captcha, reloader, failure-injection together)
  local all="$LOGS/server-all-components"
  mkdir -p "$all"
  {
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    echo "- ../../../k8s/base"
    echo "components:"
    for dir in "${components[@]}"; do echo "- ../../../$dir"; done
  } >"$all/kustomization.yaml"
  dirs+=("${all#"$ROOT"/}")
  for dir in "${dirs[@]}"; do
    check "server dry-run $dir ($(kc kustomize "$ROOT/$dir" 2>/dev/null | grep -c '^kind: ') objects)" \
      kc apply -k "$ROOT/$dir" --dry-run=server --validate=strict
  done

  step "kubectl apply --dry-run=server --validate=strict: every istio/ sample, k8s/cluster/telemetry-tracing.yaml"
  local f
  for f in "$ROOT"/istio/*.yaml "$ROOT/k8s/cluster/telemetry-tracing.yaml"; do
    check "server dry-run ${f#"$ROOT"/}" kc apply -f "$f" --dry-run=server --validate=strict
  done

  step "The server-side check fails where it should: each seeded mistake rejected, its good original accepted"
  local good_deployment good_dr good_vs
  good_deployment=$(cat <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: verify-k8s-probe}
spec:
  selector: {matchLabels: {app: verify-k8s-probe}}
  template:
    metadata: {labels: {app: verify-k8s-probe}}
    spec:
      containers:
      - name: app
        image: mesh-guide/data-service:0.1.0
        readinessProbe: {httpGet: {path: /actuator/health/readiness, port: 8080}, periodSeconds: 5}
        resources: {limits: {memory: 512Mi}}
EOF
)
  good_dr=$(cat <<'EOF'
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: verify-k8s-probe}
spec:
  host: data-service
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m}
EOF
)
  good_vs=$(cat <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: verify-k8s-probe}
spec:
  hosts: [data-service]
  http:
  - route:
    - destination: {host: data-service}
EOF
)
  # seeded NAME GOOD OLD NEW WANT: GOOD passes the dry run; with OLD replaced by NEW it fails, saying WANT.
  seeded() {
    local name=$1 good=$2 old=$3 new=$4 want=$5 out
    [[ $good == *"$old"* ]] || { fail "seeded mistake: $name" "the case does not apply: '$old' is not in the manifest"; return; }
    if ! out=$(kc apply --dry-run=server --validate=strict -f - <<<"$good" 2>&1); then
      fail "seeded mistake: $name" "the good manifest is rejected: $out"
      return
    fi
    if out=$(kc apply --dry-run=server --validate=strict -f - <<<"${good/"$old"/"$new"}" 2>&1); then
      fail "seeded mistake: $name" "accepted: $out"
    elif [[ $out == *"$want"* ]]; then
      pass "seeded mistake rejected: $name ($(grep -F -m1 -- "$want" <<<"$out" | cut -c1-150))"
    else
      fail "seeded mistake: $name" "rejected, but not for '$want': $out"
    fi
  }
  seeded "misspelt Deployment field" "$good_deployment" "readinessProbe:" "readinesProbe:" 'unknown field "spec.template.spec.containers[0].readinesProbe"'
  seeded "wrong type" "$good_deployment" "periodSeconds: 5" "periodSeconds: five" 'periodSeconds'
  seeded "bad quantity" "$good_deployment" "memory: 512Mi" "memory: 512MB" 'quantities must match'
  # shellcheck disable=SC2016 # the backticks are part of the API server's message
  seeded "template labels outside the selector" "$good_deployment" "metadata: {labels: {app: verify-k8s-probe}}" "metadata: {labels: {app: other}}" '`selector` does not match template `labels`'
  seeded "misspelt Istio field" "$good_vs" "destination:" "destinaton:" 'unknown field "spec.http[0].route[0].destinaton"'
  seeded "bad Istio enum" "$good_dr" "simple: ROUND_ROBIN" "simple: ROUND_ROBBIN" 'ROUND_ROBBIN'
  seeded "bad Istio duration" "$good_dr" "baseEjectionTime: 3m" "baseEjectionTime: three minutes" 'baseEjectionTime'
  seeded "a route only Istio's webhook refuses (wildcard host on the mesh)" "$good_vs" "hosts: [data-service]" 'hosts: ["*"]' 'admission webhook "validation.istio.io" denied the request'
  seeded "Istio kind at a version Istio does not serve" "$good_vs" "kind: VirtualService" "kind: EnvoyFilter" 'no matches for kind "EnvoyFilter" in version "networking.istio.io/v1"'
  seeded "removed Istio API" "$good_vs" "apiVersion: networking.istio.io/v1" "apiVersion: config.istio.io/v1alpha2" 'no matches for kind "VirtualService" in version "config.istio.io/v1alpha2"'
}

if [[ ${1:-} == --server ]]; then
  server_side
  checks_summary
  exit
fi

# --- 1. k8scheck -------------------------------------------------------------------------------------
step "k8scheck: build (cached by source hash) and unit tests"
checker=""
if ! command -v go >/dev/null 2>&1; then
  fail "build k8scheck" "Go is not installed (the checker is a Go program; see tools/k8scheck/go.mod)"
else
  hash=$(cat "$CHECKER_SRC"/go.mod "$CHECKER_SRC"/go.sum "$CHECKER_SRC"/*.go | sha256sum | cut -c1-16)
  checker="$CACHE/k8scheck-$hash"
  if [[ -x $checker ]]; then
    pass "build k8scheck (cached ${checker#"$ROOT"/})"
  elif out=$(cd "$CHECKER_SRC" && nice -n 10 go build -o "$checker.tmp" . 2>&1) && mv "$checker.tmp" "$checker"; then
    find "$CACHE" -name 'k8scheck-*' ! -name "k8scheck-$hash" -delete
    pass "build k8scheck (${checker#"$ROOT"/})"
  else
    fail "build k8scheck" "$out"
    checker=""
  fi
  # gotestsum: the same go test, with its JUnit XML report next to the other stages'
  if ! out=$("$ROOT/scripts/install-tools.sh" gotestsum 2>&1); then
    fail "install gotestsum" "$out"
  elif out=$(cd "$CHECKER_SRC" && nice -n 10 "$ROOT/.tools/bin/gotestsum" --format dots \
    --junitfile "$JUNIT_DIR/go-k8scheck.xml" -- -count=1 ./... 2>&1); then
    pass "k8scheck unit tests: $(cd "$CHECKER_SRC" && grep -c '{"' k8scheck_test.go) seeded mistakes, each caught"
  else
    fail "k8scheck unit tests" "$out"
  fi
fi

if [[ -n $checker ]]; then
  step "k8scheck: renders, strict schemas, consistency, compose, pins"
  "$checker" -root "$ROOT" >"$LOGS/k8scheck.log" 2>&1
  checks_from "$LOGS/k8scheck.log" "k8scheck: "
fi

# --- 2. kubectl kustomize parity ---------------------------------------------------------------------
step "kubectl kustomize renders the same objects as the pinned kustomize"
if command -v kubectl >/dev/null 2>&1 && [[ -n $checker ]]; then
  for dir in k8s k8s/overlays/kind k8s/overlays/minikube k8s/overlays/local-cluster; do
    out_file="$WORK/$(tr / _ <<<"$dir").yaml"
    if out=$(kubectl kustomize "$ROOT/$dir" 2>&1 >"$out_file"); then
      check "kubectl kustomize $dir ($(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')) = pinned render" \
        "$checker" -root "$ROOT" -parity "$dir=$out_file"
    else
      fail "kubectl kustomize $dir" "$out"
    fi
  done
else
  info "skipped: kubectl is not installed (the pinned kustomize in k8scheck already rendered everything)"
fi

# --- 3. istioctl, when scripts/install-tools.sh has built it -----------------------------------------
step "istioctl $ISTIO_VERSION (offline)"
ISTIOCTL="$ROOT/.tools/bin/istioctl"
if [[ -x $ISTIOCTL ]]; then
  check "istioctl manifest generate -f k8s/cluster/istio-install.yaml" \
    "$ISTIOCTL" manifest generate -f "$ROOT/k8s/cluster/istio-install.yaml"
  # The local cluster's overlay: local images, and istiod told what upstream Envoy lacks.
  local_cluster_install() {
    local out
    out=$("$ISTIOCTL" manifest generate -f "$ROOT/k8s/cluster/istio-install.yaml" \
      -f "$ROOT/k8s/cluster/istio-install-local-cluster.yaml" 2>&1) || { echo "$out"; return 1; }
    local want
    for want in "image: localhost/istio/pilot:$ISTIO_VERSION" '"hub": "localhost/istio"' "\"tag\": \"$ISTIO_VERSION\"" \
      'name: PILOT_ENABLE_ALPN_FILTER' 'name: PILOT_ENABLE_METADATA_EXCHANGE' 'metrics: []' 'imagePullPolicy: IfNotPresent' \
      'nodePort: 30080'; do
      grep -qF -- "$want" <<<"$out" || { echo "the rendered install lacks: $want"; return 1; }
    done
  }
  check "istioctl manifest generate with k8s/cluster/istio-install-local-cluster.yaml (local images, upstream Envoy settings)" \
    local_cluster_install
  if [[ -n $checker ]]; then
    "$checker" -root "$ROOT" -render k8s/overlays/kind >"$WORK/kind.yaml" 2>/dev/null
    targets=("$WORK/kind.yaml")
    while IFS= read -r f; do targets+=("$f"); done < <(find "$ROOT/istio" -name '*.yaml' 2>/dev/null | sort)
    args=()
    for f in "${targets[@]}"; do args+=(-f "$f"); done
    check "istioctl validate (k8s/overlays/kind render + istio/*.yaml)" "$ISTIOCTL" validate "${args[@]}"
  fi
else
  info "skipped: .tools/bin/istioctl not built (scripts/install-tools.sh builds it for the local mesh)"
fi

# --- 3b. the real `docker compose config`, when the compose plugin is installed -----------------------
step "docker compose config (needs no engine)"
if docker compose version >/dev/null 2>&1; then
  check "docker compose config (default profile)" docker compose -f "$ROOT/docker-compose.yml" config -q
  check "docker compose config (profile captcha)" docker compose -f "$ROOT/docker-compose.yml" --profile captcha config -q
else
  info "skipped: no docker compose plugin here (k8scheck already loaded the file with compose-go, the plugin's own loader)"
fi

# --- 4. up-istio.sh --dry-run --------------------------------------------------------------------------
step "scripts/up-istio.sh --dry-run: a complete plan, nothing executed"
STUBS="$WORK/stubs"
CALLS="$WORK/calls.log"
mkdir -p "$STUBS"
: >"$CALLS"
for tool in kind minikube kubectl docker istioctl mvn java curl tar sha256sum shasum helm; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit 97\n' "$tool" "$CALLS" >"$STUBS/$tool"
  chmod +x "$STUBS/$tool"
done

# dry_run NAME PATTERNS_VAR ARGS...: runs the script with stubbed tools; every pattern must be in the plan.
dry_run() {
  local name=$1 patterns_var=$2
  shift 2
  local -n patterns=$patterns_var
  local out status missing=() p path
  : >"$CALLS"
  local marker="$WORK/marker"
  touch "$marker"
  out=$(PATH="$STUBS:$PATH" "$ROOT/scripts/up-istio.sh" --dry-run "$@" 2>&1)
  status=$?
  printf '%s\n' "$out" >"$LOGS/dry-run-$name.log"
  for p in "${patterns[@]}"; do
    grep -qE -- "$p" <<<"$out" || missing+=("plan lacks: $p")
  done
  # every repository path the plan names exists
  while IFS= read -r path; do
    [[ -e $ROOT/$path ]] || missing+=("plan names $path, which does not exist")
  done < <(grep -oE '(^|[ =])(k8s|istio)/[A-Za-z0-9_./-]+' <<<"$out" | sed 's/^[ =]//' | grep -v '<' | sort -u)
  if [[ -s $CALLS ]]; then missing+=("executed during --dry-run: $(tr '\n' ';' <"$CALLS")"); fi
  if [[ -n $(find "$ROOT/k8s" "$ROOT/.tools/cluster" -newer "$marker" 2>/dev/null | head -1) ]]; then
    missing+=("wrote files during --dry-run: $(find "$ROOT/k8s" "$ROOT/.tools/cluster" -newer "$marker" 2>/dev/null | head -3 | tr '\n' ' ')")
  fi
  ((status == 0)) || missing+=("exit status $status")
  if ((${#missing[@]} == 0)); then
    pass "up-istio.sh --dry-run $* ($(grep -c '^    \$ ' <<<"$out") commands planned)"
  else
    fail "up-istio.sh --dry-run $*" "$(printf '%s\n' "${missing[@]}")"
  fi
}

app_images="mesh-guide/gateway-service:0\\.1\\.0 mesh-guide/business-v1:0\\.1\\.0 mesh-guide/business-v2:0\\.1\\.0 mesh-guide/data-service:0\\.1\\.0"
common=(
  "Istio $ISTIO_VERSION"
  "\\? command -v docker" "\\? command -v kubectl"
  "istioctl x precheck --context [a-z-]+"
  "istioctl install --context [a-z-]+ -y -f k8s/cluster/istio-install\\.yaml"
  "rollout status deploy/istiod"
  "apply -f k8s/cluster/telemetry-tracing\\.yaml"
  "apply -f istio/envoy-filter-mesh-request-timeouts\\.yaml"
  "samples/addons/prometheus\\.yaml" "samples/addons/jaeger\\.yaml" "samples/addons/kiali\\.yaml" "samples/addons/grafana\\.yaml"
  "label namespace default istio-injection=enabled --overwrite"
  "rollout status deployment/gateway-service" "rollout status deployment/business-v1" "rollout status deployment/business-v2"
  "rollout status deployment/data-service" "rollout status deployment/curl" "rollout status deployment/fortio-deploy"
  "exec deploy/curl -c curl -- curl -fsS .*http://gateway-service:8080/"
  "dashboard kiali" "dashboard jaeger"
)
apps_build=(
  "mvn .*install -pl gateway-service,business-v1,business-v2,data-service -am"
  "mvn .*-pl gateway-service,business-v1,business-v2,data-service compile jib:dockerBuild")
# shellcheck disable=SC2034 # the plans are used through a nameref in dry_run
kind_plan=("${common[@]}" "${apps_build[@]}"
  "\\? command -v kind"
  "kind create cluster --name mesh-guide --config k8s/cluster/kind-config\\.yaml --image ${KIND_NODE_IMAGE//./\\.}"
  "istio/istio/releases/download/$ISTIO_VERSION/istio-$ISTIO_VERSION-"
  "sha256sum -c"
  "kind load docker-image --name mesh-guide $app_images"
  "apply -k k8s/overlays/kind"
  "apply -f istio/gateway-gateway-service-ingress\\.yaml"
  "curl -fsS .*http://127\\.0\\.0\\.1:8080/"
  "Ingress: +http://127\\.0\\.0\\.1:8080/")
# shellcheck disable=SC2034
minikube_plan=("${common[@]}" "${apps_build[@]}"
  "\\? command -v minikube"
  "minikube start -p mesh-guide --driver=docker --cpus=$MINIKUBE_CPUS --memory=$MINIKUBE_MEMORY --disk-size=30g --kubernetes-version=$MINIKUBE_KUBERNETES_VERSION"
  "minikube -p mesh-guide image load mesh-guide/data-service:0\\.1\\.0"
  "apply -k k8s/overlays/minikube"
  "30080")
# shellcheck disable=SC2034
captcha_plan=("${common[@]}"
  "jib:dockerBuild" "-pl gateway-service,business-v1,business-v2,data-service,captcha-service"
  "mesh-guide/captcha-service:0\\.1\\.0"
  "- \\.\\./\\.\\./\\.\\./k8s/components/captcha"
  "apply -k \\.tools/cluster/overlay-kind-captcha"
  "rollout status deployment/captcha-service")
# shellcheck disable=SC2034
local_plan=("Istio $ISTIO_VERSION" "\\? command -v go" "\\? command -v mvn"
  "scripts/install-tools\\.sh" "scripts/cluster\\.sh up"
  "istioctl x precheck --context local-cluster"
  "istioctl install --context local-cluster -y -f k8s/cluster/istio-install\\.yaml -f k8s/cluster/istio-install-local-cluster\\.yaml"
  "rollout status deploy/istiod" "apply -f k8s/cluster/telemetry-tracing\\.yaml"
  "samples/addons/jaeger\\.yaml" "newName: localhost/local-cluster/jaeger" "apply -k \\.tools/cluster/addon-jaeger"
  "rollout status deploy/jaeger"
  "scripts/images/build-base\\.sh" "mvn .*install -pl gateway-service,business-v1,business-v2,data-service -am"
  "mvn .*-pl gateway-service,business-v1,business-v2,data-service jib:buildTar -Djib\\.from\\.image=tar://"
  "scripts/cluster\\.sh import gateway-service/target/jib-image\\.tar business-v1/target/jib-image\\.tar"
  "label namespace default istio-injection=enabled --overwrite"
  "apply -k k8s/overlays/local-cluster"
  "rollout status deployment/data-service" "rollout status deployment/curl" "rollout status deployment/fortio-deploy"
  "exec deploy/curl -c curl -- curl -fsS .*http://gateway-service:8080/"
  "curl -fsS .*http://10\\.250\\.0\\.1:30080/" "Tear down: +scripts/cluster\\.sh down")
# shellcheck disable=SC2034
kind_down=("kind delete cluster --name mesh-guide")
# shellcheck disable=SC2034
minikube_down=("minikube delete -p mesh-guide")
# shellcheck disable=SC2034
local_down=("scripts/cluster\\.sh down")

dry_run kind kind_plan
dry_run minikube minikube_plan --minikube
dry_run local-cluster local_plan --local-cluster
dry_run captcha captcha_plan --with-captcha
dry_run kind-down kind_down --down
dry_run minikube-down minikube_down --minikube --down
dry_run local-cluster-down local_down --local-cluster --down
if out=$("$ROOT/scripts/up-istio.sh" --no-such-option 2>&1); then
  fail "up-istio.sh rejects an unknown option" "exited 0"
elif grep -q 'unknown option' <<<"$out"; then
  pass "up-istio.sh rejects an unknown option with its usage"
else
  fail "up-istio.sh rejects an unknown option" "$out"
fi

# --- summary ----------------------------------------------------------------------------------------------
checks_summary
