# Commands of docs/08-load-balancing.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash disable=SC2034 # the guide's loops count with an unused variable

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

snip_apply_round_robin() {
scripts/mesh.sh apply istio/destination-rule-data-service-round-robin.yaml
}

snip_count_round_robin() {
for i in $(seq 200); do curl -s -o /dev/null -D - -x http://127.0.11.3:8080 http://data-service:8080/api/data; done \
  | grep -i '^x-served-by' | tr -d '\r' | sort | uniq -c
}

snip_count_random() {
scripts/mesh.sh apply istio/destination-rule-data-service-random.yaml >/dev/null
for i in $(seq 200); do curl -s -o /dev/null -D - -x http://127.0.11.3:8080 http://data-service:8080/api/data; done \
  | grep -i '^x-served-by' | tr -d '\r' | sort | uniq -c
}

snip_header_hash() {
scripts/mesh.sh apply istio/destination-rule-data-service-consistent-hash.yaml >/dev/null
for u in alice bob carol dave; do
  echo "$u: $(for i in 1 2 3; do
    curl -s -o /dev/null -D - -x http://127.0.11.3:8080 -H "end-user: $u" http://data-service:8080/api/data \
      | grep -i '^x-served-by' | tr -d '\r' | cut -d' ' -f2
  done | xargs)"
done
}

snip_cookie_hash() {
scripts/mesh.sh apply istio/destination-rule-data-service-consistent-hash-cookie.yaml >/dev/null
curl -s -o /dev/null -D - -c /tmp/dsaffinity.txt -x http://127.0.11.3:8080 http://data-service:8080/api/data \
  | grep -i '^set-cookie' | sed 's/"[0-9a-f]*"/"<hash>"/'
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -D - -b /tmp/dsaffinity.txt -x http://127.0.11.3:8080 http://data-service:8080/api/data \
    | grep -i '^x-served-by'
done | tr -d '\r' | sort | uniq -c
}

snip_source_ip_hash() {
scripts/mesh.sh apply istio/destination-rule-data-service-consistent-hash-source-ip.yaml >/dev/null
for ip in 127.0.0.11 127.0.0.12 127.0.0.13 127.0.0.14; do
  echo "$ip: $(for i in 1 2 3; do
    curl -s -o /dev/null -D - --interface "$ip" -x http://127.0.11.3:8080 http://data-service:8080/api/data \
      | grep -i '^x-served-by' | tr -d '\r' | cut -d' ' -f2
  done | xargs)"
done
}

_cleanup() {
scripts/mesh.sh reset
}
