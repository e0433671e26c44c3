# Commands of docs/11-advanced-features.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash

_setup() {
scripts/mesh.sh reset
}

snip_apply_abort() {
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-fault-abort-503.yaml
}

snip_count_abort() {
for i in $(seq 1000); do curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8000/; done | sort | uniq -c
}

snip_abort_body() {
for i in $(seq 100); do
  code=$(curl -s -o /tmp/abort-body.json -w '%{http_code}' http://127.0.0.1:8000/)
  if [ "$code" = 503 ]; then python3 -m json.tool /tmp/abort-body.json; break; fi
done
}

snip_apply_delay() {
scripts/mesh.sh apply istio/virtual-service-business-fault-delay-10s.yaml
}

snip_time_delay() {
curl -s -o /dev/null -w 'end-user jason: %{http_code} after %{time_total}s\n' -H 'end-user: jason' http://127.0.0.1:8000/
curl -s -o /dev/null -w 'anyone else:    %{http_code} after %{time_total}s\n' http://127.0.0.1:8000/
}

_cleanup() {
scripts/mesh.sh reset
}
