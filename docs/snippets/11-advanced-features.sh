# Commands of docs/11-advanced-features.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

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

snip_abort_jason() {
scripts/mesh.sh apply istio/virtual-service-business-fault-abort-jason.yaml >/dev/null
curl -s -o /dev/null -w 'end-user jason: %{http_code}\n' -H 'end-user: jason' http://127.0.0.1:8000/
curl -s -o /dev/null -w 'anyone else:    %{http_code}\n' http://127.0.0.1:8000/
}

snip_apply_delay() {
scripts/mesh.sh apply istio/virtual-service-business-fault-delay-10s.yaml
}

snip_time_delay() {
curl -s -o /dev/null -w 'end-user jason: %{http_code} after %{time_total}s\n' -H 'end-user: jason' http://127.0.0.1:8000/
curl -s -o /dev/null -w 'anyone else:    %{http_code} after %{time_total}s\n' http://127.0.0.1:8000/
}

snip_apply_tcp_all_v1() {
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-tcp-all-v1.yaml >/dev/null
for i in $(seq 200); do
  exec 3<>/dev/tcp/127.0.11.1/9000; echo hello >&3; read -r reply <&3; exec 3<&-; echo "$reply"
done | sort | uniq -c
}

snip_tcp_80_20() {
scripts/mesh.sh apply istio/virtual-service-business-tcp-80-20.yaml >/dev/null
for i in $(seq 300); do
  exec 3<>/dev/tcp/127.0.11.1/9000; echo hello >&3; read -r reply <&3; exec 3<&-; echo "$reply"
done | sort | uniq -c
}

snip_apply_mirror() {
scripts/mesh.sh apply istio/destination-rule-business-subsets.yaml istio/virtual-service-business-mirror-v2.yaml
}

snip_mirror_traffic() {
v2_in() { curl -s 'http://127.0.10.3:15000/stats?filter=^http.inbound_127.0.10.3_8080;.downstream_rq_total$' | awk '{print $2}'; }
copies() { curl -s 'http://127.0.10.1:15000/stats?filter=outbound.8080.v2.business.*upstream_rq_total$' | awk '{print $2}'; }
in_before=$(v2_in); copies_before=$(copies)
for i in $(seq 200); do curl -s http://127.0.0.1:8000/ | grep -o 'business V[12]'; done | sort | uniq -c
echo "copies sent by gateway-service's Envoy to v2: +$(($(copies) - copies_before))"
echo "requests received by business-v2's Envoy:    +$(($(v2_in) - in_before))"
}

snip_apply_ip_policy() {
scripts/mesh.sh reset >/dev/null
scripts/mesh.sh apply istio/authorization-policy-data-service-allow-business-v2-ip.yaml | tail -2
}

snip_ip_policy_callers() {
for caller in 3:business-v2 2:business-v1 1:gateway-service; do
  echo "as ${caller#*:}: $(curl -s -w ' (%{http_code})' -o /tmp/authz-body.txt -x "http://127.0.11.${caller%%:*}:8080" \
    http://data-service:8080/api/data) $(head -c 19 /tmp/authz-body.txt | grep RBAC)"
done
echo "without a sidecar: $(curl -s -w ' (%{http_code})' http://127.0.10.4:8080/api/data)"
}

_cleanup() {
scripts/mesh.sh reset
}
