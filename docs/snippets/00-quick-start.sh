# Commands of docs/00-quick-start.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
scripts/mesh.sh reset
}

snip_ten_requests() {
for i in $(seq 10); do curl -s http://127.0.0.1:8000/ | grep -o 'business V[12]'; done | sort | uniq -c
}

snip_all_to_v1() {
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-all-v1.yaml >/dev/null
for i in $(seq 10); do curl -s http://127.0.0.1:8000/ | grep -o 'business V[12]'; done | sort | uniq -c
}

snip_one_trace() {
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-header-jason-v2.yaml >/dev/null
id=$(curl -s -o /dev/null -D - -H 'end-user: jason' http://127.0.0.1:8000/ | tr -d '\r' | awk -F': ' 'tolower($1) == "x-request-id" {print $2}')
scripts/zipkin-trace.py "$id"
}

snip_captcha() {
curl -s -F "img=@captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png;type=image/png" http://127.0.0.1:8000/anticaptcha/math
}

_cleanup() {
scripts/mesh.sh reset
}
