# Commands of docs/06-service-discovery.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_call_by_name() {
kubectl exec deploy/curl -- curl -s http://business:8080/; echo
kubectl exec deploy/curl -- curl -s http://business.default.svc.cluster.local:8080/; echo
}

snip_scale_to_zero() {
kubectl scale deploy/business-v1 deploy/business-v2 --replicas=0
kubectl wait --for=delete pod -l app=business --timeout=120s
kubectl exec deploy/curl -- curl -si http://business:8080/
}

snip_scale_back() {
kubectl scale deploy/business-v1 deploy/business-v2 --replicas=1
for d in business-v1 business-v2; do kubectl rollout status deploy/$d --timeout=300s; done
}

snip_external_name() {
kubectl apply -k k8s/examples/external-name
kubectl exec deploy/curl -- nslookup orders-db.default.svc.cluster.local
kubectl get service orders-db
}

_cleanup() {
kubectl delete -k k8s/examples/external-name --ignore-not-found
kubectl scale deploy/business-v1 deploy/business-v2 --replicas=1
for d in business-v1 business-v2; do kubectl rollout status deploy/$d --timeout=300s; done
}
