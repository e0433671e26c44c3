#!/usr/bin/env bash
# A Docker API for machines without a Docker engine: podman's Docker-compatible service on a unix socket
# under .run/podman/. docker (the CLI), docker compose, Jib's jib:dockerBuild and Testcontainers talk to it
# as they would to Docker. With a Docker engine that already answers, `up` leaves it alone and does nothing.
#
#   scripts/docker-api.sh up        start the service (installs podman and runc with apt-get when missing,
#                                   versions in tools/versions.env); prints the DOCKER_HOST to export
#   scripts/docker-api.sh down      stop the service `up` started
#   scripts/docker-api.sh env       the export line for this shell: eval "$(scripts/docker-api.sh env)"
#   scripts/docker-api.sh status    which engine answers, and where
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"
# shellcheck source=scripts/lib/apt.sh
source "$ROOT/scripts/lib/apt.sh"

RUN="$ROOT/.run/podman"
SOCKET="$RUN/podman.sock"
PID_FILE="$RUN/service.pid"
LOG="$RUN/service.log"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

# docker_answers [HOST]: a Docker API answers at HOST (default: the caller's DOCKER_HOST or Docker's own socket).
docker_answers() {
  local host=${1:-${DOCKER_HOST:-unix:///var/run/docker.sock}}
  [[ $host == unix://* ]] || return 1
  curl -fsS --max-time 2 --unix-socket "${host#unix://}" -o /dev/null http://d/_ping 2>/dev/null
}

ours_running() { [[ -f $PID_FILE ]] && kill -0 "$(<"$PID_FILE")" 2>/dev/null; }

# The service's containers.conf: runc (the runtime scripts/verify-images.sh pins), and default ulimits that a
# sandbox's hard limits allow. Podman's defaults exceed a nofile hard limit of 20000, and the service runs with
# at most 32768 processes of its own: above either, runc refuses to start a container ("error setting rlimit
# type 7 (or 6): operation not permitted").
write_containers_conf() {
  local nofile nproc
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  [[ $nofile == unlimited ]] && nofile=65536
  [[ $nproc == unlimited ]] && nproc=32768
  nofile=$((nofile < 65536 ? nofile : 65536))
  nproc=$((nproc < 32768 ? nproc : 32768))
  cat >"$RUN/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
events_logger = "file"
EOF
}

cmd_up() {
  if ours_running && docker_answers "unix://$SOCKET"; then
    info "podman's Docker API is already up at unix://$SOCKET"
    echo "export DOCKER_HOST=unix://$SOCKET"
    return 0
  fi
  if [[ -n ${DOCKER_HOST:-} && $DOCKER_HOST != "unix://$SOCKET" ]] && { [[ $DOCKER_HOST != unix://* ]] || docker_answers; }; then
    info "DOCKER_HOST=$DOCKER_HOST is set: nothing to start"
    return 0
  fi
  if [[ -z ${DOCKER_HOST:-} ]] && docker_answers; then
    info "a Docker engine answers at /var/run/docker.sock: nothing to start"
    return 0
  fi
  step "podman's Docker-compatible API"
  # dnsname: container names and network aliases resolve on podman's CNI networks (compose service names)
  local pkg name
  for pkg in podman:$PODMAN_DEB_VERSION runc:$RUNC_DEB_VERSION \
    golang-github-containernetworking-plugin-dnsname:$DNSNAME_DEB_VERSION; do
    name=${pkg%%:*}
    command -v "$name" >/dev/null 2>&1 || [[ -n $(deb_version "$name") ]] || apt_install "$name" "${pkg#*:}" "$RUN/apt-$name.log" \
      || die "could not install $name; see $RUN/apt-$name.log"
  done
  mkdir -p "$RUN"
  rm -f "$SOCKET"
  write_containers_conf
  # --time=0: the service stays until `down`, not until it has been idle for a few seconds.
  # shellcheck disable=SC2016 # $$ and $1/$2 belong to the inner bash
  CONTAINERS_CONF="$RUN/containers.conf" setsid -f bash -c 'echo $$ >"$1"; exec podman system service --time=0 "unix://$2"' \
    _ "$PID_FILE" "$SOCKET" >"$LOG" 2>&1 </dev/null
  wait_until "podman's Docker API to answer" 30 docker_answers "unix://$SOCKET" \
    || die "podman system service did not answer at $SOCKET; see $LOG"
  info "podman $(deb_version podman) answers the Docker API at unix://$SOCKET (pid $(<"$PID_FILE"), log: ${LOG#"$ROOT"/})"
  info "stop it with: scripts/docker-api.sh down"
  echo "export DOCKER_HOST=unix://$SOCKET"
}

cmd_down() {
  if ours_running; then
    local pid
    pid=$(<"$PID_FILE")
    kill "$pid"
    wait_until "podman system service to stop" 20 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    info "stopped podman's Docker API (pid $pid)"
  fi
  rm -f "$PID_FILE" "$SOCKET"
}

cmd_env() {
  if ours_running; then
    echo "export DOCKER_HOST=unix://$SOCKET"
  elif [[ -n ${DOCKER_HOST:-} ]] || docker_answers; then
    echo "# a Docker engine answers: DOCKER_HOST stays as it is"
  else
    die "no Docker API answers; start one with: scripts/docker-api.sh up"
  fi
}

cmd_status() {
  if ours_running && docker_answers "unix://$SOCKET"; then
    info "podman's Docker API: up at unix://$SOCKET (pid $(<"$PID_FILE"))"
  elif docker_answers; then
    info "a Docker engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}"
  else
    info "no Docker API answers"
    return 1
  fi
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *) usage ;;
esac
