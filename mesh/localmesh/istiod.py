"""What istiod's debug endpoints and the Envoys' admin endpoints say about the config they have.

istiod: /debug/syncz (per proxy and xDS type: the nonce sent, the nonce ACKed, the last NACK), /debug/configz
(every config object loaded), /debug/registryz (the services), /debug/endpointShardz (their endpoints).
Envoy: /stats (its own count of rejected updates), /config_dump (where routes and clusters came from), /ready."""
import datetime
import json
import re
import urllib.error
import urllib.request

from localmesh.files import key

# What istiod or an Envoy not (yet) answering looks like to the caller.
UNREACHABLE = (urllib.error.URLError, OSError, ValueError)

TYPE_SHORT = {
    "type.googleapis.com/envoy.config.cluster.v3.Cluster": "CDS",
    "type.googleapis.com/envoy.config.listener.v3.Listener": "LDS",
    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": "RDS",
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment": "EDS",
    "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig": "ECDS",
}


def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def get_json(url, timeout=3):
    return json.loads(http_get(url, timeout) or "null")


def push_counter(nonce):
    """The push number in an istiod nonce: <RFC 3339 time>/<counter> followed by a 36-character UUID."""
    if not nonce or len(nonce) <= 36:
        return -1
    match = re.search(r"/(\d+)$", nonce[:-36])
    return int(match.group(1)) if match else -1


def parse_time(value):
    """RFC 3339 with nanoseconds, as Go writes it, in epoch seconds; None for Go's zero time."""
    if not value or value.startswith("0001-"):
        return None
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$", value)
    if not match:
        return None
    seconds = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return seconds.timestamp() + float(match.group(2) or 0)


def sync_state(syncz):
    """Per proxy id: {types: {short type: (sent, acked, error)}, counter: the highest push sent, lastSent: when
    istiod last sent it anything}, from the JSON of /debug/syncz."""
    state = {}
    for proxy in syncz or []:
        resources = proxy.get("resources") or {}
        types = {TYPE_SHORT.get(url, url.rsplit(".", 1)[-1]): (
            r.get("sent", ""), r.get("acked", ""), r.get("last_error", "") or r.get("lastError", ""))
            for url, r in resources.items()}
        sent_times = [parse_time(r.get("sentTime")) for r in resources.values()]
        state[proxy["proxy"]] = {"types": types,
                                 "counter": max([push_counter(t[0]) for t in types.values()] or [-1]),
                                 "lastSent": max([t for t in sent_times if t] or [0])}
    return state


def syncz_state(plan):
    return sync_state(get_json(plan["istiod"]["debug"] + "/debug/syncz"))


def sync_problems(plan, state):
    """(proxies not connected, types not ACKed, NACKs) of the plan's proxies in a sync state."""
    missing, unsynced, nacks = [], [], []
    for proxy in plan["proxies"]:
        st = state.get(proxy["proxyId"])
        if st is None:
            missing.append(proxy["name"])
            continue
        for kind, (sent, acked, error) in st["types"].items():
            if error:
                nacks.append("%s %s: %s" % (proxy["name"], kind, error))
            elif sent != acked:
                unsynced.append("%s %s" % (proxy["name"], kind))
        if not {"CDS", "LDS"} <= set(st["types"]):
            unsynced.append("%s (no CDS/LDS yet)" % proxy["name"])
    return missing, unsynced, nacks


def configz_keys(plan):
    return {(c.get("kind"), c.get("metadata", {}).get("namespace"), c.get("metadata", {}).get("name"))
            for c in get_json(plan["istiod"]["debug"] + "/debug/configz", timeout=5) or []}


def registry_hosts(plan):
    return {s.get("hostname") for s in get_json(plan["istiod"]["debug"] + "/debug/registryz", timeout=5) or []}


def endpoint_addresses(plan):
    """{(service host, namespace): {endpoint addresses}} as istiod has them."""
    addresses = {}
    for service, namespaces in (get_json(plan["istiod"]["debug"] + "/debug/endpointShardz", timeout=5) or {}).items():
        for namespace, shards in namespaces.items():
            for endpoints in (shards.get("Shards") or {}).values():
                for endpoint in endpoints or []:
                    addresses.setdefault((service, namespace), set()).update(endpoint.get("Addresses") or [])
    return addresses


