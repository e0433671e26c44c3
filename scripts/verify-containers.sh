#!/usr/bin/env bash
# The apps as containers, for real, through a Docker API (Docker's, or podman's: scripts/docker-api.sh):
#
#   1. images: the local stand-ins for what this machine cannot pull (scripts/images/build-local-images.sh),
#      then `mvn -Pcontainers verify`: jib:dockerBuild of the five apps (on the CI base) and the Testcontainers
#      tests of integration-tests/ (*ContainersIT) against those images. Ryuk, Testcontainers' reaper, cannot be
#      pulled here: on podman it is off, and this script checks that the tests left no container or network
#   2. docker compose up (docker-compose.yml with the captcha profile): the chain answers on the published
#      port; both business containers answer behind the one name `business` over time (the gateway's JVM
#      caches DNS for 30 s: stopping the instance it uses moves it to the other); one request is one trace in
#      Zipkin with the spans of every app on its path; a ConfigMap-style swap of the mounted config folder
#      shows at the gateway within 5 s; a captcha upload is answered; every app container runs as uid 1000
#      on a read-only root; busybox's wget and the curl image answer from inside the network
#      Before these, the quick start's compose commands run as a reader types them (default ports, upstream
#      image names resolved to the stand-ins); DOCS_SNIPPETS_UPDATE=1 records their output into the guide
#   3. docker compose down leaves no container, network or volume; nothing of this run is left in the engine
#
#   scripts/verify-containers.sh        the last line is "N passed, N failed"
#
# Users keep the upstream images (openzipkin/zipkin, busybox, curlimages/curl) and the Temurin base; this
# stage never pulls, so it runs the same way without registry access.
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"
# shellcheck source=scripts/lib/base-image.sh
source "$ROOT/scripts/lib/base-image.sh"

LOGS="$ROOT/.run/verify-containers"
rm -rf "$LOGS"
mkdir -p "$LOGS"
PROJECT=mesh-guide
APPS=gateway-service,business-v1,business-v2,data-service,captcha-service
CONFIG_DIR="$LOGS/data-config"
RELOAD_DEADLINE=5
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx768m}
started_api=0
cd "$ROOT" || exit 1

