#!/usr/bin/env bash
# The five apps and Zipkin as plain local processes, without a mesh: the Spring Cloud-style baseline the
# guide starts from, and the quickest way to see the chain, the trace and the ConfigMap hot reload.
#
#   scripts/local.sh up       build if needed, start Zipkin and the apps, wait until healthy, print a summary
#   scripts/local.sh down     stop exactly what `up` started
#   scripts/local.sh status   what is running
#
# Without a mesh nothing chooses between business v1 and v2: the gateway calls the version named by
# BUSINESS_VERSION (v2 by default, the one that goes on to data-service).
# The apps start with the JVM options, arguments and class data sharing of the local mesh (the `tuning` block
# of mesh/topology.yaml, or of MESH_TOPOLOGY), so the two run the same apps the same way.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/cds.sh
source "$ROOT/scripts/lib/cds.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"

RUN="$ROOT/.run/local"
LOGS="$RUN/logs"
CONFIG_DIR="$RUN/data-config"
# The same file the data-service ConfigMap is generated from in k8s/.
DATA_CONFIG="$ROOT/k8s/base/data-service/config-data.json"
ZIPKIN_JAR="$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"
TOPOLOGY=${MESH_TOPOLOGY:-$ROOT/mesh/topology.yaml}

# name:module:http-port:extra args
APPS=(
  "data-service:data-service:8083:--data.config-file=$CONFIG_DIR/config-data.json"
  "captcha-service:captcha-service:8084:"
  "business-v1:business-v1:8081:--business.echo.port=9001"
  "business-v2:business-v2:8082:--business.echo.port=9002 --business.data.url=http://127.0.0.1:8083"
  "gateway-service:gateway-service:8080:"
)

app_field() { cut -d: -f"$2" <<<"$1"; }

ensure_zipkin() {
  [[ -f $ZIPKIN_JAR ]] && return 0
  info "fetching the Zipkin server $ZIPKIN_VERSION (Maven Central)"
  mvn -B -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$ROOT/.tools/zipkin" >"$ROOT/.run/zipkin-fetch.log" 2>&1 \
    || die "fetching Zipkin failed; see $ROOT/.run/zipkin-fetch.log"
}