def expected_endpoints(docs):
    """{(service host, namespace): {WorkloadEntry addresses}} that the ServiceEntries' workloadSelectors pick."""
    entries = [d for d in docs if d["kind"] == "ServiceEntry" and d["spec"].get("workloadSelector")]
    workloads = [d for d in docs if d["kind"] == "WorkloadEntry"]
    expected = {}
    for entry in entries:
        selector = entry["spec"]["workloadSelector"]["labels"]
        for workload in workloads:
            if key(workload)[1] == key(entry)[1] and all(
                    workload["spec"].get("labels", {}).get(k) == v for k, v in selector.items()):
                for host in entry["spec"]["hosts"]:
                    expected.setdefault((host, key(entry)[1]), set()).add(workload["spec"]["address"])
    return expected


def envoy_reject_counters(proxy):
    """Envoy's own count of xDS updates it rejected, and of listeners it could not bind."""
    counters = {}
    for line in http_get(proxy["admin"] + "/stats?filter=update_rejected|listener_create_failure").splitlines():
        name, _, value = line.partition(": ")
        if value.strip().isdigit():
            counters[name.strip()] = int(value.strip())
    return counters


def reject_baseline(plan):
    baseline = {}
    for proxy in plan["proxies"]:
        try:
            baseline[proxy["name"]] = envoy_reject_counters(proxy)
        except UNREACHABLE:
            baseline[proxy["name"]] = {}
    return baseline


def envoy_problems(proxy, baseline=None):
    """Counters that grew since the baseline (since the Envoy started, without one), and not being LIVE."""
    problems = []
    before = (baseline or {}).get(proxy["name"], {})
    for name, value in envoy_reject_counters(proxy).items():
        if value > before.get(name, 0):
            problems.append("%s %s=%d" % (proxy["name"], name, value - before.get(name, 0)))
    if http_get(proxy["admin"] + "/ready").strip() != "LIVE":
        problems.append("%s not LIVE" % proxy["name"])
    return problems


def envoys_referencing(plan, references):
    """Which Envoys' config_dump carries each reference: a config path in the istio metadata of routes
    (VirtualService) and clusters (DestinationRule), or an RBAC policy name (AuthorizationPolicy)."""
    found = {reference: [] for reference in references}
    for proxy in plan["proxies"]:
        try:
            dump = http_get(proxy["admin"] + "/config_dump", timeout=5)
        except UNREACHABLE:
            continue
        for reference in references:
            # a config path is a JSON string value: matched with its closing quote, or VirtualService
            # "gateway-service" would be found in "gateway-service-ingress" and never be seen dropped
            if ((reference + '"') if reference.startswith("/apis/") else reference) in dump:
                found[reference].append(proxy["name"])
    return found


def cluster_has_endpoint(clusters, host, address):
    """(whether an Envoy's /clusters text has an outbound cluster of host, whether that lists address as one of
    its endpoints). Its lines read outbound|8080||<host>::<address>:<port>::<stat>::<value>."""
    has_cluster = ("|%s::" % host) in clusters
    pattern = r"\|%s::%s:\d+::" % (re.escape(host), re.escape(address))
    return has_cluster, has_cluster and re.search(pattern, clusters) is not None


def envoys_with_endpoint(plan, host, address):
    """(the Envoys that have an outbound cluster of host, those of them that list address as its endpoint); an
    Envoy not answering is in neither."""
    having, listing = [], []
    for proxy in plan["proxies"]:
        try:
            clusters = http_get(proxy["admin"] + "/clusters", timeout=5)
        except UNREACHABLE:
            continue
        has_cluster, lists_address = cluster_has_endpoint(clusters, host, address)
        if has_cluster:
            having.append(proxy["name"])
        if lists_address:
            listing.append(proxy["name"])
    return having, listing
