#!/usr/bin/env bash
# One command from nothing to the guide's mesh on a local cluster: kind (default) or minikube.
#
#   scripts/up-istio.sh                  kind cluster "mesh-guide" -> Istio -> addons -> images -> apps -> smoke check
#   scripts/up-istio.sh --minikube       the same on minikube (profile "mesh-guide")
#   scripts/up-istio.sh --local-cluster  the same on this machine's cluster without Docker (scripts/cluster.sh, what
#                                        CI runs): locally built istioctl and images, imported without a registry
#   scripts/up-istio.sh --with-captcha   also build and deploy captcha-service (k8s/components/captcha)
#   scripts/up-istio.sh --skip-build     reuse the mesh-guide/* images already in the local Docker
#   scripts/up-istio.sh --dry-run        print every command it would run, run none (needs no Docker, cluster or network)
#   scripts/up-istio.sh --down           delete the cluster (add --minikube for the minikube profile)
#
# Versions come from tools/versions.env (ISTIO_VERSION, KIND_NODE_IMAGE, MINIKUBE_KUBERNETES_VERSION, ...);
# each can be overridden from the environment, e.g. ISTIO_VERSION=1.29.8 scripts/up-istio.sh.
# Other settings: CLUSTER_NAME (mesh-guide), MINIKUBE_DRIVER (docker), ISTIO_HOME (an unpacked Istio
# release to use instead of downloading one into .tools/cluster/).
# Re-running is safe: an existing cluster, a current Istio and present images are reused; `kubectl apply`
# converges the rest. The steps match docs/05-infrastructure.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib/common.sh"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }

TARGET=kind
DRY_RUN=false
DOWN=false
BUILD=true
CAPTCHA=false
while (($#)); do
  case $1 in
    --kind) TARGET=kind ;;
    --minikube) TARGET=minikube ;;
    --local-cluster) TARGET=local-cluster ;;
    --dry-run) DRY_RUN=true ;;
    --down) DOWN=true ;;
    --skip-build) BUILD=false ;;
    --with-captcha) CAPTCHA=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; printf '\nunknown option: %s\n' "$1" >&2; exit 2 ;;
  esac
  shift
done

# --- versions: tools/versions.env, then whatever the environment overrides ---------------------------
PINS=(ISTIO_VERSION KIND_VERSION KIND_NODE_IMAGE MINIKUBE_KUBERNETES_VERSION MINIKUBE_CPUS MINIKUBE_MEMORY)
declare -A OVERRIDE=()
for var in "${PINS[@]}"; do
  if [[ -n ${!var:-} ]]; then OVERRIDE[$var]=${!var}; fi
done
# shellcheck source=SCRIPTDIR/../tools/versions.env
source "$ROOT/tools/versions.env"
INGRESS_FILE=istio/gateway-gateway-service-ingress.yaml # Gateway + VirtualService for gateway-service (istio/ samples)
for var in "${!OVERRIDE[@]}"; do printf -v "$var" '%s' "${OVERRIDE[$var]}"; done

CLUSTER_NAME=${CLUSTER_NAME:-mesh-guide}
MINIKUBE_DRIVER=${MINIKUBE_DRIVER:-docker}
ISTIO_HOME=${ISTIO_HOME:-$ROOT/.tools/cluster/istio-$ISTIO_VERSION}
ISTIOCTL="$ISTIO_HOME/bin/istioctl"
ISTIO_OVERLAYS=()
case $TARGET in
  kind) CONTEXT="kind-$CLUSTER_NAME" ;;
  minikube) CONTEXT=$CLUSTER_NAME ;;
  local-cluster)
    # scripts/cluster.sh's kubeconfig and kubectl (the cluster's version), the istioctl built from the
    # istio.io/istio module (scripts/install-tools.sh); samples/addons come from the same module.
    CONTEXT=local-cluster
    export KUBECONFIG="$ROOT/.run/cluster/kubeconfig"
    PATH="$ROOT/.tools/cluster/bin:$PATH"
    ISTIOCTL="$ROOT/.tools/bin/istioctl"
    ISTIO_OVERLAYS=(-f "$ROOT/k8s/cluster/istio-install-local-cluster.yaml")
    # shellcheck source=SCRIPTDIR/lib/cluster-images.sh
    source "$ROOT/scripts/lib/cluster-images.sh"
    # shellcheck source=SCRIPTDIR/lib/base-image.sh
    source "$ROOT/scripts/lib/base-image.sh"
    ;;
