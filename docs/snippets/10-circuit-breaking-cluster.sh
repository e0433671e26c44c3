# Commands of docs/10-circuit-breaking.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_circuit_breaker() {
kubectl apply -f istio/destination-rule-gateway-service-circuit-breaker.yaml
sleep 2
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
sleep 2
istioctl proxy-config endpoint deploy/business-v2 --cluster "outbound|8080||data-service.default.svc.cluster.local"
}

snip_timeout() {
kubectl delete -f istio/destination-rule-data-service-outlier-detection.yaml
kubectl apply -f istio/destination-rule-business-subsets.yaml -f istio/virtual-service-business-fault-delay-10s.yaml \
  -f istio/virtual-service-gateway-service-timeout-1s.yaml
sleep 2
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' -H 'end-user: jason' http://gateway-service:8080/
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' http://gateway-service:8080/
}

snip_retries() {
kubectl apply -f istio/virtual-service-data-service-retries.yaml
sleep 2
istioctl proxy-config route deploy/business-v2 --name 8080 | grep -E '^NAME|data-service'
}

_cleanup() {
kubectl delete --ignore-not-found -f istio/destination-rule-gateway-service-circuit-breaker.yaml \
  -f istio/destination-rule-data-service-outlier-detection.yaml -f istio/virtual-service-business-fault-delay-10s.yaml \
  -f istio/virtual-service-gateway-service-timeout-1s.yaml -f istio/destination-rule-business-subsets.yaml \
  -f istio/virtual-service-data-service-retries.yaml
}
