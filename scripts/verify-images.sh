#!/usr/bin/env bash
# Proves the Jib image configuration offline: no registry, no Docker engine.
#
#   1. A base image assembled here (scripts/images/build-base.sh): a jlink'd JRE from the local JDK on a
#      root filesystem of a few files, as a `docker save` tar. Built once, cached in .tools/images/.
#   2. The apps' images with the project's own Jib configuration, `jib:buildTar` on that base
#      (-Djib.from.image=tar://...): one target/jib-image.tar per app. The real images
#      (jib:dockerBuild, jib:build) use the same configuration on eclipse-temurin.
#   3. Each tar read without a container tool (scripts/images/check-image.py): user, entrypoint and JVM
#      flags, main class and classpath present, ports and user equal to the Deployment in k8s/, labels;
#      and a self-test per image: mistakes seeded into its config, each caught by the right check.
#      jdeps: every Java module the images' classes and jars need is in the base JRE.
#   4. One image run with podman (runc) the way Kubernetes runs it: read-only root filesystem with a tmpfs
#      /tmp, all capabilities dropped, no-new-privileges, a 512 MiB memory limit, JAVA_TOOL_OPTIONS as in
#      the Deployment. Checks /actuator/health is UP, the process runs as uid 1000, then stops it on SIGTERM
#      and removes the container and the image. Then the Docker users' goal, jib:dockerBuild, with
#      podman's CLI standing in for docker's (-Djib.dockerClient.executable).
#   5. Python syntax of scripts/images/check-image.py (scripts/lint.sh shellchecks the shell scripts).
#
#   scripts/verify-images.sh        everything; the last line is "N passed, N failed"
#
#   IMAGES_APPS=a,b     the modules to build (default: every module of the root pom whose pom.xml
#                       declares jib-maven-plugin)
#   IMAGES_RUN_APP=x    the app to run with podman (default data-service; "none" skips step 4)
#   IMAGES_PODMAN_FIRST_ATTEMPT=N   start at the Nth way of running podman (see step 4; to test fallbacks)
#
# Installs podman and runc with apt-get when they are missing (root only; versions in tools/versions.env).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=SCRIPTDIR/../tools/versions.env
source "$ROOT/tools/versions.env"

CACHE="$ROOT/.tools/images"
LOGS="$ROOT/.run/verify-images"
mkdir -p "$CACHE" "$LOGS"
WORK=$(mktemp -d)
CONTAINER=mesh-guide-verify-images
LOADED_IMAGE=""
PODMAN=(podman --runtime runc)
cleanup() {
  if command -v podman >/dev/null 2>&1; then
    "${PODMAN[@]}" rm -f -i "$CONTAINER" >/dev/null 2>&1
    [[ -z $LOADED_IMAGE ]] || "${PODMAN[@]}" rmi -f "$LOADED_IMAGE" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"
started=$SECONDS
elapsed() { printf '%ss' $((SECONDS - $1)); }

# The image coordinates and the modules, read from the root pom.
pom_value() {
  python3 - "$ROOT/pom.xml" "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = ET.parse(sys.argv[1]).getroot()
if sys.argv[2] == "modules":
    print(",".join(m.text.strip() for m in root.findall("m:modules/m:module", ns)))
else:
    print(root.find("m:properties/m:" + sys.argv[2], ns).text.strip())
PY
}
registry=$(pom_value image.registry)
tag=$(pom_value image.tag)
if [[ -n ${IMAGES_APPS:-} ]]; then
  apps=${IMAGES_APPS}
else
  apps=""
  IFS=, read -ra modules <<<"$(pom_value modules)"
  for module in "${modules[@]}"; do
    if grep -q '<artifactId>jib-maven-plugin</artifactId>' "$ROOT/$module/pom.xml" 2>/dev/null; then apps="${apps:+$apps,}$module"; fi
  done
fi
IFS=, read -ra APPS <<<"$apps"
RUN_APP=${IMAGES_RUN_APP:-data-service}
# Modest heaps: other work shares this machine. Maven's own default is a quarter of the RAM.
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx768m}

