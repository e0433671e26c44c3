#!/usr/bin/env bash
# Builds and installs what scripts/cluster.sh runs, into the git-ignored .tools/cluster/, keyed by version:
#
#   .tools/cluster/bin/kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl
#        Kubernetes $KUBERNETES_VERSION from the Go module proxy (wrapper module scripts/cluster/kubernetes),
#        with the version ldflags of Kubernetes' own build, so each reports $KUBERNETES_VERSION
#   .tools/cluster/bin/coredns      CoreDNS $COREDNS_VERSION, trimmed plugin list (scripts/cluster/coredns)
#   .tools/cluster/bin/pause        the Pod sandbox process (scripts/cluster/pause)
#   .tools/cluster/bin/jaeger       Jaeger v2 from the Go module github.com/jaegertracing/jaeger@$JAEGER_GO_VERSION
#   .tools/cluster/bin/reloader     Stakater Reloader $RELOADER_GO_VERSION from its Go module (wrapper module
#        scripts/cluster/reloader); .tools/cluster/reloader/ its install manifest with the local image
#   .tools/cluster/root/usr/bin/{etcd,containerd,containerd-shim-runc-v2,ctr}
#        from the pinned Debian packages etcd-server and containerd, fetched with `apt-get download` and
#        unpacked here: installing them would also install (and, with an init system, start) system-wide
#        etcd and containerd services that the cluster's `down` could not account for
#   host packages, installed with apt-get when missing: runc, containernetworking-plugins, iptables, conntrack
#   scripts/install-tools.sh envoy fortio istio: Envoy, fortio, pilot-discovery, pilot-agent, istioctl (the images'
#        binaries; istioctl installs Istio)
#
#   scripts/cluster/tools.sh            install what is missing or outdated (a second run takes seconds)
#   scripts/cluster/tools.sh --force    rebuild everything
#
# Go builds run under `nice` with the default build cache (~/.cache/go-build): cold, Kubernetes takes
# ~6.5 min on 2 cores; warm, under a minute.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/cluster-images.sh
source "$ROOT/scripts/lib/cluster-images.sh"

CLUSTER_TOOLS="$ROOT/.tools/cluster"
BIN="$CLUSTER_TOOLS/bin"
DEB_ROOT="$CLUSTER_TOOLS/root"
STAMPS="$CLUSTER_TOOLS/stamps"
LOGS="$CLUSTER_TOOLS/logs"
FORCE=0
[[ ${1:-} == --force ]] && FORCE=1
mkdir -p "$BIN" "$STAMPS" "$LOGS"

log() { printf '[cluster-tools] %s\n' "$*"; }
die() { printf '[cluster-tools] ERROR: %s\n' "$*" >&2; exit 1; }
info() { log "$*"; }
warn() { log "WARNING: $*"; }
# shellcheck source=scripts/lib/tools.sh
source "$ROOT/scripts/lib/tools.sh"
# shellcheck source=scripts/lib/apt.sh
source "$ROOT/scripts/lib/apt.sh"

T0=$SECONDS
export GOTOOLCHAIN=local