esac

# The images Jib builds: <image.registry>/<module>:<image.tag> from the root pom.
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1; }
IMAGE_REGISTRY=$(pom_property image.registry)
IMAGE_TAG=$(pom_property image.tag)
MODULES=(gateway-service business-v1 business-v2 data-service)
DEPLOYMENTS=(gateway-service business-v1 business-v2 data-service curl fortio-deploy)
if $CAPTCHA; then
  MODULES+=(captcha-service)
  DEPLOYMENTS+=(captcha-service)
fi
IMAGES=()
for module in "${MODULES[@]}"; do IMAGES+=("$IMAGE_REGISTRY/$module:$IMAGE_TAG"); done

# --- run / probe: every command goes through these, so --dry-run shows the whole plan ------------------
quote() {
  local out=() arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then out+=("$arg"); else out+=("$(printf '%q' "$arg")"); fi
  done
  printf '%s' "${out[*]}"
}

# run COMMAND...: prints the command, then runs it (only prints it with --dry-run).
run() {
  printf '    $ %s\n' "$(quote "${@/#"$ROOT"\//}")"
  $DRY_RUN && return 0
  (cd "$ROOT" && "$@")
}

# probe DESCRIPTION COMMAND...: a read-only question that steers the plan. With --dry-run it is only
# printed and answered "no", so the plan shows the full path from nothing.
probe() {
  local what=$1
  shift
  if $DRY_RUN; then
    printf '    ? %s\n' "$what"
    return 1
  fi
  (cd "$ROOT" && "$@") >/dev/null 2>&1
}

# write_file PATH CONTENT: creates a generated file (shown, not written, with --dry-run).
write_file() {
  local indented="      ${2//$'\n'/$'\n'      }"
  printf '    $ cat > %s <<EOF\n%s\n    EOF\n' "${1#"$ROOT"/}" "$indented"
  $DRY_RUN && return 0
  mkdir -p "$(dirname "$1")"
  printf '%s\n' "$2" >"$1"
}

kube() { run kubectl --context "$CONTEXT" "$@"; }

# --- steps -----------------------------------------------------------------------------------------
down() {
  step "Deleting the $TARGET cluster $CLUSTER_NAME"
  case $TARGET in
    kind) run kind delete cluster --name "$CLUSTER_NAME" ;;
    minikube) run minikube delete -p "$CLUSTER_NAME" ;;
    local-cluster)
      run scripts/cluster.sh down
      return 0
      ;;
  esac
  info "the Istio release cache stays in .tools/cluster/ (delete it by hand if you want the space back)"
}

# need TOOL HINT: the tool is on PATH, or stop with how to get it.
need() {
  if $DRY_RUN; then
    printf '    ? command -v %s\n' "$1"
  elif ! command -v "$1" >/dev/null 2>&1; then
    die "$1 is required: $2"
  fi
}

