# Commands of docs/11-advanced-features.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster. The Pod without a sidecar for 11.6.1 is the curl image in the
# namespace legacy, which has no injection label (readers: kubectl create namespace legacy and
# kubectl run curl -n legacy --image=curlimages/curl:8.16.0 --command -- sleep infinity).
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
curl_image=$(source tools/versions.env && source scripts/lib/cluster-images.sh && echo "$CURL_LOCAL_IMAGE")
kubectl create namespace legacy --dry-run=client -o yaml | kubectl apply -f -
kubectl run curl -n legacy --image="$curl_image" --image-pull-policy=Never --restart=Never --command -- sleep infinity
kubectl wait -n legacy --for=condition=Ready pod/curl --timeout=120s
}

snip_abort() {
kubectl apply -f istio/destination-rule-business-subsets.yaml -f istio/virtual-service-business-fault-abort-503.yaml
# 故障由调用方的 sidecar 注入：等到 gateway-service 的路由里有了它
until istioctl proxy-config route deploy/gateway-service -o json | grep '"abort"' >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- sh -c \
  'for i in $(seq 300); do curl -s -o /dev/null -w "%{http_code}\n" http://gateway-service:8080/; done' | sort | uniq -c
}

snip_delay() {
kubectl apply -f istio/virtual-service-business-fault-delay-10s.yaml
until istioctl proxy-config route deploy/gateway-service -o json | grep fixedDelay >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' -H 'end-user: jason' http://gateway-service:8080/
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' http://gateway-service:8080/
}

snip_mirror() {
kubectl apply -f istio/virtual-service-business-mirror-v2.yaml
until istioctl proxy-config route deploy/gateway-service -o json | grep requestMirrorPolicies >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- sh -c 'for i in $(seq 200); do curl -s http://gateway-service:8080/; echo; done' \
  | grep -o 'business V[12]' | sort | uniq -c
# 调用方 Envoy：发往 v2 子集的请求数（每个端点的计数）随镜像增长
kubectl exec deploy/gateway-service -c istio-proxy -- pilot-agent request GET clusters \
  | grep 'outbound|8080|v2|business' | grep rq_total
# v2 的 sidecar 访问日志：这些请求都是镜像来的
kubectl logs deploy/business-v2 -c istio-proxy --tail=2
}

snip_tcp() {
kubectl apply -f istio/virtual-service-business-tcp-all-v1.yaml
until istioctl proxy-config listener deploy/curl --port 9000 -o json | grep 'outbound|9000|v1|business' >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- sh -c \
  'for i in $(seq 200); do echo hello | nc -w 1 business 9000; done' | sort | uniq -c
kubectl apply -f istio/virtual-service-business-tcp-80-20.yaml
until istioctl proxy-config listener deploy/curl --port 9000 -o json | grep 'outbound|9000|v2|business' >/dev/null; do sleep 1; done
kubectl exec deploy/curl -- sh -c \
  'for i in $(seq 300); do echo hello | nc -w 1 business 9000; done' | sort | uniq -c
}

snip_mtls_strict() {
kubectl delete -f istio/virtual-service-business-tcp-80-20.yaml -f istio/destination-rule-business-subsets.yaml
kubectl exec -n legacy curl -- curl -sS -o /dev/null -w '%{http_code}\n' http://business.default:8080/
kubectl apply -f istio/peer-authentication-default-strict.yaml
# business 的 sidecar 开始拒绝明文时才算生效：等到这一刻
while kubectl exec -n legacy curl -- curl -s -o /dev/null http://business.default:8080/; do sleep 1; done
kubectl exec -n legacy curl -- curl -sS -o /dev/null -w '%{http_code}\n' http://business.default:8080/
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code}\n' http://business:8080/
}

snip_authz() {
kubectl apply -f istio/authorization-policy-business-allow-gateway.yaml
# 策略之前建立的连接沿用旧的过滤器链，直到 Envoy 把它排空（45 秒）：等到 403 出现
for i in $(seq 60); do
  [ "$(kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code}' http://business:8080/)" = 403 ] && break
  sleep 1
done
kubectl exec deploy/curl -- curl -s -w ' (%{http_code})\n' http://business:8080/
kubectl exec deploy/curl -- curl -s -o /dev/null -w '%{http_code}\n' http://gateway-service:8080/
}

snip_describe() {
istioctl x describe pod "$(kubectl get pod -l app=business,version=v1 -o name | cut -d/ -f2)"
}

_cleanup() {
kubectl delete --ignore-not-found -f istio/peer-authentication-default-strict.yaml \
  -f istio/authorization-policy-business-allow-gateway.yaml -f istio/virtual-service-business-tcp-80-20.yaml \
  -f istio/destination-rule-business-subsets.yaml
kubectl delete namespace legacy --ignore-not-found --timeout=120s
}
