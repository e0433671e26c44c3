"""An Envoy's bootstrap: who it is to istiod (node id and metadata), where its admin endpoint is, and the one
static cluster it needs to fetch everything else over ADS."""

ADMIN_PORT = 15000


def envoy_bootstrap(node_id, cluster, metadata, admin_address, istiod):
    return {
        "node": {"id": node_id, "cluster": cluster, "metadata": metadata},
        "admin": {"address": {"socket_address": {"address": admin_address, "port_value": ADMIN_PORT}}},
        "overload_manager": {"resource_monitors": [{
            "name": "envoy.resource_monitors.global_downstream_max_connections",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3."
                         "DownstreamConnectionsConfig",
                "max_active_downstream_connections": 10000}}]},
        "dynamic_resources": {
            "ads_config": {
                "api_type": "GRPC",
                "transport_api_version": "V3",
                "set_node_on_first_message_only": True,
                "grpc_services": [{"envoy_grpc": {"cluster_name": "xds-grpc"}}],
            },
            "cds_config": {"ads": {}, "resource_api_version": "V3", "initial_fetch_timeout": "0s"},
            "lds_config": {"ads": {}, "resource_api_version": "V3", "initial_fetch_timeout": "0s"},
        },
        "static_resources": {
            "clusters": [{
                "name": "xds-grpc",
                "type": "STATIC",
                "connect_timeout": "1s",
                "load_assignment": {"cluster_name": "xds-grpc", "endpoints": [{"lb_endpoints": [{"endpoint": {
                    "address": {"socket_address": {"address": istiod.address,
                                                   "port_value": istiod.grpc_port}}}}]}]},
                "typed_extension_protocol_options": {
                    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        "explicit_http_config": {"http2_protocol_options": {}},
                    }},
            }],
        },
    }


def sidecar_metadata(topology, workload, istio_version):
    """What an istio-proxy's pilot-agent would send: istiod derives the proxy's labels, IP and interception mode
    from it, and by ISTIO_VERSION picks the config fields this Envoy understands."""
    return {
        "NAMESPACE": topology.namespace, "NAME": workload.name, "WORKLOAD_NAME": workload.name,
        "INSTANCE_IPS": workload.address, "LABELS": workload.labels, "ISTIO_VERSION": istio_version,
        "INTERCEPTION_MODE": "NONE", "CLUSTER_ID": topology.cluster_id, "MESH_ID": topology.domain,
        "APP_CONTAINERS": workload.service,
    }


def sidecar_node_id(topology, workload):
    return "sidecar~%s~%s.%s~%s.svc.%s" % (workload.address, workload.name, topology.namespace, topology.namespace,
                                           topology.domain)