# source_hash DIR: the wrapper module's inputs, part of its stamp.
source_hash() { cat "$1"/go.mod "$1"/*.go "$1"/go.sum 2>/dev/null | sha256sum | cut -c1-16 || true; }

# requires GO_MOD MODULE VERSION: the go.mod requires MODULE at VERSION (alone or in a require block).
requires() { grep -qE "^(require)?[[:space:]]*${2//./\\.} ${3//./\\.}( |\$)" "$1"; }

# go_build NAME STAMP_VALUE LOG DIR OUT_DIR LDFLAGS PACKAGE...: a static, trimmed build under nice.
go_build() {
  local name=$1 stamp=$2 log_file=$3 dir=$4 out=$5 ldflags=$6
  shift 6
  local t=$SECONDS tmp="$CLUSTER_TOOLS/build-$name"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly nice -n 10 go build -v -trimpath -ldflags="$ldflags" -o "$tmp/" "$@" 2>&1) \
    | tee "$log_file" | progress_lines "$name: packages compiled" 200; then
    die "$name build failed, see $log_file"
  fi
  local f
  for f in "$tmp"/*; do mv -f "$f" "$out/"; done
  rmdir "$tmp"
  stamp_write "$name" "$stamp"
  log "$name: built in $((SECONDS - t)) s"
}

install_kubernetes() {
  local module="$ROOT/scripts/cluster/kubernetes" commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
  local stamp files=() c
  stamp="kubernetes $KUBERNETES_VERSION $(source_hash "$module")"
  for c in "${commands[@]}"; do files+=("$BIN/$c"); done
  if stamp_ok kubernetes "$stamp" "${files[@]}"; then
    log "kubernetes $KUBERNETES_VERSION: present"
    return
  fi
  need go
  requires "$module/go.mod" k8s.io/kubernetes "$KUBERNETES_VERSION" \
    || die "scripts/cluster/kubernetes/go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION (tools/versions.env)"
  local v=$KUBERNETES_VERSION minor ldflags="-s -w" p
  minor=${v#v1.}
  minor=${minor%%.*}
  # What hack/lib/version.sh gives both version packages; without it every binary says v0.0.0-master.
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ldflags+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local pkgs=()
  for c in "${commands[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  log "kubernetes $v: building ${commands[*]} (nice; ~6.5 min on 2 cores with an empty Go build cache; log: $LOGS/kubernetes-build.log)"
  go_build kubernetes "$stamp" "$LOGS/kubernetes-build.log" "$module" "$BIN" "$ldflags" "${pkgs[@]}"
  local have
  have=$("$BIN/kubectl" version --client -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')
  [[ $have == "$v" ]] || die "kubectl reports $have, expected $v"
}

install_coredns() {
  local module="$ROOT/scripts/cluster/coredns" stamp
  stamp="coredns $COREDNS_VERSION $(source_hash "$module")"
  if stamp_ok coredns "$stamp" "$BIN/coredns"; then
    log "coredns $COREDNS_VERSION: present"
    return
  fi
  requires "$module/go.mod" github.com/coredns/coredns "$COREDNS_VERSION" \
    || die "scripts/cluster/coredns/go.mod does not require coredns $COREDNS_VERSION (tools/versions.env)"
  log "coredns $COREDNS_VERSION: building (nice; ~1 min cold)"
  go_build coredns "$stamp" "$LOGS/coredns-build.log" "$module" "$BIN" \
    "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" .
  mv -f "$BIN/cluster-coredns" "$BIN/coredns"
}

install_pause() {
  local module="$ROOT/scripts/cluster/pause" stamp
  stamp="pause $(source_hash "$module")"
  if stamp_ok pause "$stamp" "$BIN/pause"; then
    log "pause: present"
    return
  fi
  go_build pause "$stamp" "$LOGS/pause-build.log" "$module" "$BIN" "-s -w" .
  mv -f "$BIN/cluster-pause" "$BIN/pause"
}

# Jaeger is built inside its (read-only) module folder, from the module's own go.mod and go.sum, like istiod
# (scripts/install-tools.sh). The module carries no UI assets (they are built with npm, outside it): the query
# service serves a placeholder page instead of the UI; the query API is complete.
install_jaeger() {
  local stamp="jaeger $JAEGER_GO_VERSION"
  if stamp_ok jaeger "$stamp" "$BIN/jaeger"; then
    log "jaeger $JAEGER_GO_VERSION: present"
    return
  fi
  need go
  local moddir
  moddir=$(go_module_dir "github.com/jaegertracing/jaeger@$JAEGER_GO_VERSION") \
    || die "could not download github.com/jaegertracing/jaeger@$JAEGER_GO_VERSION"
  log "jaeger $JAEGER_GO_VERSION: building cmd/jaeger (nice; a few minutes cold; log: $LOGS/jaeger-build.log)"
  go_build jaeger "$stamp" "$LOGS/jaeger-build.log" "$moddir" "$BIN" "-s -w" ./cmd/jaeger
}

# Reloader is built through a wrapper module (scripts/cluster/reloader: its go.mod replaces one dependency the
# module proxy does not serve at the version Reloader's go.mod names). Its install manifest, the one its docs
# apply (deployments/kubernetes/reloader.yaml), comes from the same module into .tools/cluster/reloader/ with a
# kustomization that points its image at the local build: kubectl apply -k .tools/cluster/reloader
install_reloader() {
  local module="$ROOT/scripts/cluster/reloader" stamp dir="$CLUSTER_TOOLS/reloader"
  stamp="reloader $RELOADER_GO_VERSION $(source_hash "$module") $RELOADER_IMAGE"
  if stamp_ok reloader "$stamp" "$BIN/reloader" "$dir/reloader.yaml" "$dir/kustomization.yaml"; then
    log "reloader $RELOADER_GO_VERSION: present"
    return
  fi
  need go
  requires "$module/go.mod" github.com/stakater/Reloader "$RELOADER_GO_VERSION" \
    || die "scripts/cluster/reloader/go.mod does not require Reloader $RELOADER_GO_VERSION (tools/versions.env)"
  log "reloader $RELOADER_GO_VERSION: building (nice; about two minutes cold; log: $LOGS/reloader-build.log)"
  go_build reloader "$stamp" "$LOGS/reloader-build.log" "$module" "$BIN" \
    "-s -w -X github.com/stakater/Reloader/pkg/common.Version=${RELOADER_GO_VERSION#v}" github.com/stakater/Reloader
  mv -f "$BIN/Reloader" "$BIN/reloader"
  local moddir
  moddir=$(cd "$module" && go_module_dir "github.com/stakater/Reloader@$RELOADER_GO_VERSION") \
    || die "could not download github.com/stakater/Reloader@$RELOADER_GO_VERSION"
  mkdir -p "$dir"
  install -m 0644 "$moddir/deployments/kubernetes/reloader.yaml" "$dir/reloader.yaml"
  cat >"$dir/kustomization.yaml" <<EOF
# generated by scripts/cluster/tools.sh: Reloader's own install manifest (github.com/stakater/Reloader
# $RELOADER_GO_VERSION, deployments/kubernetes/reloader.yaml) with the image built here
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- reloader.yaml
images:
- name: ghcr.io/stakater/reloader
  newName: ${RELOADER_IMAGE%:*}
  newTag: ${RELOADER_IMAGE##*:}
EOF
}

# The Debian packages that bring services: fetched and unpacked, never installed (see the header).
install_unpacked_debs() {
  local stamp="etcd-server=$ETCD_DEB_VERSION containerd=$CONTAINERD_DEB_VERSION"
  if stamp_ok debs "$stamp" "$DEB_ROOT/usr/bin/etcd" "$DEB_ROOT/usr/bin/containerd" "$DEB_ROOT/usr/bin/ctr" \
    "$DEB_ROOT/usr/bin/containerd-shim-runc-v2"; then
    log "etcd $ETCD_DEB_VERSION, containerd $CONTAINERD_DEB_VERSION: present"
    return
  fi
  local dir="$CLUSTER_TOOLS/debs/node" log_file="$LOGS/apt-node.log" deb
  rm -rf "$dir" "$DEB_ROOT"
  log "apt-get download etcd-server=$ETCD_DEB_VERSION containerd=$CONTAINERD_DEB_VERSION (unpacked into ${DEB_ROOT#"$ROOT"/})"
  apt_download "$dir" "$log_file" "etcd-server=$ETCD_DEB_VERSION" "containerd=$CONTAINERD_DEB_VERSION"
  for deb in "$dir"/*.deb; do dpkg-deb -x "$deb" "$DEB_ROOT"; done
  rm -rf "${DEB_ROOT:?}/etc" "${DEB_ROOT:?}/lib" "${DEB_ROOT:?}/usr/share"
  stamp_write debs "$stamp"
}

# The node's tools without services: apt-get install when missing (a different installed version is kept,
# with a note: these are the host's packages, other software may rely on them).
install_host_packages() {
  local spec name version have
  for spec in "runc=$RUNC_DEB_VERSION" "containernetworking-plugins=$CNI_PLUGINS_DEB_VERSION" \
    "iptables=$IPTABLES_DEB_VERSION" "conntrack=$CONNTRACK_DEB_VERSION"; do
    name=${spec%%=*}
    version=${spec#*=}
    have=$(deb_version "$name")
    if [[ -z $have ]]; then
      apt_install "$name" "$version" "$LOGS/apt-$name.log" || die "installing $name failed"
    elif [[ $have != "$version" ]]; then
      log "$name $have installed (pin: $version): kept"
    fi
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] \
    || die "containernetworking-plugins has no bridge/host-local/loopback in /usr/lib/cni"
  need openssl
}

log "installing into ${CLUSTER_TOOLS#"$ROOT"/} (pins: tools/versions.env)"
install_host_packages
install_unpacked_debs
install_pause
install_kubernetes
install_coredns
install_jaeger
install_reloader
"$ROOT/scripts/install-tools.sh" envoy fortio istio | sed 's/^/    /'
log "done in $((SECONDS - T0)) s"
