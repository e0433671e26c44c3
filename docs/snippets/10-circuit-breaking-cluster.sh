# Commands of docs/10-circuit-breaking.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_circuit_breaker() {
kubectl apply -f istio/destination-rule-gateway-service-circuit-breaker.yaml
# 限额在调用方的 sidecar 里：等到 fortio 的 sidecar 有了这条 DestinationRule 生成的 cluster
until istioctl proxy-config cluster deploy/fortio-deploy --fqdn gateway-service.default.svc.cluster.local -o json \
  | grep destination-rule/gateway-service >/dev/null; do sleep 1; done
kubectl exec deploy/fortio-deploy -c fortio -- fortio curl -quiet http://gateway-service:8080/ | grep -o 'business V[12]'
kubectl exec deploy/fortio-deploy -c fortio -- \
  fortio load -c 2 -qps 0 -n 20 -loglevel Warning http://gateway-service:8080/ 2>&1 | grep -E '^Code|^All done'
}

snip_overflow_stats() {
kubectl exec deploy/fortio-deploy -c istio-proxy -- \
  pilot-agent request GET stats | grep 'gateway-service' | grep -E 'upstream_rq_pending_overflow|upstream_cx_overflow'
}

snip_outlier_endpoints() {
kubectl delete -f istio/destination-rule-gateway-service-circuit-breaker.yaml
kubectl apply -f istio/destination-rule-data-service-outlier-detection.yaml
until istioctl proxy-config cluster deploy/business-v2 --fqdn data-service.default.svc.cluster.local -o json \
  | grep outlierDetection >/dev/null; do sleep 1; done
istioctl proxy-config endpoint deploy/business-v2 --cluster "outbound|8080||data-service.default.svc.cluster.local"
}

snip_timeout() {
kubectl delete -f istio/destination-rule-data-service-outlier-detection.yaml
kubectl apply -f istio/destination-rule-business-subsets.yaml -f istio/virtual-service-business-fault-delay-10s.yaml \
  -f istio/virtual-service-gateway-service-timeout-1s.yaml
# 超时在 curl 的 sidecar 里，延迟在 gateway-service 的 sidecar 里：两个都等到
until istioctl proxy-config route deploy/curl -o json | grep '"timeout": "1s"' >/dev/null \
  && istioctl proxy-config route deploy/gateway-service -o json | grep fixedDelay >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' -H 'end-user: jason' http://gateway-service:8080/
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' http://gateway-service:8080/
}

snip_retries() {
kubectl apply -f istio/virtual-service-data-service-retries.yaml
until istioctl proxy-config route deploy/business-v2 -o json | grep virtual-service/data-service >/dev/null; do sleep 1; done
istioctl proxy-config route deploy/business-v2 --name 8080 | grep -E '^NAME|data-service'
}

_cleanup() {
kubectl delete --ignore-not-found -f istio/destination-rule-gateway-service-circuit-breaker.yaml \
  -f istio/destination-rule-data-service-outlier-detection.yaml -f istio/virtual-service-business-fault-delay-10s.yaml \
  -f istio/virtual-service-gateway-service-timeout-1s.yaml -f istio/destination-rule-business-subsets.yaml \
  -f istio/virtual-service-data-service-retries.yaml
}
