# Commands of docs/00-quick-start.md's cluster path, run by scripts/verify-cluster.sh on the local cluster
# (scripts/cluster.sh, then scripts/up-istio.sh --local-cluster) by scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_curl_in_mesh() {
kubectl exec deploy/curl -- curl -s http://gateway-service:8080/
}

snip_curl_ingress() {
curl -s http://10.250.0.1:30080/
}
