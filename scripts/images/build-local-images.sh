#!/usr/bin/env bash
# Builds, through the Docker API (a Docker engine, or podman's: scripts/docker-api.sh), the images a machine
# without registry access cannot pull, from what the project already has or Debian ships:
#
#   mesh-guide/ci-base-jre:<jdk>     the CI base the app images are built on (scripts/images/build-base.sh)
#   mesh-guide/zipkin:<v>            instead of openzipkin/zipkin:<v>   (ZIPKIN_VERSION; exec jar on the CI base)
#   mesh-guide/busybox:<v>           instead of busybox:<v>             (Debian busybox-static)
#   mesh-guide/curl:<v>              instead of curlimages/curl:<v>     (Debian curl on busybox)
#   mesh-guide/fortio:<v>            instead of fortio/fortio:<v>       (FORTIO_VERSION, the local mesh's binary)
#
# Users pull the upstream images; nothing they run names these. Each image carries a label with the hash of
# its inputs, and is rebuilt only when they change.
#
#   scripts/images/build-local-images.sh [NAME...]    NAME: base zipkin busybox curl fortio (default: all)
#   scripts/images/build-local-images.sh --print-env  the variables that select them in docker-compose.yml
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source-path=SCRIPTDIR/../lib
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/base-image.sh
source "$ROOT/scripts/lib/base-image.sh"

HERE="$ROOT/scripts/images/local"
WORK="$ROOT/.tools/images/local"
LOGS="$ROOT/.run/local-images"
BUSYBOX_VERSION=$(sed -E 's/^([0-9]+:)?([0-9.]+).*/\2/' <<<"$BUSYBOX_STATIC_DEB_VERSION")
CURL_VERSION=$(curl --version 2>/dev/null | sed -n '1s/^curl \([0-9.]*\).*/\1/p')

image_name() {
  case $1 in
    base) echo "$BASE_IMAGE_NAME" ;;
    zipkin) echo "mesh-guide/zipkin:$ZIPKIN_VERSION" ;;
    busybox) echo "mesh-guide/busybox:$BUSYBOX_VERSION" ;;
    curl) echo "mesh-guide/curl:$CURL_VERSION" ;;
    fortio) echo "mesh-guide/fortio:${FORTIO_VERSION#v}" ;;
    *) die "unknown image '$1' (base zipkin busybox curl fortio)" ;;
  esac
}

if [[ ${1:-} == --print-env ]]; then
  echo "ZIPKIN_IMAGE=$(image_name zipkin)"
  echo "BUSYBOX_IMAGE=$(image_name busybox)"
  echo "CURL_IMAGE=$(image_name curl)"
  exit 0
fi

command -v docker >/dev/null 2>&1 || die "the docker CLI is needed"
docker version >/dev/null 2>&1 || die "no Docker API answers (scripts/docker-api.sh up, then eval \"\$(scripts/docker-api.sh env)\")"
mkdir -p "$WORK" "$LOGS"

# label_of IMAGE: the input hash an existing image was built from, empty when there is none.
label_of() { docker image inspect --format '{{index .Config.Labels "org.meshguide.inputs"}}' "$1" 2>/dev/null || true; }

# pinned_busybox_deb: the downloaded busybox-static package of the pinned version, empty when there is none.
pinned_busybox_deb() {
  local candidate
  for candidate in "$WORK"/debs/busybox-static_*.deb; do
    [[ -f $candidate && $(dpkg-deb -f "$candidate" Version) == "$BUSYBOX_STATIC_DEB_VERSION" ]] && echo "$candidate"
  done
  return 0
}

# busybox_into DIR: Debian's static busybox (pinned) as DIR/busybox.
busybox_into() {
  local deb
  mkdir -p "$WORK/debs"
  deb=$(pinned_busybox_deb)
  if [[ -z $deb ]]; then
    (cd "$WORK/debs" && apt-get download "busybox-static=$BUSYBOX_STATIC_DEB_VERSION") >"$LOGS/apt-download.log" 2>&1 \
      || die "apt-get download busybox-static=$BUSYBOX_STATIC_DEB_VERSION failed; see $LOGS/apt-download.log"
    deb=$(pinned_busybox_deb)
  fi
  rm -rf "$WORK/busybox-static"
  dpkg-deb -x "$deb" "$WORK/busybox-static"
  cp "$WORK/busybox-static/bin/busybox" "$1/busybox"
}

