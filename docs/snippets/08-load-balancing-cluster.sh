# Commands of docs/08-load-balancing.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_apply_weighted() {
kubectl apply -f istio/destination-rule-business-subsets.yaml -f istio/virtual-service-business-weighted-20-80.yaml
# istiod 一两秒内推送：等到调用方 gateway-service 的 sidecar 有了去 v1 子集的路由
until istioctl proxy-config route deploy/gateway-service -o json | grep 'outbound|8080|v1|business' >/dev/null; do sleep 1; done
istioctl proxy-status deploy/gateway-service
}

snip_count_weighted() {
kubectl exec deploy/curl -- sh -c \
  'for i in $(seq 500); do curl -s http://gateway-service:8080/; echo; done' \
  | grep -o 'business V[12]' | sort | uniq -c
}

snip_header_jason() {
kubectl apply -f istio/virtual-service-business-header-jason-v2.yaml
until istioctl proxy-config route deploy/gateway-service -o json | grep '"jason"' >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- curl -s -H 'end-user: jason' http://gateway-service:8080/ | grep -o 'business V[12]'
kubectl exec deploy/curl -- curl -s http://gateway-service:8080/ | grep -o 'business V[12]'
}

snip_round_robin() {
kubectl apply -f istio/destination-rule-data-service-round-robin.yaml
# Istio 在生成的 Envoy cluster 上标注它来自哪条 DestinationRule
until istioctl proxy-config cluster deploy/curl --fqdn data-service.default.svc.cluster.local -o json \
  | grep destination-rule/data-service >/dev/null; do sleep 1; done
kubectl exec deploy/curl -c curl -- sh -c \
  'for i in $(seq 200); do curl -s -o /dev/null -D - http://data-service:8080/api/data; done' \
  | grep -i '^x-served-by' | tr -d '\r' | sort | uniq -c
}

snip_header_hash() {
kubectl apply -f istio/destination-rule-data-service-consistent-hash.yaml
# 哈希策略写在调用方的路由上：等到 curl 的 sidecar 按 end-user 取哈希
until istioctl proxy-config route deploy/curl -o json | grep '"headerName": "end-user"' >/dev/null; do sleep 1; done
for u in alice bob carol dave; do
  echo "$u: $(kubectl exec deploy/curl -c curl -- sh -c \
    "for i in 1 2 3; do curl -s -o /dev/null -D - -H 'end-user: $u' http://data-service:8080/api/data; done" \
    | grep -i '^x-served-by' | tr -d '\r' | cut -d' ' -f2 | xargs)"
done
}

_cleanup() {
kubectl delete --ignore-not-found -f istio/virtual-service-business-header-jason-v2.yaml \
  -f istio/destination-rule-business-subsets.yaml -f istio/destination-rule-data-service-consistent-hash.yaml
}
