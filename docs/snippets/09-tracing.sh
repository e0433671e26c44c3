# Commands of docs/09-tracing.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
scripts/mesh.sh reset && scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-header-jason-v2.yaml
}

snip_trace_one_request() {
id=$(curl -s -o /dev/null -D - -H 'end-user: jason' http://127.0.0.1:8000/ | tr -d '\r' | awk -F': ' 'tolower($1) == "x-request-id" {print $2}')
echo "x-request-id: $id"
scripts/zipkin-trace.py "$id"
}

snip_trace_captcha_upload() {
id=$(curl -s -o /dev/null -D - -F img=@captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png http://127.0.0.1:8000/anticaptcha/math | tr -d '\r' | awk -F': ' 'tolower($1) == "x-request-id" {print $2}')
echo "x-request-id: $id"
scripts/zipkin-trace.py "$id"
}

_cleanup() {
scripts/mesh.sh reset
}
