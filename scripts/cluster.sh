#!/usr/bin/env bash
# A real single-node Kubernetes on this Linux machine, without Docker: what CI runs the cluster path on
# (readers with Docker use kind or minikube through scripts/up-istio.sh).
#
#   scripts/cluster.sh up        build what is missing (scripts/cluster/tools.sh, images.sh), then start etcd,
#                                kube-apiserver, kube-controller-manager, kube-scheduler, containerd, kubelet,
#                                kube-proxy and CoreDNS; idempotent: what already runs is kept
#   scripts/cluster.sh down      delete every Pod, stop everything `up` started, remove its mounts, bridges,
#                                Pod network namespaces, KUBE-* iptables chains and cgroups, restore the
#                                sysctls it (or kubelet) changed
#   scripts/cluster.sh status    components, their memory, nodes and Pods
#   scripts/cluster.sh leftovers what a cluster left on the host (processes, mounts, bridges, Pod network
#                                namespaces, KUBE-* iptables chains, cgroups, kubelet's socket); exits 1 when
#                                there is any
#   scripts/cluster.sh foreign   what of another clone's live cluster (or another Kubernetes node) runs on this
#                                host; exits 1 when there is any (`up` refuses to start next to it, `down`
#                                leaves it alone)
#   scripts/cluster.sh import TAR...   import `docker save` tars (e.g. jib:buildTar output) into the node
#   scripts/cluster.sh kubectl ARGS... kubectl $KUBERNETES_VERSION against this cluster
#
# What it writes lives in the clone: state, certificates, logs and the kubeconfig in .run/cluster/, binaries
# and images in .tools/cluster/; kubelet and containerd also use fixed host paths (/var/lib/kubelet/device-plugins,
# /var/log/containers, /run/containerd/s), which `down` clears of its entries. The node is the address 10.250.0.1 on a bridge of its own; Pods get
# 10.244.0.0/24 on another (CNI conf dir .run/cluster/cni/net.d, never /etc/cni/net.d). Every server binds
# 10.250.0.1 only, except containerd's streaming server (127.0.0.1, an ephemeral port).
# The ingress gateway's NodePorts answer on http://10.250.0.1:<nodePort>/ from this machine.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=SCRIPTDIR/../tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=SCRIPTDIR/lib/cluster-images.sh
source "$ROOT/scripts/lib/cluster-images.sh"

RUN="$ROOT/.run/cluster"
PKI="$RUN/pki"
LOGS="$RUN/logs"
HOST_STATE="$RUN/host" # what the host looked like before the first `up`, for `down` to restore
KUBECONFIG_FILE="$RUN/kubeconfig"
TOOLS="$ROOT/.tools/cluster"
BIN="$TOOLS/bin"
DEB_BIN="$TOOLS/root/usr/bin"
IMAGES="$TOOLS/images"
CONTAINERD_DIR="$RUN/containerd"
CONTAINERD_SOCK="$CONTAINERD_DIR/containerd.sock"

NODE_NAME=mesh-guide
NODE_IP=10.250.0.1
NODE_BRIDGE=mgk8s-node
POD_BRIDGE=mgk8s-pods
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
CGROUP_ROOT=/mesh-guide-cluster
CNI_NETWORK=mesh-guide-cluster
# The host sysctls kubelet, kube-proxy and the Pod network change; `down` writes back what they were.
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  vm.overcommit_memory kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes
  net.ipv4.conf.all.route_localnet)
# In the order `up` starts them.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

usage() { awk 'NR == 1 {next} /^#/ {sub(/^# ?/, ""); print; next} {exit}' "$0"; }