up() {
  local business_port
  case ${BUSINESS_VERSION:-v2} in
    v1) business_port=8081 ;;
    v2) business_port=8082 ;;
    *) die "BUSINESS_VERSION must be v1 or v2, not '${BUSINESS_VERSION}'" ;;
  esac
  APPS[4]="gateway-service:gateway-service:8080:--gateway.business.url=http://127.0.0.1:$business_port --gateway.captcha.url=http://127.0.0.1:8084"

  step "Checking ports"
  local app port busy=""
  for port in 9411 8080 8081 8082 8083 8084 9001 9002; do
    if port_in_use 127.0.0.1 "$port"; then busy="$busy $port"; fi
  done
  [[ -z $busy ]] || die "ports in use on 127.0.0.1:$busy (is it already up? try: $0 status / $0 down)"

  step "Building the apps"
  build_jars data-service captcha-service business-v1 business-v2 gateway-service
  local JVM_OPTIONS APP_ARGS CLASS_DATA_SHARING
  eval "$(PYTHONPATH="$ROOT/mesh" python3 -m localmesh tuning --topology "$TOPOLOGY")"
  if [[ -n $CLASS_DATA_SHARING ]]; then
    cds_prepare "$LOGS" "${JVM_OPTIONS[@]}" -- data-service captcha-service business-v1 business-v2 gateway-service
  fi
  step "Zipkin"
  mkdir -p "$ROOT/.run"
  ensure_zipkin

  step "Mounting the data ConfigMap the way the kubelet does ($CONFIG_DIR)"
  rm -rf "$CONFIG_DIR"
  "$ROOT/scripts/configmap-swap.sh" "$CONFIG_DIR" "$DATA_CONFIG" >/dev/null
  info "$(readlink "$CONFIG_DIR/..data")"

  step "Starting"
  mkdir -p "$LOGS"
  # the local mesh's Zipkin settings: the default 500000 spans do not fit -Xmx256m, and scripts/bench.sh
  # compares the CPU Zipkin spends here and there
  start_process "$RUN" zipkin "$LOGS/zipkin.log" java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -jar "$ZIPKIN_JAR" --server.address=127.0.0.1 --server.port=9411 --zipkin.storage.mem.max-spans=30000
  info "zipkin          http://127.0.0.1:9411"
  for app in "${APPS[@]}"; do
    local name module extra
    name=$(app_field "$app" 1)
    module=$(app_field "$app" 2)
    port=$(app_field "$app" 3)
    extra=$(app_field "$app" 4-)
    local jar_args=(-jar "$ROOT/$module/target/$module.jar")
    if [[ -n $CLASS_DATA_SHARING ]]; then
      cds_paths "$module"
      jar_args=(-XX:SharedArchiveFile="$CDS_ARCHIVE" -jar "$CDS_JAR")
    fi
    # shellcheck disable=SC2086 # extra holds several --key=value arguments
    CONFIG_VALUE1=42 CONFIG_VALUE2=foo start_process "$RUN" "$name" "$LOGS/$name.log" \
      java "${JVM_OPTIONS[@]}" "${jar_args[@]}" \
      --server.address=127.0.0.1 --server.port="$port" --app.instance-name="$name" \
      --management.tracing.export.zipkin.endpoint=http://127.0.0.1:9411/api/v2/spans "${APP_ARGS[@]}" $extra
    printf '    %-15s http://127.0.0.1:%s\n' "$name" "$port"
  done

  step "Waiting until every process is healthy"
  local failed=""
  wait_until "zipkin healthy" 120 http_ok http://127.0.0.1:9411/health || failed="$failed zipkin"
  for app in "${APPS[@]}"; do
    name=$(app_field "$app" 1)
    port=$(app_field "$app" 3)
    if wait_until "$name ready" 120 http_ok "http://127.0.0.1:$port/actuator/health/readiness"; then
      info "$name ready"
    else
      failed="$failed $name"
    fi
  done
  summary "$failed"
  [[ -z $failed ]]
}

summary() {
  local failed=$1
  echo
  if [[ -z $failed ]]; then
    step "Up: Zipkin and 5 apps (gateway -> business-${BUSINESS_VERSION:-v2}$([[ ${BUSINESS_VERSION:-v2} == v2 ]] && echo ' -> data-service'), gateway -> captcha-service)"
  else
    step "Started with failures:$failed"
    for name in $failed; do warn "$name: see $LOGS/$name.log"; done
  fi
  cat <<TXT
    Try it     curl -s http://127.0.0.1:8080/
    Captcha    curl -s -F img=@captcha.png http://127.0.0.1:8080/anticaptcha/math
    Zipkin UI  http://127.0.0.1:9411/zipkin/
    Hot reload edit a copy of k8s/base/data-service/config-data.json, then
               scripts/configmap-swap.sh $CONFIG_DIR /path/to/config-data.json
    TCP echo   business-v1 127.0.0.1:9001, business-v2 127.0.0.1:9002
    Logs       $LOGS/
    Stop       scripts/local.sh down
TXT
}

down() {
  step "Stopping what scripts/local.sh up started"
  stop_processes "$RUN"
  info "done"
}

status() {
  local name any=""
  for name in zipkin data-service captcha-service business-v1 business-v2 gateway-service; do
    if process_alive "$RUN" "$name"; then
      printf '    %-15s running (pid %s)\n' "$name" "$(<"$RUN/pids/$name.pid")"
      any=1
    else
      printf '    %-15s stopped\n' "$name"
    fi
  done
  [[ -n $any ]] && echo "    logs: $LOGS/"
  return 0
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
