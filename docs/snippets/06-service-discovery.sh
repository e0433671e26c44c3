# Commands of docs/06-service-discovery.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
scripts/mesh.sh reset
}

snip_call_by_name() {
curl -s -x http://127.0.11.1:8080 http://business:8080/ | grep -o 'response from: business V[12]'
curl -s -x http://127.0.11.1:8080 http://business.default.svc.cluster.local:8080/ | grep -o 'response from: business V[12]'
}

snip_endpoints() {
curl -s http://127.0.10.1:15000/clusters | grep '^outbound|8080||business' | grep health_flags
}

snip_no_endpoints() {
scripts/mesh.sh apply istio/service-entry-inventory-no-endpoints.yaml >/dev/null
curl -si -x http://127.0.11.3:8080 http://inventory.default.svc.cluster.local:8080/ | grep -v '^date:' | tr -d '\r'
}

snip_external_before() {
curl -s -o /dev/null -w '%{http_code}\n' -x http://127.0.11.3:8080 http://api.example.com:8080/
}

snip_external_after() {
mkdir -p /tmp/external-stub && echo 'hello from the external stub' > /tmp/external-stub/index.html
python3 -m http.server --bind 127.0.0.1 --directory /tmp/external-stub 18099 >/dev/null 2>&1 &
stub=$!
scripts/mesh.sh apply istio/service-entry-external-api-local-stub.yaml >/dev/null
curl -s -w '<- %{http_code}\n' --retry 5 --retry-connrefused -x http://127.0.11.3:8080 http://api.example.com:8080/
kill "$stub"
}

_cleanup() {
scripts/mesh.sh reset
}