# --- 0. tools -------------------------------------------------------------------------------------------
step "Tools"
missing_tools=()
for tool in java jlink jdeps mvn python3 curl tar; do command -v "$tool" >/dev/null 2>&1 || missing_tools+=("$tool"); done
if ((${#missing_tools[@]} > 0)); then
  fail "tools" "missing: ${missing_tools[*]} (Debian: apt-get install openjdk-17-jdk-headless maven python3 curl)"
  checks_summary || exit 1
fi
info "JDK $(java -version 2>&1 | head -1), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), Python $(python3 -c 'import platform; print(platform.python_version())')"

# shellcheck source=scripts/lib/apt.sh
source "$ROOT/scripts/lib/apt.sh"
if [[ $RUN_APP != none ]]; then
  for pkg in podman:$PODMAN_DEB_VERSION runc:$RUNC_DEB_VERSION; do
    name=${pkg%%:*}
    command -v "$name" >/dev/null 2>&1 || apt_install "$name" "${pkg#*:}" "$LOGS/apt-$name.log" \
      || fail "install $name" "log: $LOGS/apt-$name.log"
  done
  if command -v podman >/dev/null 2>&1 && command -v runc >/dev/null 2>&1; then
    have_podman="podman $(deb_version podman), runc $(deb_version runc)"
    [[ $(deb_version podman) == "$PODMAN_DEB_VERSION" && $(deb_version runc) == "$RUNC_DEB_VERSION" ]] \
      || have_podman="$have_podman (pins: podman $PODMAN_DEB_VERSION, runc $RUNC_DEB_VERSION)"
    pass "$have_podman"
  fi
fi

# --- 1. the base image ------------------------------------------------------------------------------------
step "Base image: jlink'd JRE on a minimal root filesystem (cached in ${CACHE#"$ROOT"/})"
# shellcheck source=scripts/lib/base-image.sh
source "$ROOT/scripts/lib/base-image.sh"
java_home=$BASE_JAVA_HOME
java_version=$BASE_JAVA_VERSION
BASE=$(base_image_tar)
if [[ -s $BASE ]]; then
  pass "base image ${BASE#"$ROOT"/} (cached, $(du -h "$BASE" | cut -f1))"
else
  t=$SECONDS
  if ensure_base_image_tar "$LOGS/base.log"; then
    pass "base image ${BASE#"$ROOT"/} built in $(elapsed "$t") ($(du -h "$BASE" | cut -f1))"
    sed 's/^/    /' "$LOGS/base.log"
  else
    fail "base image" "$(tail -20 "$LOGS/base.log")"
  fi
fi
info "production base: $(pom_value jib.from.image) -- the CI base carries the local JDK's $java_version"

# --- 2. jib:buildTar --------------------------------------------------------------------------------------
step "Jib: ${APPS[*]} -> target/jib-image.tar"
built=()
if [[ -s $BASE ]]; then
  for app in "${APPS[@]}"; do rm -f "$ROOT/$app/target/jib-image.tar"; done
  t=$SECONDS
  # The same two steps as for Docker users (scripts/up-istio.sh): install the apps and what they depend
  # on, then run Jib on the apps only (Jib would refuse a library module: it has no main class).
  # maven.test.skip: images hold no test classes, so tests are neither compiled nor run here
  # (mvn verify runs them).
  info "mvn install -pl $apps -am (log: ${LOGS#"$ROOT"/}/maven-install.log)"
  if ! (cd "$ROOT" && nice -n 10 mvn -B -ntp -Dmaven.test.skip=true install -pl "$apps" -am) >"$LOGS/maven-install.log" 2>&1; then
    fail "mvn install -pl $apps -am" "$(grep -E '^\[ERROR\]' "$LOGS/maven-install.log" | head -20)"
  else
    pass "mvn install -pl $apps -am ($(elapsed "$t"))"
    t=$SECONDS
    info "mvn jib:buildTar -pl $apps -Djib.from.image=tar://${BASE#"$ROOT"/} (log: ${LOGS#"$ROOT"/}/jib.log)"
    # Jib's cache of base image layers goes next to the base, not into the user's ~/.cache.
    (cd "$ROOT" && nice -n 10 mvn -B -ntp -pl "$apps" jib:buildTar "-Djib.from.image=tar://$BASE" "-Djib.from.platforms=$BASE_PLATFORM" \
      "-Djib.baseImageCache=$CACHE/jib-base-cache" -Djib.disableUpdateChecks=true) >"$LOGS/jib.log" 2>&1
    status=$?
    for app in "${APPS[@]}"; do
      tar_file="$ROOT/$app/target/jib-image.tar"
      if [[ -s $tar_file ]]; then
        built+=("$app")
        pass "jib:buildTar $app -> target/jib-image.tar ($(du -h "$tar_file" | cut -f1))"
      else
        fail "jib:buildTar $app" "$(grep -E '^\[ERROR\]' "$LOGS/jib.log" | head -10)"
      fi
    done
    ((status == 0)) || [[ ${#built[@]} -lt ${#APPS[@]} ]] || fail "mvn jib:buildTar exit status" "status $status; log: $LOGS/jib.log"
    info "Jib took $(elapsed "$t")"
  fi
fi

# --- 3. the tars, read without a container tool -----------------------------------------------------------
step "Image configuration, read from each tar"
for app in "${built[@]}"; do
  python3 "$ROOT/scripts/images/check-image.py" "$ROOT/$app/target/jib-image.tar" --app "$app" \
    --ref "$registry/$app:$tag" --k8s "$ROOT/k8s" --extract "$WORK/classpath" --self-test >"$LOGS/check-$app.log" 2>&1
  checks_from "$LOGS/check-$app.log" "$app: "
done

if ((${#built[@]} > 0)) && [[ -s $BASE ]]; then
  # The modules the base JRE has (its release file) against the modules the shipped code needs.
  layer=$(tar -tf "$BASE" | grep '/layer\.tar$')
  have=$(tar -xOf "$BASE" "$layer" | tar -xOf - opt/java/openjdk/release | sed -n 's/^MODULES="\(.*\)"$/\1/p' | tr ' ' '\n' | sort)
  # Each jar once (the apps share most of them); jdeps with a small heap.
  declare -A seen_jars=()
  jars=() class_dirs=()
  for app in "${built[@]}"; do
    class_dirs+=("$WORK/classpath/$app/app/classes")
    for jar in "$WORK/classpath/$app"/app/libs/*.jar; do
      [[ -e $jar && -z ${seen_jars[${jar##*/}]:-} ]] || continue
      seen_jars[${jar##*/}]=1
      jars+=("$jar")
    done
  done
  if need=$(nice -n 10 "$java_home/bin/jdeps" -J-Xmx256m --ignore-missing-deps --print-module-deps --multi-release "${java_version%%.*}" \
    "${jars[@]}" "${class_dirs[@]}" 2>"$LOGS/jdeps.err"); then
    lacking=$(comm -23 <(tr ',' '\n' <<<"$need" | sort) <(cat <<<"$have"))
    if [[ -z $lacking ]]; then
      pass "jdeps: the ${#jars[@]} distinct jars and ${#class_dirs[@]} class folders in the images need $(tr ',' ' ' <<<"$need" | wc -w) modules, all in the base JRE"
    else
      fail "jdeps: modules needed but not in the base JRE: $(paste -sd' ' - <<<"$lacking")" "add them to scripts/images/jre-modules.txt"
    fi
  else
    fail "jdeps over the images' classpath" "$(tail -5 "$LOGS/jdeps.err")"
  fi
fi

# --- 4. run one image with podman -------------------------------------------------------------------------
step "podman: run $RUN_APP as Kubernetes would, then stop it"
# A health/actuator JSON's top-level status.
status_of() { curl -fsS --max-time 2 "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null; }
# run_attempt NAME GLOBAL_OPTS_VAR RUN_OPTS_VAR APP_ARGS_VAR: loads the image, starts the container.
run_attempt() {
  local -n global=$2 opts=$3 app_args=$4
  PODMAN=(podman --runtime runc "${global[@]}")
  local out previous
  "${PODMAN[@]}" rm -f -i "$CONTAINER" >/dev/null 2>&1
  previous=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$registry/$RUN_APP:$tag" 2>/dev/null)
  if ! out=$("${PODMAN[@]}" load -i "$ROOT/$RUN_APP/target/jib-image.tar" 2>&1); then
    attempt_errors+=("$1: podman load: $(tail -3 <<<"$out")")
    return 1
  fi
  LOADED_IMAGE=$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$registry/$RUN_APP:$tag" 2>/dev/null)
  # An image an interrupted run left under this tag is now untagged: remove it.
  if [[ -n $previous && $previous != "$LOADED_IMAGE" ]] \
    && [[ $("${PODMAN[@]}" image inspect --format '{{len .RepoTags}}' "$previous" 2>/dev/null) == 0 ]]; then
    "${PODMAN[@]}" rmi -f "$previous" >/dev/null 2>&1
  fi
  run_started=$SECONDS
  if out=$("${PODMAN[@]}" run -d --name "$CONTAINER" "${opts[@]}" "$registry/$RUN_APP:$tag" "${app_args[@]}" 2>&1); then
    attempt_used=$1
    return 0
  fi
  attempt_errors+=("$1: $(tail -3 <<<"$out")")
  "${PODMAN[@]}" rm -f -i "$CONTAINER" >/dev/null 2>&1
  "${PODMAN[@]}" rmi -f "$LOADED_IMAGE" >/dev/null 2>&1
  LOADED_IMAGE=""
  return 1
}

if [[ $RUN_APP == none ]]; then
  info "skipped (IMAGES_RUN_APP=none)"
elif [[ ! -s $ROOT/$RUN_APP/target/jib-image.tar ]]; then
  fail "podman run $RUN_APP" "no image tar (see the Jib step)"
elif ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  fail "podman run $RUN_APP" "podman and runc are not installed"
else
  port=$((28000 + RANDOM % 1000))
  while port_in_use 127.0.0.1 "$port"; do port=$((port + 1)); done
  # What the Deployment gives the container (k8s/base/<app>.yaml), short of the mesh. The explicit
  # ulimits are needed here: without them runc fails with "error setting rlimits for ready process:
  # error setting rlimit type 7: operation not permitted": podman's default limits for a container exceed
  # the hard limits of a sandbox like this one (nofile 20000), which may not be raised.
  k8s_like=(--read-only --tmpfs /tmp --cap-drop=ALL --security-opt=no-new-privileges --memory=512m
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024
    -e JAVA_TOOL_OPTIONS=-Xmx256m -e MANAGEMENT_TRACING_SAMPLING_PROBABILITY=0.0)
  expect_body=""
  if [[ $RUN_APP == data-service ]]; then
    # The ConfigMap's two env keys and its config-data.json, mounted as a folder like the volume.
    mkdir -p "$WORK/config"
    cp "$ROOT/k8s/base/data-service/config-data.json" "$WORK/config/"
    chmod -R a+rX "$WORK/config"
    k8s_like+=(-e CONFIG_VALUE1=from-env-1 -e CONFIG_VALUE2=from-env-2 -v "$WORK/config:/app/config:ro")
    expect_body="config_value1=from-env-1"
  fi
  # shellcheck disable=SC2034 # used through the namerefs of run_attempt
  {
    no_args=() host_args=(--server.address=127.0.0.1 "--server.port=$port")
    default_global=() cgroupfs_global=(--cgroup-manager=cgroupfs --events-backend=file)
    # vfs in a store of its own: an existing overlay store refuses to be opened with another driver.
    vfs_global=("${cgroupfs_global[@]}" --storage-driver=vfs --root="$CACHE/podman-vfs/root" --runroot="$CACHE/podman-vfs/run")
    bridge_opts=("${k8s_like[@]}" -p "127.0.0.1:$port:8080")
    host_opts=("${k8s_like[@]}" --network=host)
  }
  # The first that starts wins; the others are what to try when a sandbox refuses systemd cgroups, bridge
  # networking or overlay storage (all errors are printed if every one fails). Not here: --cgroups=disabled,
  # which runc refuses ("not compatible with NoCgroups"; only crun supports it).
  # IMAGES_PODMAN_FIRST_ATTEMPT=N starts at the Nth, to exercise the fallbacks on a machine that needs none.
  attempts=(
    "default|default_global|bridge_opts|no_args"
    "cgroupfs, events in a file|cgroupfs_global|bridge_opts|no_args"
    "cgroupfs, events in a file, host network|cgroupfs_global|host_opts|host_args"
    "vfs storage, cgroupfs, events in a file, host network|vfs_global|host_opts|host_args"
  )
  attempt_errors=()
  attempt_used=""
  run_started=$SECONDS
  for attempt in "${attempts[@]:$((${IMAGES_PODMAN_FIRST_ATTEMPT:-1} - 1))}"; do
    IFS='|' read -r a_name a_global a_opts a_args <<<"$attempt"
    run_attempt "$a_name" "$a_global" "$a_opts" "$a_args" && break
  done
  if [[ -z $attempt_used ]]; then
    fail "podman run $RUN_APP" "$(printf '%s\n' "${attempt_errors[@]}")"
  else
    pass "podman ${PODMAN[*]:1} run $RUN_APP ($attempt_used; read-only root, tmpfs /tmp, no capabilities, 512m) on 127.0.0.1:$port"
    for e in "${attempt_errors[@]}"; do warn "earlier attempt failed: $e"; done
    base_url="http://127.0.0.1:$port"
    deadline=$((SECONDS + 180))
    health=""
    while ((SECONDS < deadline)); do
      health=$(status_of "$base_url/actuator/health")
      [[ $health == UP ]] && break
      [[ $("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null) == true ]] || break
      sleep 0.5
    done
    "${PODMAN[@]}" logs "$CONTAINER" >"$LOGS/container-$RUN_APP.log" 2>&1
    if [[ $health == UP ]]; then
      pass "/actuator/health is UP $((SECONDS - run_started))s after podman run"
    else
      fail "/actuator/health UP within 180 s (last: ${health:-no answer})" "$(tail -20 "$LOGS/container-$RUN_APP.log")"
    fi
    pid=$("${PODMAN[@]}" inspect -f '{{.State.Pid}}' "$CONTAINER" 2>/dev/null)
    if [[ $health == UP && -r /proc/$pid/status ]]; then
      check "the container's java process runs as uid 1000 (not root)" \
        grep -qE '^Uid:\s+1000\s+1000\s+1000\s+1000' "/proc/$pid/status"
      check "the container's java process runs as gid 1000" grep -qE '^Gid:\s+1000\s+1000\s+1000\s+1000' "/proc/$pid/status"
      check "the process has no capabilities and no-new-privileges" \
        bash -c "grep -qE '^CapEff:\s+0+$' /proc/$pid/status && grep -qE '^NoNewPrivs:\s+1$' /proc/$pid/status"
      check "its root filesystem is mounted read-only" bash -c "awk '\$5 == \"/\" {print \$6}' /proc/$pid/mountinfo | grep -q '^ro'"
      check "JAVA_TOOL_OPTIONS from the Deployment is picked up" grep -q 'Picked up JAVA_TOOL_OPTIONS: -Xmx256m' "$LOGS/container-$RUN_APP.log"
      for group in liveness readiness; do
        check "/actuator/health/$group (the pod's probe) is UP" bash -c "[[ \$(curl -fsS --max-time 2 $base_url/actuator/health/$group) == *'\"status\":\"UP\"'* ]]"
      done
      check "/actuator/prometheus (the pod's scrape annotation) answers" curl -fsS -o /dev/null --max-time 5 "$base_url/actuator/prometheus"
      if [[ -n $expect_body ]]; then
        body=$(curl -fsS --max-time 5 "$base_url/" 2>&1)
        if [[ $body == *"$expect_body"* && $body == *'"key1"'* ]]; then
          pass "GET / shows the env values and the mounted config-data.json"
        else
          fail "GET / shows the env values and the mounted config-data.json" "$body"
        fi
      fi
    fi
    t=$SECONDS
    "${PODMAN[@]}" stop -t 20 "$CONTAINER" >/dev/null 2>&1
    code=$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$CONTAINER" 2>/dev/null)
    "${PODMAN[@]}" logs "$CONTAINER" >"$LOGS/container-$RUN_APP.log" 2>&1
    if [[ $code == 0 || $code == 143 ]]; then
      pass "stops on SIGTERM in $((SECONDS - t))s (exit code $code)"
    else
      fail "stops on SIGTERM within 20 s" "exit code ${code:-?}; log: $LOGS/container-$RUN_APP.log"
    fi
    "${PODMAN[@]}" rm -f "$CONTAINER" >/dev/null 2>&1
    image_id=$LOADED_IMAGE
    if "${PODMAN[@]}" rmi -f "$image_id" >/dev/null 2>&1; then LOADED_IMAGE=""; fi
    check "container and image removed" \
      bash -c "! ${PODMAN[*]} container exists $CONTAINER && ! ${PODMAN[*]} image exists $image_id"

    # The Docker users' goal, jib:dockerBuild, end to end short of pulling eclipse-temurin: Jib talks to
    # its "Docker" through the CLI (docker info, docker load), and podman's CLI answers for it.
    if [[ $attempt_used == vfs* ]]; then
      info "jib:dockerBuild with podman skipped (podman's default store does not work here)"
    else
      t=$SECONDS
      if (cd "$ROOT" && nice -n 10 mvn -B -ntp -pl "$RUN_APP" jib:dockerBuild "-Djib.from.image=tar://$BASE" "-Djib.from.platforms=$BASE_PLATFORM" \
        "-Djib.baseImageCache=$CACHE/jib-base-cache" -Djib.disableUpdateChecks=true \
        "-Djib.dockerClient.executable=$(command -v podman)") >"$LOGS/jib-dockerBuild.log" 2>&1; then
        LOADED_IMAGE=$(podman image inspect --format '{{.Id}}' "$registry/$RUN_APP:$tag" 2>/dev/null)
        user=$(podman image inspect --format '{{.Config.User}}' "$registry/$RUN_APP:$tag" 2>/dev/null)
        if [[ -n $LOADED_IMAGE && $user == 1000:1000 ]]; then
          pass "jib:dockerBuild $RUN_APP, podman as the Docker client ($(elapsed "$t")): $registry/$RUN_APP:$tag, user $user"
        else
          fail "jib:dockerBuild $RUN_APP with podman" "image ${LOADED_IMAGE:-missing}, user '$user'"
        fi
        if [[ -n $LOADED_IMAGE ]] && podman rmi -f "$LOADED_IMAGE" >/dev/null 2>&1; then LOADED_IMAGE=""; fi
      else
        fail "jib:dockerBuild $RUN_APP with podman as the Docker client" \
          "$(grep -E '^\[ERROR\]' "$LOGS/jib-dockerBuild.log" | head -5)"
      fi
    fi
  fi
fi

# --- 5. Python syntax (scripts/lint.sh shellchecks every script) ------------------------------------------
check "scripts/images/check-image.py is valid Python 3" \
  python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" "$ROOT/scripts/images/check-image.py"

# --- summary ----------------------------------------------------------------------------------------------
info "took $(elapsed "$started"); logs in ${LOGS#"$ROOT"/}/"
checks_summary