# users_into DIR: /etc/passwd and /etc/group with nobody and the apps' uid 1000.
users_into() {
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1000:1000:app:/tmp:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$1/passwd"
  printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' >"$1/group"
}

# elf_with_libraries_into ROOTFS BINARY: BINARY and every shared library ldd finds for it, at their paths.
elf_with_libraries_into() {
  local rootfs=$1 binary=$2 lib
  mkdir -p "$rootfs$(dirname "$binary")"
  cp -L "$binary" "$rootfs$binary"
  while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done < <(ldd "$binary" | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]+ \(0x/ {print $1}')
}

# context NAME: prepares the build context of NAME in $WORK/context/NAME.
context() {
  local dir="$WORK/context/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  case $1 in
    zipkin)
      bash "$ROOT/scripts/install-tools.sh" zipkin >"$LOGS/install-zipkin.log" 2>&1 \
        || die "installing the Zipkin jar failed; see $LOGS/install-zipkin.log"
      ln "$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$dir/zipkin-server-exec.jar" 2>/dev/null \
        || cp "$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$dir/zipkin-server-exec.jar"
      ;;
    busybox)
      busybox_into "$dir"
      users_into "$dir"
      ;;
    curl)
      command -v curl >/dev/null 2>&1 || die "curl is needed (Debian: apt-get install curl)"
      busybox_into "$dir"
      users_into "$dir"
      elf_with_libraries_into "$dir/rootfs" "$(readlink -f "$(command -v curl)")"
      ;;
    fortio)
      bash "$ROOT/scripts/install-tools.sh" fortio >"$LOGS/install-fortio.log" 2>&1 \
        || die "building fortio failed; see $LOGS/install-fortio.log"
      cp "$ROOT/.tools/bin/fortio" "$dir/fortio"
      users_into "$dir"
      ;;
  esac
  echo "$dir"
}

build() {
  local name=$1 image inputs dir t=$SECONDS
  image=$(image_name "$name")
  if [[ $name == base ]]; then
    ensure_base_image_tar "$LOGS/base.log" || die "building the base image failed; see $LOGS/base.log"
    inputs=$(basename "$(base_image_tar)")
    if [[ $(docker image inspect --format '{{index .Config.Labels "org.meshguide.base"}}' "$image" 2>/dev/null) == "ci-jlink-jre-$BASE_JAVA_VERSION" ]] \
      && [[ -f $WORK/base.loaded && $(<"$WORK/base.loaded") == "$inputs" ]]; then
      info "$image: up to date"
      return
    fi
    docker load -i "$(base_image_tar)" >"$LOGS/base-load.log" 2>&1 || die "docker load of the base failed; see $LOGS/base-load.log"
    echo "$inputs" >"$WORK/base.loaded"
    info "$image: loaded ($((SECONDS - t)) s)"
    return
  fi
  dir=$(context "$name") || exit 1
  # The inputs: the Dockerfile and every file of the context (content, not times), and the base for zipkin.
  inputs=$( (cat "$HERE/$name/Dockerfile"; find "$dir" -type f -print0 | sort -z | xargs -0 sha256sum | sed "s#$dir##"
    [[ $name != zipkin ]] || basename "$(base_image_tar)") | sha256sum | cut -c1-16)
  if [[ $(label_of "$image") == "$inputs" ]]; then
    info "$image: up to date"
    return
  fi
  local args=(--label "org.meshguide.inputs=$inputs" -t "$image" -f "$HERE/$name/Dockerfile")
  [[ $name != zipkin ]] || { build base; args+=(--build-arg "BASE=$BASE_IMAGE_NAME"); }
  # The legacy builder: podman's Docker API has no BuildKit; Docker's accepts both.
  DOCKER_BUILDKIT=0 docker build "${args[@]}" "$dir" >"$LOGS/build-$name.log" 2>&1 \
    || die "docker build $image failed; see $LOGS/build-$name.log"
  info "$image: built ($((SECONDS - t)) s, $(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
}

names=("$@")
((${#names[@]} > 0)) || names=(base zipkin busybox curl fortio)
step "Local stand-ins for images this machine cannot pull"
for name in "${names[@]}"; do build "$name"; done
