# Debian packages the scripts install when a tool is missing: the version pinned in tools/versions.env.
# shellcheck shell=bash

# deb_version PACKAGE: the installed version, empty when not installed (removed ones keep a version).
# Always status 0, so `v=$(deb_version p)` is safe under set -e with pipefail.
deb_version() {
  dpkg-query -W -f '${db:Status-Abbrev}${Version}' "$1" 2>/dev/null | sed -n 's/^ii *//p'
  return 0
}

# apt_install PACKAGE PINNED_VERSION LOG: installs the pinned version, or the archive's current one (with a
# warning) once a Debian point release has replaced it. Needs root and apt-get; says why on stderr otherwise.
apt_install() {
  local package=$1 version=$2 log=$3
  if ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then
    echo "$package is not installed, and installing it needs root and apt-get (Debian: apt-get install $package=$version)" >&2
    return 1
  fi
  mkdir -p "$(dirname "$log")"
  info "apt-get install $package=$version (log: ${log#"$ROOT"/})"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -q --no-install-recommends "$package=$version" >"$log" 2>&1 \
    || { apt-get update -q >>"$log" 2>&1 && apt-get install -y -q --no-install-recommends "$package=$version" >>"$log" 2>&1; }; then
    return 0
  fi
  warn "$package=$version is no longer in the archive; installing its current version (update tools/versions.env)"
  apt-get install -y -q --no-install-recommends "$package" >>"$log" 2>&1 || { tail -5 "$log" >&2; return 1; }
}
