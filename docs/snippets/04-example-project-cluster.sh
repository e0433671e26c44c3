# Commands of docs/04-example-project.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster. The busybox Pod the guide's readers start with
# `kubectl run busybox --image=busybox:1.37.0 ...` is started here from the image built for this cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
busybox_image=$(source tools/versions.env && source scripts/lib/cluster-images.sh && echo "$BUSYBOX_LOCAL_IMAGE")
kubectl run busybox --image="$busybox_image" --image-pull-policy=Never --restart=Never --command -- sleep 3600
kubectl wait --for=condition=Ready pod/busybox --timeout=120s
}

snip_curl() {
kubectl exec deploy/curl -- curl -s http://gateway-service:8080/
}

snip_busybox_wget() {
kubectl exec busybox -- wget -qO- http://gateway-service:8080/
}

_cleanup() {
kubectl delete pod busybox --ignore-not-found --timeout=60s
}
