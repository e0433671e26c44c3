# Commands of docs/07-config-center.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
scripts/mesh.sh reset && scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-header-jason-v2.yaml
}

snip_swap_configmap() {
mkdir -p /tmp/edited
printf '{\n  "key1": "value1",\n  "key3": "value3"\n}\n' > /tmp/edited/config-data.json
scripts/configmap-swap.sh .run/mesh/data-config /tmp/edited/config-data.json
ls -la .run/mesh/data-config/
}

snip_see_reload() {
for i in $(seq 20); do curl -s -H 'end-user: jason' http://127.0.0.1:8000/ | grep -q key3 && break; sleep 0.1; done
curl -s -H 'end-user: jason' http://127.0.0.1:8000/
}

snip_break_configmap() {
printf '{ "key1": ' > /tmp/edited/config-data.json
scripts/configmap-swap.sh .run/mesh/data-config /tmp/edited/config-data.json
for i in $(seq 20); do curl -s http://127.0.10.4:18080/actuator/health | grep -q '"error"' && break; sleep 0.1; done
curl -s http://127.0.10.4:18080/actuator/health | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["components"]["configFile"], indent=2))'
}

_cleanup() {
scripts/configmap-swap.sh .run/mesh/data-config k8s/base/data-service/config-data.json
scripts/mesh.sh reset
}
