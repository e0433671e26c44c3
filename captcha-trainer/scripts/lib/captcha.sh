# Shared by the scripts that run captcha-service against the trainer's tools (bench-captcha.sh,
# pseudo-label-captcha.sh). Source after common.sh.
# shellcheck shell=bash

CAPTCHA_JAR="$ROOT/captcha-service/target/captcha-service.jar"

# captcha_build LOG [MAVEN ARGS...]: captcha-service's jar, and the trainer with the benchmark client and the
# pseudo-labeller; without MAVEN ARGS, no tests. One reactor with -am, so that the parent POM and every module the
# trainer's later `mvn -pl captcha-trainer exec:exec` resolves from the local repository are installed by this
# build, not left there by an older one.
captcha_build() {
  local log=$1
  shift
  (($#)) || set -- -DskipTests
  (cd "$ROOT" && mvn -B -ntp -Ptrain "$@" install -pl captcha-service,captcha-trainer -am) >"$log" 2>&1 \
    || die "build failed; see $log"
}

# captcha_free_port: a TCP port nothing listens on now, for one more captcha-service next to others
captcha_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# captcha_serve RUN NAME PORT LOG [SERVICE ARGS...]: starts the jar and waits until it is ready. nice 19 and one
# inference thread, so that it can share the machine with a training run
captcha_serve() {
  local run=$1 name=$2 port=$3 log=$4
  shift 4
  ! port_in_use 127.0.0.1 "$port" || die "$name: port $port is taken (another captcha-service?); stop it first"
  start_process "$run" "$name" "$log" nice -n 19 java -Xmx256m -XX:+UseSerialGC -jar "$CAPTCHA_JAR" \
    --server.port="$port" --server.address=127.0.0.1 --captcha.inference-threads=1 "$@"
  wait_until "$name ready" 120 http_ok "http://127.0.0.1:$port/actuator/health/readiness" \
    || die "$name did not start; see $log"
}

# captcha_model_url FILE: the Spring resource location of a model file outside the jar
captcha_model_url() {
  echo "file:$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}
