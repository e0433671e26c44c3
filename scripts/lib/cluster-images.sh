# The names of the images the local cluster (scripts/cluster.sh) runs, built by scripts/cluster/images.sh and
# imported into its containerd: no registry is involved, so none of these can be pulled. The app images keep
# the names Jib gives them (mesh-guide/<module>:<tag>, the names k8s/ uses). k8s/overlays/local-cluster and
# k8s/cluster/istio-install-local-cluster.yaml name the same images (scripts/verify-k8s.sh checks the tags).
# Needs tools/versions.env sourced first.
# shellcheck shell=bash disable=SC2034 # the names are used by the scripts that source this file

# deb_upstream VERSION: a Debian version without epoch and revision (1:1.35.0-4+deb12u1 -> 1.35.0).
deb_upstream() { local v=${1#*:}; printf '%s' "${v%%-*}"; }

LOCAL_IMAGES=localhost/local-cluster
ISTIO_LOCAL_HUB=localhost/istio
PAUSE_IMAGE=$LOCAL_IMAGES/pause:1.0
COREDNS_IMAGE=$LOCAL_IMAGES/coredns:$COREDNS_VERSION
PILOT_IMAGE=$ISTIO_LOCAL_HUB/pilot:$ISTIO_VERSION
PROXYV2_IMAGE=$ISTIO_LOCAL_HUB/proxyv2:$ISTIO_VERSION
JAEGER_IMAGE=$LOCAL_IMAGES/jaeger:$JAEGER_GO_VERSION
RELOADER_IMAGE=$LOCAL_IMAGES/reloader:$RELOADER_GO_VERSION
FORTIO_LOCAL_IMAGE=$LOCAL_IMAGES/fortio:${FORTIO_VERSION#v}
CURL_LOCAL_IMAGE=$LOCAL_IMAGES/curl:$(deb_upstream "$CURL_DEB_VERSION")
BUSYBOX_LOCAL_IMAGE=$LOCAL_IMAGES/busybox:$(deb_upstream "$BUSYBOX_STATIC_DEB_VERSION")
# What scripts/cluster/images.sh builds, each into .tools/cluster/images/<name>.tar.
CLUSTER_IMAGES=(pause coredns pilot proxyv2 jaeger reloader fortio curl busybox)
