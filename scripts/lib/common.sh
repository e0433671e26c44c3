# Shared by the scripts under scripts/: progress output, waiting with deadlines, process bookkeeping.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export ROOT
# Where every program run writes its JUnit XML report (scripts/lib/junit.py); scripts/test.sh sets its own.
JUNIT_DIR=${JUNIT_DIR:-$ROOT/.run/junit}
export JUNIT_DIR

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '\033[33m    ! %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# wait_until DESCRIPTION TIMEOUT_SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_until() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      warn "not within ${timeout}s: $what"
      return 1
    fi
    sleep 0.2
  done
}

# pypi_tool DIR REQUIREMENT...: installs exactly these pinned PyPI packages into DIR (under .tools/) unless a
# previous run did; the install log goes to .run/.
pypi_tool() {
  local dir=$1 log
  shift
  [[ -f $dir/.installed ]] && return 0
  log="$ROOT/.run/$(basename "$dir")-install.log"
  step "Installing $* (PyPI) into ${dir#"$ROOT"/}"
  mkdir -p "$ROOT/.run"
  rm -rf "$dir"
  python3 -m pip install -q --disable-pip-version-check --no-deps --target "$dir" "$@" >"$log" 2>&1 \
    || die "installing $* failed; see $log"
  touch "$dir/.installed"
}

# pytest_run REPORT ARGS...: the pinned pytest (tools/versions.env) on ARGS, its JUnit XML report in
# $JUNIT_DIR/REPORT.xml
pytest_run() {
  local report=$1
  shift
  # shellcheck source=tools/versions.env
  source "$ROOT/tools/versions.env"
  local dir="$ROOT/.tools/pytest-$PYTEST_VERSION"
  # shellcheck disable=SC2086 # one requirement per word
  pypi_tool "$dir" $PYTEST_REQUIREMENTS
  mkdir -p "$JUNIT_DIR"
  PYTHONPATH="$dir" python3 -m pytest -p no:cacheprovider --junitxml "$JUNIT_DIR/$report.xml" "$@"
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

port_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# start_process RUN_DIR NAME LOG COMMAND...: starts COMMAND in the background, records its pid.
start_process() {
  local run_dir=$1 name=$2 log=$3
  shift 3
  mkdir -p "$run_dir/pids" "$(dirname "$log")"
  nohup "$@" >"$log" 2>&1 &
  echo $! >"$run_dir/pids/$name.pid"
}

# stop_processes RUN_DIR: stops every process start_process recorded there, newest first.
stop_processes() {
  local run_dir=$1 pid_file pid name
  [[ -d $run_dir/pids ]] || return 0
  # Newest first: the apps stop before what they depend on.
  while IFS= read -r pid_file; do
    pid=$(<"$pid_file")
    name=$(basename "$pid_file" .pid)
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      if ! wait_until "$name to stop" 25 bash -c "! kill -0 $pid"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
      info "stopped $name (pid $pid)"
    fi
    rm -f "$pid_file"
  done < <(find "$run_dir/pids" -name '*.pid' -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
}

process_alive() { [[ -f $1/pids/$2.pid ]] && kill -0 "$(<"$1/pids/$2.pid")" 2>/dev/null; }

# build_jars: packages the apps when a jar is missing or older than its sources.
build_jars() {
  local module stale=""
  for module in "$@"; do
    local jar="$ROOT/$module/target/$module.jar"
    local sources=("$ROOT/$module/src" "$ROOT/mesh-common/src" "$ROOT/pom.xml" "$ROOT/$module/pom.xml")
    [[ $module != captcha-service ]] || sources+=("$ROOT/captcha-core/src")
    if [[ ! -f $jar ]] || [[ -n $(find "${sources[@]}" -newer "$jar" -type f -print -quit) ]]; then
      stale="$stale $module"
    fi
  done
  if [[ -z $stale ]]; then
    info "jars are up to date"
    return 0
  fi
  info "building:$stale (mvn package, log: $ROOT/.run/build.log)"
  mkdir -p "$ROOT/.run"
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl "$(echo "$stale" | xargs | tr ' ' ',')" -am) >"$ROOT/.run/build.log" 2>&1 \
    || die "the build failed; see $ROOT/.run/build.log"
  # The jar plugin leaves an unchanged jar untouched, which would keep it "older" than its sources forever.
  for module in $stale; do touch "$ROOT/$module/target/$module.jar"; done
}
