# Shared by the scripts that build or install tools into .tools/ (scripts/install-tools.sh,
# scripts/cluster/tools.sh, scripts/cluster/images.sh): version stamps, build progress, Go modules, Debian
# packages fetched without installing them (installing: scripts/lib/apt.sh).
# The caller defines log and die, and sets STAMPS (the stamp folder) and FORCE (1 = ignore stamps).
# shellcheck shell=bash

# stamp_ok NAME EXPECTED FILE...: the stamp matches and every FILE exists
stamp_ok() {
  local name=$1 expected=$2
  shift 2
  [[ ${FORCE:-0} -eq 0 ]] || return 1
  [[ -f "$STAMPS/$name" && "$(cat "$STAMPS/$name")" == "$expected" ]] || return 1
  local f
  for f in "$@"; do [[ -e "$f" ]] || return 1; done
  return 0
}

stamp_write() { mkdir -p "$STAMPS" && printf '%s\n' "$2" >"$STAMPS/$1"; }

# progress_lines LABEL EVERY: reads lines (e.g. `go build -v`), prints a heartbeat every EVERY lines
progress_lines() {
  local label=$1 every=$2 n=0
  while IFS= read -r _; do
    n=$((n + 1))
    if (( n % every == 0 )); then log "    ... $label: $n"; fi
  done
  log "    ... $label: $n (done)"
}

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not on PATH"; }

# go_module_dir MODULE@VERSION: downloads the module (verified against the checksum database) and prints
# its read-only folder in the module cache.
go_module_dir() {
  go mod download -json "$1" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d["Error"]) if d.get("Error") else print(d["Dir"])'
}

# apt_download DIR LOG PACKAGE[=VERSION]...: fetches the .deb files into DIR without installing anything;
# a pinned version the archive no longer has falls back to the current one, with a warning.
apt_download() {
  local dir=$1 log=$2 spec
  shift 2
  mkdir -p "$dir"
  (cd "$dir" && apt-get download -q "$@") >>"$log" 2>&1 && return 0
  # One by one, to find the package that failed and fall back for it alone.
  for spec in "$@"; do
    compgen -G "$dir/${spec%%=*}_*.deb" >/dev/null && continue
    if (cd "$dir" && apt-get download -q "$spec") >>"$log" 2>&1; then continue; fi
    if [[ $spec == *=* ]]; then
      apt-get update -q >>"$log" 2>&1
      if (cd "$dir" && apt-get download -q "$spec") >>"$log" 2>&1; then continue; fi
      log "WARNING: $spec is no longer in the archive; fetching ${spec%%=*}'s current version (update tools/versions.env)"
      (cd "$dir" && apt-get download -q "${spec%%=*}") >>"$log" 2>&1 && continue
    fi
    die "apt-get download $spec failed, see $log"
  done
}

# deb_closure PACKAGE...: the packages PACKAGE needs to run (Depends and Pre-Depends, recursively), itself included.
deb_closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$@" \
    | grep -v -e '^ ' -e '^<' | sort -u
}
