# The base image CI builds the app images on (scripts/images/build-base.sh: a jlink'd JRE from the local JDK
# on a minimal root filesystem), as a `docker save` tar cached in .tools/images/, keyed by what goes into it.
# Users build on the pinned eclipse-temurin image (root pom.xml) instead.
# shellcheck shell=bash

BASE_IMAGE_CACHE="$ROOT/.tools/images"
# The JDK whose jlink builds the base: $JAVA_HOME, else the one on PATH.
BASE_JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink || echo /nonexistent/bin/jlink)")")")}
BASE_JAVA_VERSION=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$BASE_JAVA_HOME/release" 2>/dev/null)
# The image name the tar carries (what `docker load` tags).
BASE_IMAGE_NAME="mesh-guide/ci-base-jre:$BASE_JAVA_VERSION"

# base_image_tar: the cached tar's path (it may not exist yet). The key: the builder, the module list without
# its comments, the JDK, the C library, the busybox-static pin.
base_image_tar() {
  local key
  key=$(cat "$ROOT/scripts/images/build-base.sh" <(grep -v '^#' "$ROOT/scripts/images/jre-modules.txt") \
    "$BASE_JAVA_HOME/release" <(ldd --version 2>&1 | head -1) \
    <(grep '^BUSYBOX_STATIC_DEB_VERSION=' "$ROOT/tools/versions.env") | sha256sum | cut -c1-12)
  echo "$BASE_IMAGE_CACHE/base-jre-$BASE_JAVA_VERSION-$key.tar"
}

# ensure_base_image_tar LOG: builds the tar unless it is cached; drops older ones and Jib's cache of their layers.
ensure_base_image_tar() {
  local tar log=$1
  tar=$(base_image_tar)
  [[ -s $tar ]] && return 0
  mkdir -p "$BASE_IMAGE_CACHE" "$(dirname "$log")"
  JAVA_HOME=$BASE_JAVA_HOME nice -n 10 "$ROOT/scripts/images/build-base.sh" "$tar" "$BASE_IMAGE_NAME" >"$log" 2>&1 || return 1
  find "$BASE_IMAGE_CACHE" -maxdepth 1 -name 'base-jre-*.tar' ! -name "$(basename "$tar")" -delete
  rm -rf "$BASE_IMAGE_CACHE/jib-base-cache"
}

# The base holds the local JDK, so it is built for this machine's architecture only: Jib must build just
# that platform from it, not the two the root pom names for the multi-platform Temurin base.
# shellcheck disable=SC2034 # used by the scripts that source this file
case $(uname -m) in
  aarch64 | arm64) BASE_PLATFORM=linux/arm64 ;;
  *) BASE_PLATFORM=linux/amd64 ;;
esac
