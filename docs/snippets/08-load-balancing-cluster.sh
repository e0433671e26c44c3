# Commands of docs/08-load-balancing.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_apply_weighted() {
kubectl apply -f istio/destination-rule-business-subsets.yaml -f istio/virtual-service-business-weighted-20-80.yaml
sleep 2   # istiod pushes within a second or two
istioctl proxy-status deploy/gateway-service
}

snip_count_weighted() {
kubectl exec deploy/curl -- sh -c \
  'for i in $(seq 500); do curl -s http://gateway-service:8080/; echo; done' \
  | grep -o 'business V[12]' | sort | uniq -c
}

snip_header_jason() {
kubectl apply -f istio/virtual-service-business-header-jason-v2.yaml
sleep 2
kubectl exec deploy/curl -- curl -s -H 'end-user: jason' http://gateway-service:8080/ | grep -o 'business V[12]'
kubectl exec deploy/curl -- curl -s http://gateway-service:8080/ | grep -o 'business V[12]'
}

snip_round_robin() {
kubectl apply -f istio/destination-rule-data-service-round-robin.yaml
sleep 2
kubectl exec deploy/curl -c curl -- sh -c \
  'for i in $(seq 200); do curl -s -o /dev/null -D - http://data-service:8080/api/data; done' \
  | grep -i '^x-served-by' | tr -d '\r' | sort | uniq -c
}

_cleanup() {
kubectl delete --ignore-not-found -f istio/virtual-service-business-header-jason-v2.yaml \
  -f istio/destination-rule-business-subsets.yaml -f istio/destination-rule-data-service-round-robin.yaml
}