check_prerequisites() {
  step "Checking prerequisites"
  if [[ $TARGET == local-cluster ]]; then
    # scripts/cluster.sh up builds and checks the rest (Go modules, Debian packages, root).
    need go "the cluster, Istio and the images are built from Go modules (see README.md)"
    need mvn "Maven 3.8+ builds the images with Jib"
    need java "a JDK 17+ builds the apps and the CI base image (jlink)"
    return 0
  fi
  need docker "install Docker (Docker Desktop, or the engine on Linux) and start it"
  if ! probe "docker info (is the Docker engine running?)" docker info; then
    $DRY_RUN || die "the Docker engine is not running (docker info failed); start Docker and retry"
  fi
  if [[ $TARGET == kind ]]; then
    need kind "go install sigs.k8s.io/kind@$KIND_VERSION (or see https://kind.sigs.k8s.io/docs/user/quick-start/)"
    if ! $DRY_RUN; then
      local have
      have=$(kind version 2>/dev/null | awk '{print $2}')
      [[ $have == "$KIND_VERSION" ]] || warn "kind $have found; the node image $KIND_NODE_IMAGE is built for kind $KIND_VERSION"
    fi
  else
    need minikube "see https://minikube.sigs.k8s.io/docs/start/"
  fi
  need kubectl "see https://kubernetes.io/docs/tasks/tools/ (a client within one minor of Kubernetes ${MINIKUBE_KUBERNETES_VERSION%.*})"
  if [[ $ISTIO_HOME == "$ROOT/.tools/cluster/"* ]] && [[ ! -x $ISTIOCTL ]]; then
    need curl "needed once to download Istio $ISTIO_VERSION"
    need tar "needed once to unpack Istio $ISTIO_VERSION"
  fi
  if $BUILD; then
    need mvn "Maven 3.8+ builds the images with Jib"
    need java "a JDK 17+ builds the apps"
  fi
  if [[ $(uname -s) == Linux ]]; then
    # kind's known issue "too many open files": the defaults are too low for Istio + addons + five JVMs.
    local instances watches
    if $DRY_RUN; then
      printf '    ? fs.inotify.max_user_instances >= 512 and fs.inotify.max_user_watches >= 524288\n'
    else
      instances=$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)
      watches=$(cat /proc/sys/fs/inotify/max_user_watches 2>/dev/null || echo 0)
      if ((instances < 512 || watches < 524288)); then
        warn "inotify limits are low (instances=$instances, watches=$watches); pods may fail with 'too many open files'. Fix:"
        warn "  sudo sysctl fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288"
      fi
    fi
  fi
  if ! $DRY_RUN; then
    local cpus mem
    read -r cpus mem < <(docker info --format '{{.NCPU}} {{.MemTotal}}' 2>/dev/null || echo "0 0")
    if ((cpus < 4 || mem < 7500000000)); then
      warn "Docker has $cpus CPUs and $((mem / 1024 / 1024)) MiB; the guide's setup wants 4 CPUs and 8 GiB"
    fi
  fi
}

kind_cluster_exists() { kind get clusters 2>/dev/null | grep -x "$CLUSTER_NAME" >/dev/null; }

create_cluster() {
  if [[ $TARGET == local-cluster ]]; then
    step "Local cluster (scripts/cluster.sh up: Kubernetes $KUBERNETES_VERSION built here, no Docker)"
    run scripts/cluster.sh up
  elif [[ $TARGET == kind ]]; then
    step "kind cluster $CLUSTER_NAME ($KIND_NODE_IMAGE)"
    if probe "kind get clusters | grep -qx $CLUSTER_NAME" kind_cluster_exists; then
      info "exists: reusing it"
    else
      run kind create cluster --name "$CLUSTER_NAME" --config "$ROOT/k8s/cluster/kind-config.yaml" \
        --image "$KIND_NODE_IMAGE" --wait 180s
    fi
  else
    step "minikube profile $CLUSTER_NAME (Kubernetes $MINIKUBE_KUBERNETES_VERSION, $MINIKUBE_CPUS CPUs, $MINIKUBE_MEMORY MiB)"
    if probe "minikube -p $CLUSTER_NAME status" minikube -p "$CLUSTER_NAME" status; then
      info "running: reusing it"
    else
      run minikube start -p "$CLUSTER_NAME" --driver="$MINIKUBE_DRIVER" --cpus="$MINIKUBE_CPUS" \
        --memory="$MINIKUBE_MEMORY" --disk-size=30g --kubernetes-version="$MINIKUBE_KUBERNETES_VERSION"
    fi
  fi
  kube wait --for=condition=Ready nodes --all --timeout=180s
}

istio_archive() {
  local arch
  case $(uname -m) in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Istio release for $(uname -m)" ;;
  esac
  case $(uname -s) in
    Linux) echo "istio-$ISTIO_VERSION-linux-$arch.tar.gz" ;;
    Darwin) if [[ $arch == arm64 ]]; then echo "istio-$ISTIO_VERSION-osx-arm64.tar.gz"; else echo "istio-$ISTIO_VERSION-osx.tar.gz"; fi ;;
    *) die "download Istio $ISTIO_VERSION by hand and set ISTIO_HOME to it" ;;
  esac
}

sha256_check() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum -c "$1"; else shasum -a 256 -c "$1"; fi
}

