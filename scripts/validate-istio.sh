#!/usr/bin/env bash
# Validates every istio/ sample and the local mesh's generated config with the pinned istioctl, offline:
# `istioctl validate` (schema and semantic checks) and `istioctl analyze --use-kube=false` (cross-object
# checks, e.g. a VirtualService naming a subset no DestinationRule defines). Any error fails.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=tools/versions.env
source "$ROOT/tools/versions.env"

ISTIOCTL="$ROOT/.tools/bin/istioctl"
[[ -x $ISTIOCTL ]] || "$ROOT/scripts/install-tools.sh" | sed 's/^/    /'
OUT="$ROOT/.run/validate-istio"
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck source=scripts/lib/checks.sh
source "$ROOT/scripts/lib/checks.sh"

step "Generating the local mesh config (mesh/topology.yaml)"
PYTHONPATH="$ROOT/mesh" python3 -m localmesh generate --topology "$ROOT/mesh/topology.yaml" --root "$ROOT" --run "$OUT/mesh" \
  --istio-version "$ISTIO_VERSION" --zipkin-jar "$ROOT/.tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar" >/dev/null
generated=("$OUT"/mesh/config/istio/base/*.yaml)
info "${#generated[@]} files"

step "istioctl $("$ISTIOCTL" version --remote=false --short 2>/dev/null) validate"
for file in "$ROOT"/istio/*.yaml "${generated[@]}"; do
  check "validate ${file#"$ROOT"/}" "$ISTIOCTL" validate -f "$file"
done

step "istioctl analyze --use-kube=false"
analyze() { # THRESHOLD FILE...: fails at THRESHOLD or worse
  local threshold=$1
  shift
  "$ISTIOCTL" analyze --use-kube=false --failure-threshold "$threshold" "$@"
}
# Each business VirtualService is an alternative to the others (same name), so each is analysed on its own,
# with the DestinationRule it relies on; a sample may not even warn.
for file in "$ROOT"/istio/*.yaml; do
  check "analyze ${file#"$ROOT"/} (no warnings)" analyze Warning "$file" "$ROOT/istio/destination-rule-business-subsets.yaml"
done
# The generated local config warns by design (EnvoyFilter IST0133 for the per-sidecar source address; TCP
# ServiceEntry without a VIP IST0134, as the local mesh has no VIPs); errors still fail.
check "analyze generated local mesh config (no errors)" analyze Error "${generated[@]}"
for file in "$ROOT"/istio/*.yaml; do
  check "analyze ${file#"$ROOT"/} with the local mesh config (no errors)" analyze Error "$file" \
    "$ROOT/istio/destination-rule-business-subsets.yaml" "${generated[@]}"
done

checks_summary
