# Commands of docs/09-tracing.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster: Jaeger from Istio's samples/addons/jaeger.yaml, read through its
# query API (the Go module build of Jaeger has no UI assets).
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
kubectl apply -f istio/destination-rule-business-subsets.yaml -f istio/virtual-service-business-header-jason-v2.yaml
until istioctl proxy-config route deploy/gateway-service -o json | grep '"jason"' >/dev/null; do sleep 1; done
}

snip_trace_in_jaeger() {
RID=$(kubectl exec deploy/curl -- curl -s -o /dev/null -D - -H 'end-user: jason' http://gateway-service:8080/ \
  | tr -d '\r' | awk -F': ' 'tolower($1) == "x-request-id" {print $2}')
echo "x-request-id: $RID"
JAEGER="http://$(kubectl -n istio-system get svc tracing -o jsonpath='{.spec.clusterIP}')/jaeger"
scripts/zipkin-trace.py "$RID" --jaeger "$JAEGER"
}

_cleanup() {
kubectl delete --ignore-not-found -f istio/virtual-service-business-header-jason-v2.yaml -f istio/destination-rule-business-subsets.yaml
}