ensure_istio_release() {
  if [[ $TARGET == local-cluster ]]; then
    step "Istio $ISTIO_VERSION: istioctl built from the istio.io/istio module (scripts/install-tools.sh)"
    run scripts/install-tools.sh istio
    if $DRY_RUN; then
      ISTIO_HOME="\$(go env GOMODCACHE)/istio.io/istio@$ISTIO_GO_VERSION"
    else
      ISTIO_HOME=$(go mod download -json "istio.io/istio@$ISTIO_GO_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
      local have
      have=$("$ISTIOCTL" version --remote=false --short 2>/dev/null || true)
      [[ ${have##* } == "$ISTIO_VERSION" ]] || die "$ISTIOCTL reports '$have', expected $ISTIO_VERSION"
    fi
    return 0
  fi
  step "Istio $ISTIO_VERSION release (istioctl + samples/addons) in ${ISTIO_HOME#"$ROOT"/}"
  if probe "${ISTIOCTL#"$ROOT"/} exists" test -x "$ISTIOCTL"; then
    info "present: reusing it"
  else
    local archive dir url
    archive=$(istio_archive)
    dir=$(dirname "$ISTIO_HOME")
    url="https://github.com/istio/istio/releases/download/$ISTIO_VERSION/$archive"
    run mkdir -p "$dir"
    run curl -fsSL --retry 3 -o "$dir/$archive" "$url"
    run curl -fsSL --retry 3 -o "$dir/$archive.sha256" "$url.sha256"
    if $DRY_RUN; then
      printf '    $ (cd %s && sha256sum -c %s)\n' "${dir#"$ROOT"/}" "$archive.sha256"
    else
      (cd "$dir" && sha256_check "$archive.sha256") || die "checksum mismatch for $archive"
    fi
    run tar -xzf "$dir/$archive" -C "$dir"
    run rm -f "$dir/$archive" "$dir/$archive.sha256"
  fi
  if ! $DRY_RUN; then
    local have
    have=$("$ISTIOCTL" version --remote=false --short 2>/dev/null || true)
    [[ $have == "$ISTIO_VERSION" ]] || die "$ISTIOCTL reports '$have', expected $ISTIO_VERSION"
  fi
}

istiod_is_current() {
  local image
  image=$(kubectl --context "$CONTEXT" -n istio-system get deploy istiod \
    -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null) || return 1
  [[ $image == *":$ISTIO_VERSION" ]]
}

install_istio() {
  step "Istio $ISTIO_VERSION (k8s/cluster/istio-install.yaml: demo profile, zipkin tracing, NodePort ingress)"
  if probe "istiod $ISTIO_VERSION already running" istiod_is_current; then
    info "istiod $ISTIO_VERSION is running: skipping istioctl install"
  else
    run "$ISTIOCTL" x precheck --context "$CONTEXT"
    run "$ISTIOCTL" install --context "$CONTEXT" -y -f "$ROOT/k8s/cluster/istio-install.yaml" "${ISTIO_OVERLAYS[@]}"
  fi
  kube -n istio-system rollout status deploy/istiod --timeout=300s
  kube -n istio-system rollout status deploy/istio-ingressgateway --timeout=300s
  kube apply -f "$ROOT/k8s/cluster/telemetry-tracing.yaml"
  # mesh-wide: Envoy ends requests that arrive too slowly (docs/10-circuit-breaking.md)
  kube apply -f "$ROOT/istio/envoy-filter-mesh-request-timeouts.yaml"
}

install_addons() {
  if [[ $TARGET == local-cluster ]]; then
    step "Addon: Jaeger (samples/addons/jaeger.yaml, image built from github.com/jaegertracing/jaeger $JAEGER_GO_VERSION)"
    info "Kiali needs Istio's request metrics (upstream Envoy has no istio.stats) and a UI built with npm: kind/minikube only"
    # The addon as Istio ships it, its image pointed at the local build (no registry here).
    local dir="$ROOT/.tools/cluster/addon-jaeger"
    run mkdir -p "$dir"
    run cp "$ISTIO_HOME/samples/addons/jaeger.yaml" "$dir/jaeger.yaml"
    write_file "$dir/kustomization.yaml" "# generated by scripts/up-istio.sh --local-cluster
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- jaeger.yaml
images:
- name: docker.io/jaegertracing/jaeger
  newName: ${JAEGER_IMAGE%:*}
  newTag: ${JAEGER_IMAGE##*:}"
    kube apply -k "$dir"
    kube -n istio-system rollout status deploy/jaeger --timeout=300s
    return 0
  fi
  step "Addons from the Istio $ISTIO_VERSION release: Prometheus, Jaeger, Kiali, Grafana"
  local addon
  local files=()
  for addon in prometheus jaeger kiali grafana; do files+=(-f "$ISTIO_HOME/samples/addons/$addon.yaml"); done
  kube apply "${files[@]}"
  for addon in prometheus jaeger kiali grafana; do
    kube -n istio-system rollout status "deploy/$addon" --timeout=300s
  done
}

build_images() {
  local list
  list=$(IFS=,; echo "${MODULES[*]}")
  if [[ $TARGET == local-cluster ]] && $BUILD; then
    # No Docker and no registry: Jib writes each image as a tar, on the CI base image (a jlink'd JRE,
    # scripts/images/build-base.sh) instead of eclipse-temurin, which cannot be pulled here.
    step "Building ${IMAGES[*]} with Jib (jib:buildTar on the CI base image)"
    local base
    if $DRY_RUN; then
      base='.tools/images/base-jre-<jdk>-<key>.tar'
      printf '    $ scripts/images/build-base.sh %s\n' "$base"
    else
      base=$(base_image_tar)
      if [[ ! -s $base ]]; then
        info "building the CI base image ${base#"$ROOT"/} (log: .run/up-istio-base.log)"
        ensure_base_image_tar "$ROOT/.run/up-istio-base.log" || die "the CI base image failed, see $ROOT/.run/up-istio-base.log"
      fi
    fi
    run nice -n 10 mvn -B -q -Dmaven.test.skip=true install -pl "$list" -am
    run nice -n 10 mvn -B -q -pl "$list" jib:buildTar "-Djib.from.image=tar://$base" "-Djib.from.platforms=$BASE_PLATFORM" \
      "-Djib.baseImageCache=$BASE_IMAGE_CACHE/jib-base-cache" -Djib.disableUpdateChecks=true
    return 0
  fi
  if ! $BUILD; then
    step "Images: --skip-build, using ${IMAGES[*]} from the local Docker"
    return 0
  fi
  step "Building ${IMAGES[*]} with Jib (jib:dockerBuild)"
  if $CAPTCHA && [[ ! -f $ROOT/captcha-service/pom.xml ]]; then
    if $DRY_RUN; then
      warn "--with-captcha: there is no captcha-service module yet; a real run stops here"
    else
      die "--with-captcha: there is no captcha-service module yet"
    fi
  fi
  # Two steps: mesh-common is a library (no main class), so Jib must only run on the app modules.
  run mvn -B -q -DskipTests install -pl "$list" -am
  run mvn -B -q -DskipTests -pl "$list" compile jib:dockerBuild
}

load_images() {
  step "Loading the images into the $TARGET node"
  if [[ $TARGET == local-cluster ]]; then
    local module tars=()
    for module in "${MODULES[@]}"; do tars+=("$ROOT/$module/target/jib-image.tar"); done
    run scripts/cluster.sh import "${tars[@]}"
  elif [[ $TARGET == kind ]]; then
    run kind load docker-image --name "$CLUSTER_NAME" "${IMAGES[@]}"
  else
    local image
    for image in "${IMAGES[@]}"; do run minikube -p "$CLUSTER_NAME" image load "$image"; done
  fi
}

deploy_apps() {
  local overlay="k8s/overlays/$TARGET"
  step "The apps: kubectl apply -k $overlay"
  kube label namespace default istio-injection=enabled --overwrite
  if $CAPTCHA; then
    local dir="$ROOT/.tools/cluster/overlay-$TARGET-captcha"
    write_file "$dir/kustomization.yaml" "# generated by scripts/up-istio.sh --with-captcha
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../../$overlay
components:
- ../../../k8s/components/captcha"
    overlay=${dir#"$ROOT"/}
  fi
  kube apply -k "$ROOT/$overlay"
  local d
  for d in "${DEPLOYMENTS[@]}"; do
    kube rollout status "deployment/$d" --timeout=300s
  done
  step "Ingress: $INGRESS_FILE"
  if [[ -f $ROOT/$INGRESS_FILE ]]; then
    kube apply -f "$ROOT/$INGRESS_FILE"
  else
    info "not in the repository yet: no ingress route (the script applies it once it exists)"
  fi
}

ingress_url() {
  if [[ $TARGET == local-cluster ]]; then
    echo "http://10.250.0.1:30080/"
  elif [[ $TARGET == kind ]]; then
    echo "http://127.0.0.1:8080/"
  elif $DRY_RUN; then
    echo "http://\$(minikube -p $CLUSTER_NAME ip):30080/"
  else
    echo "http://$(minikube -p "$CLUSTER_NAME" ip):30080/"
  fi
}

smoke_check() {
  step "Smoke check: curl -> gateway-service -> business -> data-service"
  kube exec deploy/curl -c curl -- curl -fsS --max-time 10 --retry 10 --retry-delay 2 --retry-all-errors \
    http://gateway-service:8080/
  if [[ -f $ROOT/$INGRESS_FILE ]]; then
    if [[ $TARGET == minikube && $(uname -s) != Linux ]]; then
      info "minikube on $(uname -s): the node IP is not reachable from the host; use"
      info "  minikube -p $CLUSTER_NAME service -n istio-system istio-ingressgateway --url"
    else
      run curl -fsS --max-time 10 --retry 10 --retry-delay 2 --retry-all-errors "$(ingress_url)"
    fi
  fi
}

print_access() {
  step "Ready"
  local ictl=${ISTIOCTL#"$ROOT"/} ingress down_cmd="scripts/up-istio.sh --down"
  ingress="$(ingress_url)"
  if [[ $TARGET == minikube ]]; then
    ingress+="   (macOS/Windows: minikube -p $CLUSTER_NAME service -n istio-system istio-ingressgateway --url)"
    down_cmd+=" --minikube"
  fi
  [[ -f $ROOT/$INGRESS_FILE ]] || ingress+="   (once $INGRESS_FILE is applied)"
  if [[ $TARGET == local-cluster ]]; then
    cat <<EOF
    kubectl:         export KUBECONFIG=${KUBECONFIG#"$ROOT"/}   (or: scripts/cluster.sh kubectl ...)
    In-mesh client:  kubectl exec deploy/curl -- curl -s http://gateway-service:8080/
    Ingress:         $ingress
    Jaeger:          $ictl dashboard jaeger --context $CONTEXT   (query API; the Go module build has no UI assets)
    Istio samples:   kubectl apply -f istio/<scenario>.yaml
    Tear down:       scripts/cluster.sh down
EOF
    return 0
  fi
  cat <<EOF
    In-mesh client:  kubectl --context $CONTEXT exec deploy/curl -- curl -s http://gateway-service:8080/
    Ingress:         $ingress
    Kiali:           $ictl dashboard kiali --context $CONTEXT        (topology, traffic)
    Jaeger:          $ictl dashboard jaeger --context $CONTEXT       (traces)
    Grafana:         $ictl dashboard grafana --context $CONTEXT
    Prometheus:      $ictl dashboard prometheus --context $CONTEXT
    Istio samples:   kubectl --context $CONTEXT apply -f istio/<scenario>.yaml
    Tear down:       $down_cmd
EOF
}

main() {
  local mode="" cluster="kind $KIND_VERSION, node $KIND_NODE_IMAGE"
  $DRY_RUN && mode=" -- dry run: commands are printed, none is executed"
  [[ $TARGET == minikube ]] && cluster="minikube ($MINIKUBE_DRIVER driver), Kubernetes $MINIKUBE_KUBERNETES_VERSION"
  [[ $TARGET == local-cluster ]] && cluster="local cluster (scripts/cluster.sh), Kubernetes $KUBERNETES_VERSION"
  step "Plan: $TARGET cluster '$CLUSTER_NAME' (context $CONTEXT)$mode"
  info "Istio $ISTIO_VERSION; $cluster"
  info "images: ${IMAGES[*]}"
  if $DOWN; then
    down
    return 0
  fi
  check_prerequisites
  ensure_istio_release
  create_cluster
  install_istio
  install_addons
  build_images
  load_images
  deploy_apps
  smoke_check
  print_access
}

main
