# Commands of docs/07-config-center.md on a cluster, run by scripts/verify-cluster.sh on the local cluster by
# scripts/docs-snippets.py run --requires cluster. _cleanup puts the ConfigMap back and restarts data-service, so
# the next file starts from the state scripts/up-istio.sh left.
# requires: cluster
# shellcheck shell=bash disable=SC2016,SC2034 # single-quoted scripts run in the Pod's shell; loops count with an unused variable

_setup() {
export KUBECONFIG="$PWD/.run/cluster/kubeconfig" PATH="$PWD/.tools/cluster/bin:$PWD/.tools/bin:$PATH"
}

snip_env_and_file() {
kubectl exec deploy/data-service -c data-service -- sh -c 'echo $CONFIG_VALUE1 $CONFIG_VALUE2; cat /app/config/config-data.json'
kubectl exec deploy/curl -- curl -s http://data-service:8080/api/data
}

snip_patch_configmap() {
kubectl patch configmap data-service-config --type merge -p \
  '{"data":{"config_value1":"43","config-data.json":"{\"key1\":\"value1\",\"key2\":\"value2\",\"key3\":\"value3\"}"}}'
}

snip_watch_reload() {
start=$(date +%s)
until answer=$(kubectl exec deploy/curl -- curl -s http://data-service:8080/api/data) && echo "$answer" | grep -q key3; do
  [ $(( $(date +%s) - start )) -lt 180 ] || { echo "no replica serves key3 180 s after the patch"; exit 1; }
  sleep 5
done
echo "a replica serves key3 $(( $(date +%s) - start )) s after the patch:"
echo "$answer"
}

snip_env_unchanged() {
kubectl exec deploy/data-service -c data-service -- sh -c 'echo $CONFIG_VALUE1 $CONFIG_VALUE2; ls -la /app/config/'
kubectl get configmap data-service-config -o jsonpath='{.data.config_value1}{"\n"}'
}

_cleanup() {
kubectl patch configmap data-service-config --type merge -p "$(python3 -c 'import json; print(json.dumps({"data": {"config_value1": "42", "config-data.json": open("k8s/base/data-service/config-data.json").read()}}))')"
kubectl rollout restart deploy/data-service
kubectl rollout status deploy/data-service --timeout=300s
}