kctl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
ctr_k8s() { "$DEB_BIN/ctr" --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

# fail_component NAME LOG WHAT: the reason `up` stops, naming the component and its log.
fail_component() {
  local name=$1 log=$2 what=$3
  printf '\033[31mERROR: %s: %s\033[0m\n' "$name" "$what" >&2
  if [[ -f $log ]]; then
    printf '    last lines of %s:\n' "${log#"$ROOT"/}" >&2
    tail -n 15 "$log" | sed 's/^/      /' >&2
  fi
  printf '    log: %s   (stop what did start: scripts/cluster.sh down)\n' "$log" >&2
  exit 1
}

# await NAME TIMEOUT DESCRIPTION COMMAND...: polls COMMAND (every 0.2 s) until it succeeds; stops `up`
# naming NAME and its log when the deadline passes or NAME's process died.
await() {
  local name=$1 timeout=$2 what=$3
  shift 3
  local t=$SECONDS deadline=$((SECONDS + timeout)) next_note=$((SECONDS + 10))
  until "$@" >/dev/null 2>&1; do
    if [[ -f $RUN/pids/$name.pid ]] && ! process_alive "$RUN" "$name"; then
      fail_component "$name" "$LOGS/$name.log" "the process exited while waiting for: $what"
    fi
    if ((SECONDS >= deadline)); then
      fail_component "$name" "$LOGS/$name.log" "not within ${timeout}s: $what"
    fi
    if ((SECONDS >= next_note)); then
      info "... still waiting for $what ($((SECONDS - t))s of ${timeout}s)"
      next_note=$((SECONDS + 10))
    fi
    sleep 0.2
  done
  info "$what ($((SECONDS - t))s)"
}

# start NAME COMMAND...: starts a component unless it already runs (idempotent `up`).
start() {
  local name=$1
  shift
  if process_alive "$RUN" "$name"; then
    info "$name: running (pid $(<"$RUN/pids/$name.pid")), kept"
    return 0
  fi
  start_process "$RUN" "$name" "$LOGS/$name.log" "$@"
  info "$name: started (pid $(<"$RUN/pids/$name.pid"), log ${LOGS#"$ROOT"/}/$name.log)"
}

# write_config FILE: stdin becomes FILE unless FILE already has that content (kube-proxy exits when its
# config file changes, so an idempotent `up` must not touch it).
write_config() {
  local new
  new=$(cat)
  [[ -f $1 && $(<"$1") == "$new" ]] && return 0
  printf '%s\n' "$new" >"$1"
}

# --- preflight ------------------------------------------------------------------------------------------
preflight() {
  step "Preflight"
  [[ $(uname -s) == Linux ]] || die "scripts/cluster.sh runs a node on Linux only; use scripts/up-istio.sh (kind, minikube) elsewhere"
  ((EUID == 0)) || die "scripts/cluster.sh needs root (network, mounts, cgroups); run it with sudo"
  [[ -d /sys/fs/cgroup ]] || die "no /sys/fs/cgroup"
  local sock_len=${#CONTAINERD_SOCK}
  ((sock_len + 6 < 108)) || die "the clone's path is too long for containerd's socket ($CONTAINERD_SOCK: $sock_len characters, the limit is ~100)"
  info "node $NODE_NAME at $NODE_IP, Pods $POD_CIDR, Services $SERVICE_CIDR, cgroup driver cgroupfs ($(cgroup_version))"
  local others left
  if ! others=$(foreign); then
    die "another local cluster runs on this host (the node address, bridges, KUBE-* chains and cgroups are host-wide,
so there can be one); stop it with the scripts/cluster.sh down of its clone:
$others"
  fi
  # A cluster killed before its `down` finished (a machine that went away, a CI job over its time) leaves
  # bridges, chains and cgroups that would break this `up` or be taken for the host's own state.
  if [[ ! -f $HOST_STATE/recorded ]] && ! left=$(leftovers); then
    step "Reclaiming what an interrupted local cluster left on this host"
    printf '%s\n' "$left" | sed 's/^/      /'
    teardown
  fi
}

cgroup_version() { if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then echo v2; else echo v1; fi; }

build() {
  step "Binaries and images (scripts/cluster/tools.sh, scripts/cluster/images.sh; cached in .tools/cluster/)"
  mkdir -p "$LOGS"
  "$ROOT/scripts/cluster/tools.sh" 2>&1 | tee "$LOGS/tools.log" | sed 's/^/    /' \
    || fail_component tools "$LOGS/tools.log" "building or installing the cluster's tools failed"
  "$ROOT/scripts/cluster/images.sh" 2>&1 | tee "$LOGS/images.log" | sed 's/^/    /' \
    || fail_component images "$LOGS/images.log" "building the images failed"
}

# --- host state: recorded once before the first change, restored by `down` ---------------------------------
record_host_state() {
  [[ -f $HOST_STATE/recorded ]] && return 0
  mkdir -p "$HOST_STATE"
  local s
  : >"$HOST_STATE/sysctl"
  for s in "${SYSCTLS[@]}"; do
    if [[ -e /proc/sys/${s//.//} ]]; then printf '%s=%s\n' "$s" "$(sysctl -n "$s")" >>"$HOST_STATE/sysctl"; fi
  done
  iptables_chains >"$HOST_STATE/chains"
  for d in /var/log/containers /var/log/pods /var/lib/cni /run/containerd /var/lib/kubelet; do
    [[ -e $d ]] && echo "$d"
  done >"$HOST_STATE/dirs"
  touch "$HOST_STATE/recorded"
}

# iptables_chains: "CMD TABLE CHAIN" for every KUBE-* chain (kube-proxy's and kubelet's), IPv4 and IPv6. The
# Pod network's CNI config (bridge without ipMasq, no portmap or firewall plugin) creates no CNI-* chains,
# so the CNI-* chains on a host are another tool's (podman's) and stay untouched.
iptables_chains() {
  local cmd table
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null || continue
    for table in filter nat mangle; do
      "$cmd" -t "$table" -S 2>/dev/null | awk -v c="$cmd" -v t="$table" '$1 == "-N" && $2 ~ /^KUBE-/ {print c, t, $2}'
    done
  done | sort
}

set_sysctl() {
  local name=$1 value=$2
  [[ -e /proc/sys/${name//.//} ]] || return 0
  [[ $(sysctl -n "$name") == "$value" ]] || sysctl -q -w "$name=$value"
}

# --- network: the node address and the Pod network -----------------------------------------------------
network_up() {
  step "Network: $NODE_BRIDGE ($NODE_IP/32), Pod bridge $POD_BRIDGE ($POD_CIDR, CNI bridge + host-local)"
  if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    ip link add "$NODE_BRIDGE" type bridge
  fi
  ip link set "$NODE_BRIDGE" up
  # grep reads to the end (no -q): an early exit would fail the pipeline on SIGPIPE under pipefail.
  ip addr show dev "$NODE_BRIDGE" | grep "inet $NODE_IP/32" >/dev/null || ip addr add "$NODE_IP/32" dev "$NODE_BRIDGE"
  # Pods reach Services through kube-proxy's rules on the host: the host routes (forwards) between Pods,
  # and bridged traffic must pass iptables so a reply from a Pod behind a ClusterIP is un-NATed.
  set_sysctl net.ipv4.ip_forward 1
  set_sysctl net.bridge.bridge-nf-call-iptables 1
  set_sysctl net.bridge.bridge-nf-call-ip6tables 1
  mkdir -p "$RUN/cni/net.d" "$RUN/cni/networks"
  write_config "$RUN/cni/net.d/10-$CNI_NETWORK.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$POD_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$RUN/cni/networks",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "loopback"}
  ]
}
EOF
  info "CNI config ${RUN#"$ROOT"/}/cni/net.d/10-$CNI_NETWORK.conflist"
}

# --- certificates (openssl) -----------------------------------------------------------------------------
# cert NAME CN O SAN EKU: a key and a certificate signed by the cluster CA.
cert() {
  local name=$1 o=$3 san=$4 eku=$5 subject="/CN=$2"
  [[ -s $PKI/$name.crt ]] && return 0
  [[ -n $o ]] && subject="$subject/O=$o"
  local ext="$PKI/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n $san ]] && echo "subjectAltName=$san"
  } >"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$name.key" \
    -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 3650 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

# kubeconfig FILE USER CERT: a kubeconfig for CERT's identity against the API server.
kubeconfig() {
  local file=$1 user=$2 name=$3
  [[ -s $file ]] && return 0
  "$BIN/kubectl" config set-cluster local-cluster --kubeconfig "$file" --server "https://$NODE_IP:6443" \
    --certificate-authority "$PKI/ca.crt" --embed-certs >/dev/null
  "$BIN/kubectl" config set-credentials "$user" --kubeconfig "$file" --client-certificate "$PKI/$name.crt" \
    --client-key "$PKI/$name.key" --embed-certs >/dev/null
  "$BIN/kubectl" config set-context local-cluster --kubeconfig "$file" --cluster local-cluster --user "$user" >/dev/null
  "$BIN/kubectl" config use-context local-cluster --kubeconfig "$file" >/dev/null
}

certificates() {
  step "Certificates (openssl, ${PKI#"$ROOT"/})"
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -s $PKI/ca.crt ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
      -days 3650 -subj "/CN=mesh-guide-local-cluster-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  fi
  if [[ ! -s $PKI/sa.key ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
    openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
  fi
  cert apiserver kube-apiserver "" \
    "IP:$NODE_IP,IP:$API_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
    serverAuth
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters "" clientAuth
  cert admin kubernetes-admin system:masters "" clientAuth
  cert controller-manager system:kube-controller-manager "" "" clientAuth
  cert scheduler system:kube-scheduler "" "" clientAuth
  cert kube-proxy system:kube-proxy "" "" clientAuth
  cert kubelet-client "system:node:$NODE_NAME" system:nodes "" clientAuth
  cert kubelet "$NODE_NAME" "" "IP:$NODE_IP,DNS:$NODE_NAME" serverAuth
  kubeconfig "$KUBECONFIG_FILE" kubernetes-admin admin
  kubeconfig "$RUN/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  kubeconfig "$RUN/scheduler.kubeconfig" system:kube-scheduler scheduler
  kubeconfig "$RUN/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  kubeconfig "$RUN/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet-client
  info "CA, serving and client certificates; admin kubeconfig ${KUBECONFIG_FILE#"$ROOT"/}"
}

# --- control plane ------------------------------------------------------------------------------------------
https_ok() { curl -fsS --max-time 2 --cacert "$PKI/ca.crt" "$1" >/dev/null; }
https_insecure_ok() { curl -fsSk --max-time 2 "$1" >/dev/null; }

control_plane_up() {
  step "Control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler"
  mkdir -p "$RUN/etcd"
  chmod 700 "$RUN/etcd"
  start etcd "$DEB_BIN/etcd" --name "$NODE_NAME" --data-dir "$RUN/etcd" \
    --listen-client-urls "http://$NODE_IP:2379" --advertise-client-urls "http://$NODE_IP:2379" \
    --listen-peer-urls "http://$NODE_IP:2380" --initial-advertise-peer-urls "http://$NODE_IP:2380" \
    --initial-cluster "$NODE_NAME=http://$NODE_IP:2380"
  await etcd 60 "etcd healthy on http://$NODE_IP:2379" curl -fsS --max-time 2 "http://$NODE_IP:2379/health"

  start kube-apiserver "$BIN/kube-apiserver" --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port 6443 \
    --etcd-servers "http://$NODE_IP:2379" --service-cluster-ip-range "$SERVICE_CIDR" \
    --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local --service-account-key-file "$PKI/sa.pub" \
    --service-account-signing-key-file "$PKI/sa.key" --api-audiences https://kubernetes.default.svc.cluster.local \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged \
    --cert-dir "$RUN/apiserver" --profiling=false --v=1
  await kube-apiserver 120 "kube-apiserver ready on https://$NODE_IP:6443" kctl get --raw /readyz

  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$RUN/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$RUN/controller-manager.kubeconfig" --authorization-kubeconfig "$RUN/controller-manager.kubeconfig" \
    --bind-address "$NODE_IP" --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --allocate-node-cidrs=false --profiling=false \
    --cert-dir "$RUN/controller-manager" --v=1
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$RUN/scheduler.kubeconfig" \
    --authentication-kubeconfig "$RUN/scheduler.kubeconfig" --authorization-kubeconfig "$RUN/scheduler.kubeconfig" \
    --bind-address "$NODE_IP" --leader-elect=false --profiling=false --v=1
  await kube-controller-manager 60 "kube-controller-manager healthy" https_insecure_ok "https://$NODE_IP:10257/healthz"
  await kube-scheduler 60 "kube-scheduler healthy" https_insecure_ok "https://$NODE_IP:10259/healthz"
}

# --- node ----------------------------------------------------------------------------------------------------
containerd_up() {
  step "containerd $CONTAINERD_DEB_VERSION (root, state and socket in ${CONTAINERD_DIR#"$ROOT"/})"
  mkdir -p "$CONTAINERD_DIR"
  write_config "$CONTAINERD_DIR/config.toml" <<EOF
version = 2
root = "$CONTAINERD_DIR/root"
state = "$CONTAINERD_DIR/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$CONTAINERD_DIR/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The sandbox lacks CAP_SYS_RESOURCE: without this, writing oom_score_adj -998 fails every Pod sandbox
  # ("can't get final child's PID from pipe: EOF").
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$CONTAINERD_DIR/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni/net.d"
    max_conf_num = 1
EOF
  # containerd finds its shim next to itself on PATH.
  start containerd env "PATH=$DEB_BIN:$PATH" "$DEB_BIN/containerd" --config "$CONTAINERD_DIR/config.toml"
  await containerd 30 "containerd answering on ${CONTAINERD_SOCK#"$ROOT"/}" ctr_k8s version
}

# import_tars TAR...: imports each tar unless the same image (config digest) is already there.
import_tars() {
  local tar ref config stampfile
  mkdir -p "$RUN/imported"
  for tar in "$@"; do
    [[ -s $tar ]] || die "no image tar $tar"
    read -r ref config < <(tar -xOf "$tar" manifest.json | python3 -c 'import json,sys; m=json.load(sys.stdin)[0]; print(m["RepoTags"][0], m["Config"])')
    # The image's identity is its config's digest: Jib names the config "config.json" in every tar, so a
    # rebuilt app image under the same tag differs from the imported one only in the config's content.
    config=$(tar -xOf "$tar" "$config" | sha256sum | cut -d' ' -f1)
    stampfile="$RUN/imported/$(tr '/:' '__' <<<"$ref")"
    if [[ -f $stampfile && $(<"$stampfile") == "$config" ]] && ctr_k8s images ls -q | grep -x "$(normalize_ref "$ref")" >/dev/null; then
      info "image $ref: present"
      continue
    fi
    local t=$SECONDS
    ctr_k8s images import "$tar" >"$LOGS/import.log" 2>&1 || fail_component containerd "$LOGS/import.log" "ctr images import $tar failed"
    echo "$config" >"$stampfile"
    info "image $ref: imported ($((SECONDS - t))s)"
  done
}

# normalize_ref REF: the name containerd stores (docker.io/library/ for short names).
normalize_ref() {
  local ref=$1 first=${1%%/*}
  if [[ $ref != */* ]]; then
    echo "docker.io/library/$ref"
  elif [[ $first == *.* || $first == *:* || $first == localhost ]]; then
    echo "$ref"
  else
    echo "docker.io/$ref"
  fi
}

images_up() {
  step "Images: ${CLUSTER_IMAGES[*]} (no registry: imported into containerd)"
  local name tars=()
  for name in "${CLUSTER_IMAGES[@]}"; do tars+=("$IMAGES/$name.tar"); done
  import_tars "${tars[@]}"
}

node_ready() { [[ $(kctl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]; }

kubelet_up() {
  step "kubelet $KUBERNETES_VERSION (node $NODE_NAME, root dir ${RUN#"$ROOT"/}/kubelet, cgroups under $CGROUP_ROOT)"
  # kubelet wants its cgroup root to exist in every hierarchy (cgroupfs driver).
  local hierarchy
  if [[ $(cgroup_version) == v2 ]]; then
    mkdir -p "/sys/fs/cgroup$CGROUP_ROOT"
  else
    for hierarchy in /sys/fs/cgroup/*/; do
      [[ -L ${hierarchy%/} ]] && continue
      mkdir -p "$hierarchy${CGROUP_ROOT#/}"
    done
  fi
  mkdir -p "$RUN/kubelet" "$RUN/pod-logs"
  write_config "$RUN/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: $NODE_IP
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
# This machine has cgroup v1; kubelet 1.34 refuses v1 unless told otherwise (a warning remains).
failCgroupV1: false
clusterDNS:
- $DNS_SERVICE_IP
clusterDomain: cluster.local
# No upstream resolver: the cluster's DNS answers for the cluster only.
resolvConf: ""
podLogsDir: $RUN/pod-logs
failSwapOn: false
# No registry to pull from again: never garbage-collect imported images, evict only when the disk is full.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
serializeImagePulls: false
rotateCertificates: false
EOF
  start kubelet "$BIN/kubelet" --config "$RUN/kubelet-config.yaml" --kubeconfig "$RUN/kubelet.kubeconfig" \
    --root-dir "$RUN/kubelet" --cert-dir "$RUN/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v=1
  await kubelet 90 "node $NODE_NAME Ready" node_ready
}

kube_proxy_config() {
  write_config "$RUN/kube-proxy-config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: $RUN/kube-proxy.kubeconfig
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: $NODE_IP:10256
metricsBindAddress: $NODE_IP:10249
clusterCIDR: $POD_CIDR
# NodePorts on the node address only: not on the host's other interfaces, not on localhost.
nodePortAddresses:
- $NODE_IP/32
iptables:
  localhostNodePorts: false
# Leave the host's conntrack sysctls alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
}

kube_proxy_up() {
  step "kube-proxy $KUBERNETES_VERSION (iptables mode, NodePorts on $NODE_IP)"
  kube_proxy_config
  start kube-proxy "$BIN/kube-proxy" --config "$RUN/kube-proxy-config.yaml" --v=1
  await kube-proxy 60 "kube-proxy healthy" curl -fsS --max-time 2 "http://$NODE_IP:10256/healthz"
}

dns_up() {
  step "CoreDNS $COREDNS_VERSION (Deployment kube-system/coredns, Service $DNS_SERVICE_IP)"
  sed -e "s|__COREDNS_IMAGE__|$COREDNS_IMAGE|" -e "s|__DNS_SERVICE_IP__|$DNS_SERVICE_IP|" \
    "$ROOT/scripts/cluster/manifests/coredns.yaml" | kctl apply -f - >"$LOGS/coredns-apply.log" 2>&1 \
    || fail_component coredns "$LOGS/coredns-apply.log" "kubectl apply of scripts/cluster/manifests/coredns.yaml failed"
  kctl -n kube-system rollout status deployment/coredns --timeout=120s >"$LOGS/coredns-rollout.log" 2>&1 \
    || { kctl -n kube-system describe pods -l k8s-app=kube-dns >>"$LOGS/coredns-rollout.log" 2>&1
      fail_component coredns "$LOGS/coredns-rollout.log" "the coredns Deployment did not become available"; }
  info "coredns available"
}

summary() {
  step "Local cluster up: Kubernetes $KUBERNETES_VERSION on $NODE_NAME ($NODE_IP) in $((SECONDS - UP_STARTED))s"
  cat <<EOF
    kubeconfig:    ${KUBECONFIG_FILE#"$ROOT"/}   (export KUBECONFIG=$KUBECONFIG_FILE)
    kubectl:       scripts/cluster.sh kubectl get pods -A      (kubectl $KUBERNETES_VERSION)
    API server:    https://$NODE_IP:6443
    NodePorts:     http://$NODE_IP:<nodePort>/ (e.g. the ingress gateway's 30080, once Istio runs)
    Istio + apps:  scripts/up-istio.sh --local-cluster
    logs:          ${LOGS#"$ROOT"/}/<component>.log
    status:        scripts/cluster.sh status
    stop:          scripts/cluster.sh down   (deletes every Pod, stops everything, restores the host)
EOF
  printf '    %-24s %s\n' "component" "pid"
  local c
  for c in "${COMPONENTS[@]}"; do printf '    %-24s %s\n' "$c" "$(<"$RUN/pids/$c.pid")"; done
}

up() {
  UP_STARTED=$SECONDS
  preflight
  build
  mkdir -p "$RUN" "$LOGS"
  record_host_state
  network_up
  certificates
  control_plane_up
  containerd_up
  images_up
  kubelet_up
  kube_proxy_up
  dns_up
  summary
}

# --- down ---------------------------------------------------------------------------------------------------
# Each step tolerates what is already gone, so `down` also cleans up after a failed or interrupted `up`.
delete_pods() {
  process_alive "$RUN" kube-apiserver || { info "kube-apiserver is not running: no Pods to delete through it"; return 0; }
  # A dying or wedged API server: down goes on without it (the Pods' network goes with remove_netns).
  if ! kctl get --raw /readyz --request-timeout=5s >/dev/null 2>&1; then
    info "kube-apiserver does not answer: no Pods to delete through it"
    return 0
  fi
  # Nothing may recreate what is deleted: the controllers go first.
  stop_component kube-controller-manager
  stop_component kube-scheduler
  local count
  count=$(kctl get pods -A --no-headers 2>/dev/null | wc -l) || count=0
  info "deleting $count Pods in every namespace"
  kctl delete pods --all -A --wait=false >/dev/null 2>&1 || true
  if process_alive "$RUN" kubelet; then
    wait_until "every Pod gone (kubelet releases each Pod's network, mounts and cgroups)" 120 no_pods \
      || warn "Pods left: $(kctl get pods -A --no-headers 2>/dev/null | awk '{print $1 "/" $2}' | paste -sd' ')"
  fi
}

no_pods() { [[ -z $(kctl get pods -A --no-headers 2>/dev/null) ]] && [[ -z $(ctr_k8s tasks ls -q 2>/dev/null) ]]; }

stop_component() {
  local name=$1 pid_file="$RUN/pids/$1.pid" pid
  [[ -f $pid_file ]] || return 0
  pid=$(<"$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    if ! wait_until "$name to stop" 30 bash -c "! kill -0 $pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    info "stopped $name (pid $pid)"
  fi
  rm -f "$pid_file"
}

# our_processes: pids of processes running a binary of .tools/cluster (shims, stray components) or living
# in the cluster's cgroups (containers).
our_processes() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    if [[ $exe == "$TOOLS"/* ]] || grep -q ":$CGROUP_ROOT/" "$p/cgroup" 2>/dev/null; then echo "${p#/proc/}"; fi
  done
  return 0
}

no_processes_of_ours() { [[ -z $(our_processes) ]]; }

our_mounts() { awk -v a="$RUN/" -v b="$TOOLS/" 'index($5, a) == 1 || index($5, b) == 1 {print $5}' /proc/self/mountinfo | sort -r; }

remove_chains() {
  local cmd table chain
  local -A before=()
  if [[ -f $HOST_STATE/chains ]]; then
    while read -r cmd table chain; do before["$cmd $table $chain"]=1; done <"$HOST_STATE/chains"
  fi
  local ours=()
  while read -r cmd table chain; do
    [[ -n ${before["$cmd $table $chain"]:-} ]] || ours+=("$cmd $table $chain")
  done < <(iptables_chains)
  ((${#ours[@]} > 0)) || return 0
  local entry rule
  # Rules that jump to our chains (from built-in chains or each other) first, then the chains.
  for entry in "${ours[@]}"; do
    read -r cmd table chain <<<"$entry"
    while IFS= read -r rule; do
      [[ -n $rule ]] || continue
      eval "$cmd -t $table ${rule/-A /-D }" 2>/dev/null || true
    done < <("$cmd" -t "$table" -S 2>/dev/null | grep -E -- "-j $chain( |\$)" | grep -v -E "^-A $chain ")
  done
  for entry in "${ours[@]}"; do
    read -r cmd table chain <<<"$entry"
    "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
  done
  for entry in "${ours[@]}"; do
    read -r cmd table chain <<<"$entry"
    "$cmd" -t "$table" -X "$chain" 2>/dev/null || true
  done
  info "removed ${#ours[@]} KUBE-* iptables chains this cluster created"
}

# in_pod_cidr ADDRESS: whether an IPv4 address lies in POD_CIDR.
in_pod_cidr() {
  local a b c d n net bits=${POD_CIDR#*/}
  IFS=. read -r a b c d <<<"$1"
  n=$(((a << 24) | (b << 16) | (c << 8) | d))
  IFS=. read -r a b c d <<<"${POD_CIDR%/*}"
  net=$(((a << 24) | (b << 16) | (c << 8) | d))
  (((n ^ net) >> (32 - bits) == 0))
}

# our_netns: the named network namespaces (/run/netns/cni-*, made by containerd's CRI) with an interface in
# the Pod CIDR. kubelet deletes each with its Pod; when the API server or kubelet died first, nothing does,
# and podman's own cni-* namespaces (other addresses) must stay.
our_netns() {
  local path name address
  for path in /run/netns/cni-*; do
    [[ -e $path ]] || continue
    name=${path##*/}
    while read -r address; do
      if in_pod_cidr "${address%/*}"; then echo "$name"; break; fi
    done < <(ip -n "$name" -4 -o addr show 2>/dev/null | awk '{print $4}')
  done
  return 0
}

remove_netns() {
  local name count=0
  for name in $(our_netns); do
    ip netns delete "$name" 2>/dev/null && count=$((count + 1))
  done
  ((count == 0)) || info "removed $count Pod network namespaces (/run/netns/cni-*) no Pod deletion released"
}

remove_cgroups() {
  local dir
  while IFS= read -r dir; do
    rmdir "$dir" 2>/dev/null || true
  done < <(find /sys/fs/cgroup/ -mindepth 1 -maxdepth 2 -type d -name "${CGROUP_ROOT#/}" 2>/dev/null \
    | while read -r top; do find "$top" -depth -type d; done)
}

restore_host() {
  if [[ -f $HOST_STATE/sysctl ]]; then
    local line
    while IFS= read -r line; do
      set_sysctl "${line%%=*}" "${line#*=}"
    done <"$HOST_STATE/sysctl"
    info "sysctls restored: $(cut -d= -f1 "$HOST_STATE/sysctl" | paste -sd' ')"
  fi
  # Folders kubelet and containerd create outside the clone whatever they are told (log links, CNI result
  # cache, shim sockets, kubelet's device plugin socket): our entries go; a folder goes when it was not
  # there before and is now empty.
  local link
  if [[ -d /var/log/containers ]]; then
    for link in /var/log/containers/*.log; do
      [[ -L $link && $(readlink "$link") == "$RUN"/* ]] && rm -f "$link"
    done
  fi
  rm -f /var/lib/cni/results/"$CNI_NETWORK"-* 2>/dev/null || true
  if ! grep -qx /var/lib/kubelet "$HOST_STATE/dirs" 2>/dev/null; then
    rm -f /var/lib/kubelet/device-plugins/kubelet.sock
    rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet/plugins_registry /var/lib/kubelet/plugins 2>/dev/null || true
  fi
  local d
  for d in /var/log/containers /var/log/pods /var/lib/cni/results /var/lib/cni /run/containerd/s /run/containerd /var/lib/kubelet; do
    [[ -d $d ]] || continue
    grep -qx "$d" "$HOST_STATE/dirs" 2>/dev/null && continue
    rmdir "$d" 2>/dev/null || true
  done
}

down() {
  local t=$SECONDS others
  step "Local cluster down"
  if [[ ! -d $RUN/pids && ! -d $HOST_STATE ]]; then
    if ! others=$(foreign); then
      info "nothing of this clone's to stop; another local cluster runs on this host and is left alone:"
      printf '%s\n' "$others" | sed 's/^/      /'
      return 0
    fi
    if leftovers >/dev/null; then
      info "nothing to stop (no cluster state in ${RUN#"$ROOT"/}, nothing of a cluster on the host)"
      return 0
    fi
    info "no cluster state in ${RUN#"$ROOT"/}: removing what an interrupted cluster left on the host"
  fi
  teardown
  info "down in $((SECONDS - t))s; logs kept in ${LOGS#"$ROOT"/}"
}

# teardown: stops and removes everything of this clone's cluster and whatever an interrupted one left on
# the host. Each step tolerates what is already gone.
teardown() {
  mkdir -p "$LOGS"
  delete_pods
  stop_component kubelet
  stop_component kube-proxy
  if [[ -x $BIN/kube-proxy ]]; then
    "$BIN/kube-proxy" --cleanup --v=0 >"$LOGS/kube-proxy-cleanup.log" 2>&1 || warn "kube-proxy --cleanup failed, see $LOGS/kube-proxy-cleanup.log"
  fi
  stop_component containerd
  stop_component kube-controller-manager
  stop_component kube-scheduler
  stop_component kube-apiserver
  stop_component etcd
  local pid
  for pid in $(our_processes); do
    info "stopping leftover $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-80) (pid $pid)"
    kill "$pid" 2>/dev/null || true
  done
  wait_until "leftover processes to exit" 15 no_processes_of_ours \
    || for pid in $(our_processes); do kill -9 "$pid" 2>/dev/null || true; done
  local mount
  while IFS= read -r mount; do umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true; done < <(our_mounts)
  remove_chains
  remove_netns
  local link
  for link in "$POD_BRIDGE" "$NODE_BRIDGE"; do
    if ip link show "$link" >/dev/null 2>&1; then ip link del "$link" && info "removed bridge $link"; fi
  done
  remove_cgroups
  restore_host
  local left
  if ! left=$(leftovers); then
    warn "left on the host after down:"
    printf '%s\n' "$left" | sed 's/^/      /' >&2
  fi
  # The state goes with the cluster (a later `up` starts from an empty etcd with fresh certificates); the
  # logs stay for a look at what happened, until the next `up` overwrites them.
  find "$RUN" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
}

# foreign: prints what of a live local cluster that is not this clone's runs on this host (another clone's,
# or another run's on a machine this one shares); status 1 when there is any.
foreign() {
  local found=() line pid exe p
  # Servers on the node address: a listener's process may live in another PID namespace (unseen: foreign).
  while read -r line; do
    [[ -n $line ]] || continue
    pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -n 1 | cut -d= -f2)
    exe=""
    [[ -z $pid ]] || exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    # A process of a cluster's tools is named by the loop below.
    [[ $exe == */.tools/cluster/* ]] || found+=("server on $(awk '{print $4}' <<<"$line")${exe:+ ($exe)}")
  done < <(ss -Hltnp "src $NODE_IP" 2>/dev/null)
  # Another clone's components, and any other Kubernetes node on the host (k3s, kubeadm...): its KUBE-*
  # chains must never be taken for an interrupted cluster's and reclaimed.
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    [[ $exe == "$TOOLS"/* ]] && continue
    if [[ $exe == */.tools/cluster/* || ${exe##*/} =~ ^(kubelet|kube-proxy|k3s|k3s-server|k3s-agent)$ ]]; then
      found+=("process ${p#/proc/}: $exe")
    fi
  done
  ((${#found[@]} == 0)) && return 0
  printf '%s\n' "${found[@]}"
  return 1
}

# leftovers: prints one line per thing of this cluster's still on the host; status 1 when there is any.
leftovers() {
  local found=() pid line cmd table chain
  for pid in $(our_processes); do
    found+=("process $pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-100 || true)")
  done
  while IFS= read -r line; do found+=("mount $line"); done < <(our_mounts)
  for line in "$POD_BRIDGE" "$NODE_BRIDGE"; do
    if ip link show "$line" >/dev/null 2>&1; then found+=("network device $line"); fi
  done
  for line in $(our_netns); do found+=("Pod network namespace /run/netns/$line"); done
  local -A before=()
  if [[ -f $HOST_STATE/chains ]]; then
    while read -r cmd table chain; do before["$cmd $table $chain"]=1; done <"$HOST_STATE/chains"
  fi
  while read -r cmd table chain; do
    [[ -n ${before["$cmd $table $chain"]:-} ]] || found+=("$cmd chain $table/$chain")
  done < <(iptables_chains)
  if [[ -S /var/lib/kubelet/device-plugins/kubelet.sock ]] && ! process_alive "$RUN" kubelet; then
    found+=("kubelet's socket /var/lib/kubelet/device-plugins/kubelet.sock")
  fi
  while IFS= read -r line; do found+=("cgroup $line"); done \
    < <(find /sys/fs/cgroup/ -mindepth 1 -maxdepth 2 -type d -name "${CGROUP_ROOT#/}" 2>/dev/null)
  ((${#found[@]} == 0)) && return 0
  printf '%s\n' "${found[@]}"
  return 1
}

# memory: resident memory of each component, and of everything the Pods run (the cluster's cgroups).
memory() {
  local c pid rss total=0
  for c in "${COMPONENTS[@]}"; do
    process_alive "$RUN" "$c" || continue
    pid=$(<"$RUN/pids/$c.pid")
    rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + rss))
    printf '    %-24s %5s MiB\n' "$c" "$rss"
  done
  local pods=0 p
  for p in $(our_processes); do
    grep -q ":$CGROUP_ROOT/" "/proc/$p/cgroup" 2>/dev/null || continue
    pods=$((pods + $(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  printf '    %-24s %5s MiB\n' "Pods (every container)" "$pods"
  printf '    %-24s %5s MiB\n' "total" "$((total + pods))"
}

# --- status -------------------------------------------------------------------------------------------------
status() {
  step "Components"
  local c state
  for c in "${COMPONENTS[@]}"; do
    if process_alive "$RUN" "$c"; then state="running (pid $(<"$RUN/pids/$c.pid"))"; else state="not running"; fi
    printf '    %-24s %s\n' "$c" "$state"
  done
  step "Memory (resident)"
  memory
  if process_alive "$RUN" kube-apiserver; then
    step "Nodes"
    kctl get nodes -o wide | sed 's/^/    /'
    step "Pods"
    kctl get pods -A -o wide | sed 's/^/    /'
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  leftovers) leftovers ;;
  foreign) foreign ;;
  import)
    shift
    (($# > 0)) || die "usage: scripts/cluster.sh import TAR..."
    process_alive "$RUN" containerd || die "the local cluster is not running (scripts/cluster.sh up)"
    mkdir -p "$LOGS"
    import_tars "$@"
    ;;
  kubectl)
    shift
    kctl "$@"
    ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
