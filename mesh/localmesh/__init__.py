"""The local mesh without Kubernetes: config for a real istiod and real Envoys, made from mesh/topology.yaml.

    topology      the model of mesh/topology.yaml, checked when it is loaded
    meshconfig, services, workloads, ingress, bootstrap
                  one module per kind of generated config: istiod's mesh config and mesh-wide policy, the
                  ServiceEntries, the WorkloadEntries and Sidecars, the ingress gateway, the Envoy bootstraps
    processes     what runs: one launch script per process, and the plan scripts/mesh.sh reads
    generate      writes all of it under the run directory
    istiod        what istiod's debug endpoints and the Envoys' admin endpoints say
    xds           waiting until istiod has a config and every Envoy has ACKed it
    stage         starting istiod with its config in steps
    apply         adding and removing Istio YAML files, like kubectl apply and delete, routes after what they
                  point to; config churn
    restart       istiod started again under running Envoys
    endpoint      a workload out of its service and back, like a pod deleted and one ready again
    cli           the commands scripts/mesh.sh runs: python3 -m localmesh COMMAND --help
"""
