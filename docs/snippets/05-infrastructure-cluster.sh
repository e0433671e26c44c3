# Commands of docs/05-infrastructure.md, run by scripts/verify-cluster.sh on the local cluster (scripts/cluster.sh,
# then scripts/up-istio.sh --local-cluster: the steps of 5.5 with locally built images) by
# scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_get_pods() {
kubectl get pods
}

snip_proxy_status() {
istioctl proxy-status
}

snip_curl_ingress() {
kubectl -n istio-system get svc istio-ingressgateway
curl -s http://10.250.0.1:30080/
}
