# Commands of docs/00-quick-start.md's docker compose path, run by scripts/verify-containers.sh through a Docker
# API (podman's here) after it built the images, by scripts/docs-snippets.py run --requires compose.
# requires: compose
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
# the images this machine cannot pull, replaced by the local stand-ins (users pull the upstream ones)
stand_ins=$(scripts/images/build-local-images.sh --print-env) || return 1
while IFS= read -r assignment; do export "${assignment?}"; done <<<"$stand_ins"
docker compose --profile captcha --profile tools down --volumes --remove-orphans
}

snip_up() {
docker compose up -d
for i in $(seq 180); do curl -sf -o /dev/null http://127.0.0.1:8080/ && break; sleep 1; done
curl -sf -o /dev/null http://127.0.0.1:8080/ && echo "the chain answers ${i} s after up"
}

snip_curl() {
curl -si http://127.0.0.1:8080/
}

snip_sticky() {
for i in $(seq 20); do curl -s http://127.0.0.1:8080/ | grep -o 'business V[12]'; done | sort | uniq -c
}

snip_busybox() {
docker compose run --rm busybox wget -qO- http://gateway-service:8080/
}

snip_curl_image() {
docker compose run --rm curl -s http://gateway-service:8080/
}

snip_nslookup() {
docker compose run --rm busybox nslookup business
}

snip_images() {
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'mesh-guide/(gateway-service|business-v1|business-v2|data-service|captcha-service):' | sed 's#^localhost/##' | sort
}

snip_down() {
docker compose down
}

_cleanup() {
docker compose --profile captcha --profile tools down --volumes --remove-orphans
}
