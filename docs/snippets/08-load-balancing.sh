# Commands of docs/08-load-balancing.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash

_setup() {
scripts/mesh.sh reset
}

snip_apply_weighted() {
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-weighted-20-80.yaml
}

snip_count_weighted() {
for i in $(seq 2000); do curl -s http://127.0.0.1:8000/; echo; done | grep -o 'business V[12]' | sort | uniq -c
}

snip_apply_header() {
scripts/mesh.sh apply istio/virtual-service-business-header-jason-v2.yaml
}

snip_curl_header() {
curl -s -H 'end-user: jason' http://127.0.0.1:8000/ | grep -o 'business V[12]'
curl -s http://127.0.0.1:8000/ | grep -o 'business V[12]'
}

_cleanup() {
scripts/mesh.sh reset
}