cleanup() {
  if docker version >/dev/null 2>&1; then
    compose --profile captcha --profile tools down --volumes --remove-orphans --timeout 20 >>"$LOGS/compose-down.log" 2>&1
  fi
  ((started_api == 0)) || bash "$ROOT/scripts/docker-api.sh" down >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 0. a Docker API, the docker CLI, compose -------------------------------------------------------------
step "Docker API, docker CLI, docker compose"
if ! command -v docker >/dev/null 2>&1; then
  bash "$ROOT/scripts/install-tools.sh" docker-cli >"$LOGS/install-docker-cli.log" 2>&1 \
    || { fail "the docker CLI $DOCKER_CLI_VERSION" "$(tail -5 "$LOGS/install-docker-cli.log")"; checks_summary; exit 1; }
  export PATH="$ROOT/.tools/bin:$PATH"
fi
if ! docker version >/dev/null 2>&1; then
  bash "$ROOT/scripts/docker-api.sh" up >"$LOGS/docker-api.log" 2>&1 || { fail "podman's Docker API" "$(tail -5 "$LOGS/docker-api.log")"; checks_summary; exit 1; }
  started_api=1
  eval "$(bash "$ROOT/scripts/docker-api.sh" env)"
fi
engine=$(docker version --format '{{with index .Server.Components 0}}{{.Name}} {{.Version}}{{end}} (API {{.Server.APIVersion}})' 2>/dev/null)
pass "a Docker API answers: ${engine:-?} at ${DOCKER_HOST:-the default socket}"
if [[ $engine == Podman* ]]; then
  # Testcontainers' reaper is an image this machine cannot pull; the tests stop what they start, and the
  # check after them proves it.
  export TESTCONTAINERS_RYUK_DISABLED=true
fi
if ! docker compose version >/dev/null 2>&1; then
  bash "$ROOT/scripts/install-tools.sh" compose >"$LOGS/install-compose.log" 2>&1 \
    || { fail "docker compose $COMPOSE_VERSION" "$(tail -5 "$LOGS/install-compose.log")"; checks_summary; exit 1; }
  export DOCKER_CONFIG="$ROOT/.tools/docker"
fi
pass "docker compose $(docker compose version --short 2>/dev/null) (client $(docker version --format '{{.Client.Version}}'))"

# --- 1. images and the Testcontainers tests ---------------------------------------------------------------
step "Images: local stand-ins, then mvn -Pcontainers verify (jib:dockerBuild + Testcontainers)"
t=$SECONDS
if bash "$ROOT/scripts/images/build-local-images.sh" >"$LOGS/local-images.log" 2>&1; then
  pass "local stand-in images ($((SECONDS - t)) s): $(grep -o 'mesh-guide/[a-z-]*:[0-9.]*' "$LOGS/local-images.log" | sort -u | paste -sd' ' -)"
else
  fail "local stand-in images" "$(tail -5 "$LOGS/local-images.log")"
fi
declare -A stand_in=()
while IFS='=' read -r key value; do stand_in[$key]=$value; done < <(bash "$ROOT/scripts/images/build-local-images.sh" --print-env)

pins_in_tests() {
  local java="$ROOT/integration-tests/src/test/java/org/meshguide/it/AppContainers.java"
  if ! grep -q "\"openzipkin/zipkin:$ZIPKIN_VERSION\"" "$java" || ! grep -q "\"$BUSYBOX_IMAGE\"" "$java"; then
    echo "AppContainers.java's default images differ from tools/versions.env (openzipkin/zipkin:$ZIPKIN_VERSION, $BUSYBOX_IMAGE)"
    return 1
  fi
}
check "the Testcontainers tests default to the images tools/versions.env pins" pins_in_tests

platforms_declared() {
  python3 - "$ROOT/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = ET.parse(sys.argv[1]).getroot()
found = set()
for plugin in root.iterfind(".//m:pluginManagement/m:plugins/m:plugin", ns):
    if plugin.findtext("m:artifactId", namespaces=ns) == "jib-maven-plugin":
        for p in plugin.iterfind("m:configuration/m:from/m:platforms/m:platform", ns):
            found.add(p.findtext("m:os", namespaces=ns) + "/" + p.findtext("m:architecture", namespaces=ns))
print(" ".join(sorted(found)))
sys.exit(0 if found == {"linux/amd64", "linux/arm64"} else 1)
PY
}
check "Jib builds linux/amd64 and linux/arm64 images where the base has both (root pom.xml)" platforms_declared

t=$SECONDS
info "mvn -Pcontainers verify -pl $APPS,integration-tests -am (log: ${LOGS#"$ROOT"/}/maven.log)"
# -Dtest=NONE: the unit tests ran in the maven stage; -Dit.test: only the container tests of integration-tests
if nice -n 10 mvn -B -ntp -Pcontainers verify -pl "$APPS,integration-tests" -am \
  "-Djib.from.image=docker://$BASE_IMAGE_NAME" "-Djib.from.platforms=$BASE_PLATFORM" -Djib.disableUpdateChecks=true \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false '-Dit.test=*ContainersIT' \
  "-Dmeshguide.zipkin.image=${stand_in[ZIPKIN_IMAGE]}" "-Dmeshguide.busybox.image=${stand_in[BUSYBOX_IMAGE]}" \
  >"$LOGS/maven.log" 2>&1; then
  pass "mvn -Pcontainers verify ($((SECONDS - t)) s): $(grep -E '^\[INFO\] Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: 0$' "$LOGS/maven.log" | tail -1 | sed 's/^\[INFO\] //') in *ContainersIT"
else
  fail "mvn -Pcontainers verify" "$(grep -E '^\[ERROR\]|Tests run:.*Fail' "$LOGS/maven.log" | head -20)"
fi
for app in ${APPS//,/ }; do
  size=$(docker image inspect --format '{{.Size}}' "$PROJECT/$app:0.1.0" 2>/dev/null)
  if [[ -n $size ]]; then
    arch=$(docker image inspect --format '{{.Os}}/{{.Architecture}}' "$PROJECT/$app:0.1.0")
    pass "image $PROJECT/$app:0.1.0 in the engine: $(numfmt --to=iec "$size"), $arch, user $(docker image inspect --format '{{.Config.User}}' "$PROJECT/$app:0.1.0")"
  else
    fail "image $PROJECT/$app:0.1.0 in the engine" "jib:dockerBuild did not put it there; see $LOGS/maven.log"
  fi
done
testcontainers_left() {
  local left
  left=$(docker ps -aq --filter label=org.testcontainers=true)
  [[ -z $left ]] && [[ -z $(docker network ls -q --filter label=org.testcontainers=true) ]] && return 0
  echo "left behind: containers $(paste -sd' ' - <<<"$left"), networks $(docker network ls -q --filter label=org.testcontainers=true | paste -sd' ' -)"
  # the cleanup Ryuk would have done, so that the next run starts clean
  [[ -z $left ]] || docker rm -f "$left" >/dev/null 2>&1
  docker network ls -q --filter label=org.testcontainers=true | xargs -r docker network rm >/dev/null 2>&1
  return 1
}
check "the Testcontainers tests left no container or network behind" testcontainers_left

# --- 2. docker compose ------------------------------------------------------------------------------------
free_port() {
  local port=$((20000 + RANDOM % 10000))
  while port_in_use 127.0.0.1 "$port"; do port=$((port + 1)); done
  echo "$port"
}
step "The guide's docker compose commands, as a reader runs them (docs/snippets/00-quick-start-compose.sh)"
guide_commands() {
  local update=()
  [[ -z ${DOCS_SNIPPETS_UPDATE:-} ]] || update=(--update)
  if port_in_use 127.0.0.1 8080; then
    echo "127.0.0.1:8080 is taken; the guide's commands publish the gateway there"
    return 1
  fi
  # Zipkin's port appears in no command the guide shows: a free one, so that a local mesh (whose Zipkin has
  # 127.0.0.1:9411) may run beside this stage
  ZIPKIN_PORT=$(free_port) python3 "$ROOT/scripts/docs-snippets.py" run --requires compose "${update[@]}" >"$LOGS/guide-commands.log" 2>&1 \
    || { grep -E 'FAIL|exited' -A5 "$LOGS/guide-commands.log" | head -30; return 1; }
  grep -E '^docs-snippets:' "$LOGS/guide-commands.log"
}
check "every docker compose command of the quick start runs (up, curl, busybox wget, curl image, down)" guide_commands

step "docker compose up (docker-compose.yml, profile captcha)"
GATEWAY_PORT=$(free_port)
ZIPKIN_PORT=$(free_port)
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
ZIPKIN="http://127.0.0.1:$ZIPKIN_PORT"
compose() {
  env ZIPKIN_IMAGE="${stand_in[ZIPKIN_IMAGE]}" BUSYBOX_IMAGE="${stand_in[BUSYBOX_IMAGE]}" CURL_IMAGE="${stand_in[CURL_IMAGE]}" \
    GATEWAY_PORT="$GATEWAY_PORT" ZIPKIN_PORT="$ZIPKIN_PORT" DATA_CONFIG_DIR="$CONFIG_DIR" \
    docker compose --project-directory "$ROOT" -f "$ROOT/docker-compose.yml" "$@"
}
# The mounted config: a folder updated the kubelet's way (scripts/configmap-swap.sh), started from the file
# the ConfigMap is generated from.
bash "$ROOT/scripts/configmap-swap.sh" "$CONFIG_DIR" "$ROOT/k8s/base/data-service/config-data.json" >/dev/null
chmod -R a+rX "$LOGS"

expected_body() {
  local version=$1 config
  if [[ $version == V1 ]]; then
    printf 'Gateway get from upstream: [\n\n response from: business V1\n\n]\n'
  else
    config=$(cat "$CONFIG_DIR/config-data.json")
    printf 'Gateway get from upstream: [\n\n response from: business V2, args: <data from data-service: [config_value1=42, config_value2=foo, config-data.json=%s] >\n\n]\n' "$config"
  fi
}
# serving_version: V1 or V2, the business instance the gateway reaches now (empty when it does not answer)
serving_version() { curl -fsS --max-time 5 "$GATEWAY/" 2>/dev/null | grep -o 'business V[12]' | head -1 | cut -d' ' -f2; }

t=$SECONDS
if compose --profile captcha up -d >"$LOGS/compose-up.log" 2>&1; then
  pass "docker compose --profile captcha up -d ($((SECONDS - t)) s): $(compose ps --format '{{.Service}}' | sort | paste -sd' ' -)"
else
  fail "docker compose up" "$(tail -10 "$LOGS/compose-up.log")"
fi
if wait_until "the gateway on 127.0.0.1:$GATEWAY_PORT" 240 bash -c "curl -fsS --max-time 5 $GATEWAY/ | grep -q 'business V'"; then
  pass "the chain answers on the published port $((SECONDS - t)) s after compose up"
else
  fail "the chain answers on the published port within 240 s" "$(compose logs --tail 20 gateway-service 2>&1)"
fi
compose ps --format '{{.Service}} {{.Status}}' >"$LOGS/compose-ps.txt" 2>&1

body_is_seed_shaped() {
  local body version
  body=$(curl -fsS --max-time 5 "$GATEWAY/") || return 1
  version=$(grep -o 'business V[12]' <<<"$body" | cut -d' ' -f2)
  [[ $body$'\n' == "$(expected_body "$version")"$'\n' ]] || { printf 'got:\n%s\nexpected:\n%s\n' "$body" "$(expected_body "$version")"; return 1; }
  echo "business $version"
}
check "GET / through the gateway's published port is the seed's body (gateway wraps business wraps data)" body_is_seed_shaped

business_has_both() {
  local answer
  answer=$(compose run --rm -T busybox nslookup business 2>/dev/null)
  (($(grep -cE '^Address: [0-9.]+$' <<<"$answer") == 2)) || { echo "$answer"; return 1; }
}
check "the name business resolves to both business containers (compose network aliases)" business_has_both

trace_of_one_request() {
  local trace_id span_id body
  trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  span_id=${trace_id:0:16}
  curl -fsS -o /dev/null --max-time 5 -H "x-b3-traceid: $trace_id" -H "x-b3-spanid: $span_id" -H 'x-b3-sampled: 1' \
    "$GATEWAY/" || return 1
  local deadline=$((SECONDS + 20))
  until body=$(curl -fsS --max-time 5 "$ZIPKIN/api/v2/trace/$trace_id" 2>/dev/null) \
    && python3 - "$body" "$span_id" <<'PY'
import json, sys
spans, caller = json.loads(sys.argv[1]), sys.argv[2]
services = {s["localEndpoint"]["serviceName"] for s in spans}
ids = {s["id"] for s in spans}
want = {"gateway-service", "business-v2", "data-service"}
linked = all(s.get("parentId") in ids or s.get("parentId") == caller for s in spans)
print(f"{len(spans)} spans of {sorted(services)}, every parent in the trace: {linked}")
sys.exit(0 if services == want and len(spans) == 5 and linked else 1)
PY
  do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

config_swap_reaches_gateway() {
  local marker edited
  marker="swapped-$RANDOM"
  edited="$LOGS/edited/config-data.json"
  mkdir -p "$(dirname "$edited")"
  printf '{"key1": "value1", "marker": "%s"}\n' "$marker" >"$edited"
  chmod a+r "$edited"
  bash "$ROOT/scripts/configmap-swap.sh" "$CONFIG_DIR" "$edited" >/dev/null
  chmod -R a+rX "$CONFIG_DIR"
  local swapped=$SECONDS
  wait_until "the gateway to show $marker" "$RELOAD_DEADLINE" bash -c "curl -fsS --max-time 2 $GATEWAY/ | grep -q $marker" \
    || return 1
  echo "seen at the gateway within $((SECONDS - swapped + 1)) s"
  bash "$ROOT/scripts/configmap-swap.sh" "$CONFIG_DIR" "$ROOT/k8s/base/data-service/config-data.json" >/dev/null
  chmod -R a+rX "$CONFIG_DIR"
}

# The gateway sticks to the business instance its JVM resolved (DNS cached 30 s, connections kept alive):
# stopping that one is what makes the other answer. Whichever it is, the checks that need the v2 path
# (data-service in the trace, the config at the gateway) run while v2 answers.
first=$(serving_version)
info "the gateway reaches business ${first:-nothing}"
if [[ $first == V2 ]]; then
  check "one request through the gateway is one trace in Zipkin: gateway, business-v2, data-service (5 spans)" trace_of_one_request
  check "a ConfigMap-style swap of the mounted folder shows at the gateway within ${RELOAD_DEADLINE} s" config_swap_reaches_gateway
fi
if [[ -n $first ]]; then
  other=$([[ $first == V1 ]] && echo V2 || echo V1)
  stopped="business-$(tr 'V' 'v' <<<"$first")"
  compose stop "$stopped" >>"$LOGS/compose-stop.log" 2>&1
  t=$SECONDS
  if wait_until "business $other behind the gateway" 90 bash -c "curl -fsS --max-time 5 $GATEWAY/ | grep -q 'business $other'"; then
    pass "with $stopped stopped, the gateway reaches business $other after $((SECONDS - t)) s (its JVM's DNS cache expiring)"
  else
    fail "with $stopped stopped, business $other answers through the gateway within 90 s" "$(curl -sS --max-time 5 "$GATEWAY/" 2>&1 | head -5)"
  fi
  if [[ $first == V1 ]]; then
    check "one request through the gateway is one trace in Zipkin: gateway, business-v2, data-service (5 spans)" trace_of_one_request
    check "a ConfigMap-style swap of the mounted folder shows at the gateway within ${RELOAD_DEADLINE} s" config_swap_reaches_gateway
  fi
  compose start "$stopped" >>"$LOGS/compose-stop.log" 2>&1
fi

captcha_answered() {
  local answer
  wait_until "captcha-service ready" 120 bash -c "curl -fsS --max-time 30 -F img=@$ROOT/captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png $GATEWAY/anticaptcha/math" || return 1
  answer=$(curl -fsS --max-time 30 -F "img=@$ROOT/captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png" "$GATEWAY/anticaptcha/math")
  echo "$answer"
  python3 -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(0 if a["text"] == "3x4=?" and a["result"] == 12 else 1)' "$answer"
}
check "--profile captcha: curl -F img=@easy-arithmetic-3x4.png .../anticaptcha/math answers 3x4=? = 12" captcha_answered

hardened() {
  local service id pid problems=""
  for service in gateway-service business-v1 business-v2 data-service captcha-service; do
    id=$(compose ps -q "$service")
    [[ -n $id ]] || { problems+="$service: not running; "; continue; }
    [[ $(docker inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$id") == true ]] || problems+="$service: root filesystem writable; "
    pid=$(docker inspect --format '{{.State.Pid}}' "$id")
    grep -qE '^Uid:\s+1000\s+1000\s+1000\s+1000$' "/proc/$pid/status" 2>/dev/null || problems+="$service: process not uid 1000; "
  done
  [[ -z $problems ]] || { echo "$problems"; return 1; }
}
check "every app container runs as uid 1000 on a read-only root filesystem" hardened

in_network() {
  local body
  body=$(compose run --rm -T "$@" 2>/dev/null) || return 1
  grep -q '^Gateway get from upstream: \[' <<<"$body" || { echo "$body"; return 1; }
}
check "inside the network: docker compose run --rm busybox wget -qO- http://gateway-service:8080/" \
  in_network busybox wget -qO- http://gateway-service:8080/
check "inside the network: docker compose run --rm curl -s http://gateway-service:8080/" \
  in_network curl -s http://gateway-service:8080/

# --- 3. down ----------------------------------------------------------------------------------------------
step "docker compose down"
compose logs --no-color >"$LOGS/compose.log" 2>&1
t=$SECONDS
if compose --profile captcha --profile tools down --volumes --remove-orphans --timeout 20 >"$LOGS/compose-down.log" 2>&1; then
  pass "docker compose down ($((SECONDS - t)) s)"
else
  fail "docker compose down" "$(tail -5 "$LOGS/compose-down.log")"
fi
nothing_left() {
  local label="label=com.docker.compose.project=$PROJECT" left
  left="$(docker ps -aq --filter "$label")$(docker network ls -q --filter "$label")$(docker volume ls -q --filter "$label")"
  [[ -z $left ]] || { echo "left: $left"; return 1; }
  [[ -z $(docker ps -aq) ]] || { echo "containers in the engine: $(docker ps -a --format '{{.Names}}' | paste -sd' ' -)"; return 1; }
}
check "no container, network or volume of the project is left, and no container at all" nothing_left

info "logs in ${LOGS#"$ROOT"/}/"
checks_summary
