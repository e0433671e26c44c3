#!/usr/bin/env bash
# Puts into the Docker engine (Docker's, or podman's: scripts/docker-api.sh) the images a machine without
# registry access cannot pull, built from what the project already has or Debian ships:
#
#   mesh-guide/ci-base-jre:<jdk>            the CI base the app images are built on (scripts/images/build-base.sh)
#   mesh-guide/zipkin:<v>                   instead of openzipkin/zipkin:<v> (ZIPKIN_VERSION: the exec jar on the
#                                           CI base, `docker build` of scripts/images/local/zipkin)
#   localhost/local-cluster/busybox:<v>     instead of busybox:<v>        } the local cluster's images
#   localhost/local-cluster/curl:<v>        instead of curlimages/curl    } (scripts/cluster/images.sh, from
#   localhost/local-cluster/fortio:<v>      instead of fortio/fortio      }  pinned Debian packages), loaded
#
# Users pull the upstream images; nothing they run names these. Each is rebuilt only when its inputs change.
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
# shellcheck source=scripts/lib/cluster-images.sh
source "$ROOT/scripts/lib/cluster-images.sh"

HERE="$ROOT/scripts/images/local"
WORK="$ROOT/.tools/images/local"
LOGS="$ROOT/.run/local-images"

image_name() {
  case $1 in
    base) echo "$BASE_IMAGE_NAME" ;;
    zipkin) echo "mesh-guide/zipkin:$ZIPKIN_VERSION" ;;
    busybox) echo "$BUSYBOX_LOCAL_IMAGE" ;;
    curl) echo "$CURL_LOCAL_IMAGE" ;;
    fortio) echo "$FORTIO_LOCAL_IMAGE" ;;
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

# zipkin_context DIR: the build context of the Zipkin image.
zipkin_context() {
  bash "$ROOT/scripts/install-tools.sh" zipkin >"$LOGS/install-zipkin.log" 2>&1 \
    || die "installing the Zipkin jar failed; see $LOGS/install-zipkin.log"
  rm -rf "$1"
  mkdir -p "$1"
  ln "$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$1/zipkin-server-exec.jar" 2>/dev/null \
    || cp "$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$1/zipkin-server-exec.jar"
}

# load_tar NAME TAR: loads a docker-save tar unless the engine has the image from this very tar.
load_tar() {
  local name=$1 tar=$2 image t=$SECONDS sum
  image=$(image_name "$name")
  sum=$(sha256sum "$tar" | cut -c1-16)
  if docker image inspect "$image" >/dev/null 2>&1 && [[ -f $WORK/$name.loaded && $(<"$WORK/$name.loaded") == "$sum" ]]; then
    info "$image: up to date"
    return
  fi
  docker load -i "$tar" >"$LOGS/load-$name.log" 2>&1 || die "docker load of $tar failed; see $LOGS/load-$name.log"
  echo "$sum" >"$WORK/$name.loaded"
  info "$image: loaded ($((SECONDS - t)) s, $(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
}

build() {
  local name=$1 image inputs dir t=$SECONDS
  image=$(image_name "$name")
  case $name in
    base)
      ensure_base_image_tar "$LOGS/base.log" || die "building the base image failed; see $LOGS/base.log"
      load_tar base "$(base_image_tar)"
      ;;
    busybox | curl | fortio)
      [[ $name != fortio ]] || bash "$ROOT/scripts/install-tools.sh" fortio >"$LOGS/install-fortio.log" 2>&1 \
        || die "building fortio failed; see $LOGS/install-fortio.log"
      bash "$ROOT/scripts/cluster/images.sh" "$name" >"$LOGS/image-$name.log" 2>&1 \
        || die "building the $name image failed; see $LOGS/image-$name.log"
      load_tar "$name" "$ROOT/.tools/cluster/images/$name.tar"
      ;;
    zipkin)
      build base
      dir="$WORK/context/zipkin"
      zipkin_context "$dir"
      # The inputs: the Dockerfile, the jar and the base.
      inputs=$( (cat "$HERE/zipkin/Dockerfile"; sha256sum "$dir/zipkin-server-exec.jar" | cut -d' ' -f1
        basename "$(base_image_tar)") | sha256sum | cut -c1-16)
      if [[ $(label_of "$image") == "$inputs" ]]; then
        info "$image: up to date"
        return
      fi
      # The legacy builder: podman's Docker API has no BuildKit; Docker's accepts both.
      DOCKER_BUILDKIT=0 docker build --label "org.meshguide.inputs=$inputs" -t "$image" -f "$HERE/zipkin/Dockerfile" \
        --build-arg "BASE=$BASE_IMAGE_NAME" "$dir" >"$LOGS/build-zipkin.log" 2>&1 \
        || die "docker build $image failed; see $LOGS/build-zipkin.log"
      info "$image: built ($((SECONDS - t)) s, $(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
      ;;
    *) die "unknown image '$name' (base zipkin busybox curl fortio)" ;;
  esac
}

names=("$@")
((${#names[@]} > 0)) || names=(base zipkin busybox curl fortio)
step "Local stand-ins for images this machine cannot pull"
for name in "${names[@]}"; do build "$name"; done
