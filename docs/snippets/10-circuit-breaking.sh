# Commands of docs/10-circuit-breaking.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

_setup() {
scripts/mesh.sh reset
}

snip_apply_circuit_breaker() {
scripts/mesh.sh apply istio/destination-rule-gateway-service-circuit-breaker.yaml
}

snip_fortio_levels() {
for c in 1 2 3 4; do
  echo "-c $c: $(.tools/bin/fortio load -c $c -qps 0 -n 60 -loglevel Warning http://127.0.0.1:8000/ 2>&1 | grep '^Code' | xargs)"
done
}

snip_overflow_proof() {
overflow() { curl -s 'http://127.0.10.100:15000/stats?filter=gateway-service.*upstream_rq_pending_overflow$' | awk '{print $2}'; }
before=$(overflow)
.tools/bin/fortio load -c 4 -qps 0 -n 60 -loglevel Warning http://127.0.0.1:8000/ 2>&1 | grep '^Code'
echo "upstream_rq_pending_overflow: $before -> $(overflow) (+$(($(overflow) - before)))"
}

snip_outlier_apply_and_break() {
scripts/mesh.sh apply istio/destination-rule-data-service-outlier-detection.yaml >/dev/null
curl -s -X PUT -H 'Content-Type: application/json' -d '{"status":503,"rate":1.0}' http://127.0.10.4:18080/admin/failure
echo
}

snip_outlier_traffic() {
for i in $(seq 30); do
  curl -s -o /dev/null -w '%{http_code} ' -x http://127.0.11.3:8080 http://data-service:8080/api/data
done
echo
}

snip_outlier_stats() {
curl -s 'http://127.0.10.3:15000/stats?filter=data-service.*outlier_detection.ejections_(active|enforced_total|enforced_consecutive_5xx)$'
curl -s http://127.0.10.3:15000/clusters | grep 'outbound|8080||data-service' | grep health_flags
}

snip_outlier_heal() {
curl -s -X DELETE http://127.0.10.4:18080/admin/failure
echo
}

snip_apply_timeout() {
scripts/mesh.sh reset >/dev/null
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-fault-delay-10s.yaml \
  istio/virtual-service-gateway-service-timeout-1s.yaml >/dev/null
curl -s -w ' <- %{http_code} after %{time_total}s\n' -x http://127.0.11.2:8080 -H 'end-user: jason' http://gateway-service:8080/
curl -s -o /dev/null -w 'anyone else: %{http_code} after %{time_total}s\n' -x http://127.0.11.2:8080 http://gateway-service:8080/
}

snip_retries_default() {
scripts/mesh.sh reset >/dev/null
curl -s -X PUT -H 'Content-Type: application/json' -d '{"status":503,"rate":0.5}' http://127.0.10.4:18080/admin/failure
echo
retries() { curl -s 'http://127.0.10.3:15000/stats?filter=outbound.8080..data-service.*upstream_rq_retry$' | awk '{print $2}'; }
before=$(retries)
for i in $(seq 200); do curl -s -o /dev/null -w '%{http_code}\n' -x http://127.0.11.3:8080 http://data-service:8080/api/data; done | sort | uniq -c
echo "upstream_rq_retry: +$(($(retries) - before))"
}

snip_retries_configured() {
scripts/mesh.sh apply istio/virtual-service-data-service-retries.yaml >/dev/null
retries() { curl -s 'http://127.0.10.3:15000/stats?filter=outbound.8080..data-service.*upstream_rq_retry$' | awk '{print $2}'; }
before=$(retries)
for i in $(seq 200); do curl -s -o /dev/null -w '%{http_code}\n' -x http://127.0.11.3:8080 http://data-service:8080/api/data; done | sort | uniq -c
echo "upstream_rq_retry: +$(($(retries) - before))"
curl -s -X DELETE http://127.0.10.4:18080/admin/failure
echo
}

_cleanup() {
curl -s -X DELETE http://127.0.10.4:18080/admin/failure >/dev/null
scripts/mesh.sh reset
}
