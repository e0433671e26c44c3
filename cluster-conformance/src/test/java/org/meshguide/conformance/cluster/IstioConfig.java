package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.meshguide.conformance.EnvoyStats;
import org.meshguide.conformance.Report;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * The Istio config of the cluster, changed the way a reader changes it ({@code kubectl apply -f istio/...},
 * {@code kubectl delete}), and waited for the way Envoy shows it: a route carries the VirtualService it came
 * from, a cluster its DestinationRule (istio.config metadata), an RBAC rule its AuthorizationPolicy. A change
 * counts as made once every proxy concerned has it in its config_dump, and as undone once none has; and only
 * once those proxies no longer drain filter chains: a connection accepted before a listener change keeps the old
 * filter chain (no RBAC filter, say) until Envoy has drained it (pilot-agent's drain time, 45 s by default), so
 * a policy is not yet in effect for a client whose pooled connection predates it.
 *
 * <p>The base state is what scripts/up-istio.sh leaves: only the ingress Gateway and its VirtualService
 * (istio/gateway-gateway-service-ingress.yaml).
 */
final class IstioConfig {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** What a test may apply; everything of these kinds that is not in the base state is removed by reset(). */
	private static final String KINDS = "virtualservices.networking.istio.io,destinationrules.networking.istio.io,"
			+ "serviceentries.networking.istio.io,sidecars.networking.istio.io,"
			+ "authorizationpolicies.security.istio.io,peerauthentications.security.istio.io,"
			+ "requestauthentications.security.istio.io";

	private static final Set<String> BASE = Set.of("Gateway/default/mesh-guide",
			"VirtualService/default/gateway-service-ingress");

	private static final Duration PROPAGATION = Duration.ofSeconds(90);

	private IstioConfig() {
	}

	/** Makes exactly these istio/ samples the config on top of the base state, and waits until Envoy has it. */
	static void use(String... samples) {
		reset();
		apply(samples);
	}

	/** {@code kubectl apply -f istio/SAMPLE...}, then waits until every proxy concerned has the objects. */
	static void apply(String... samples) {
		List<String> args = new ArrayList<>(List.of("apply", "-o", "json"));
		for (String sample : samples) {
			args.add("-f");
			args.add(LocalCluster.file("istio/" + sample).toString());
		}
		List<JsonNode> applied = items(Kubectl.ok(args.toArray(String[]::new)));
		awaitEnvoys(applied, true);
		Report.line("applied %s: every proxy concerned has it", String.join(", ", samples));
	}

	/** Deletes every Istio object a test may have left, and waits until no proxy has them. */
	static void reset() {
		List<JsonNode> extra = items(Kubectl.ok("get", KINDS, "-A", "-o", "json")).stream()
			.filter(o -> !BASE.contains(id(o)))
			.toList();
		if (extra.isEmpty()) {
			return;
		}
		for (JsonNode o : extra) {
			Kubectl.ok("delete", o.path("kind").asString(), o.path("metadata").path("name").asString(), "-n",
					o.path("metadata").path("namespace").asString(), "--ignore-not-found");
		}
		awaitEnvoys(extra, false);
		Report.line("reset to the base state: removed %s",
				extra.stream().map(IstioConfig::id).collect(Collectors.joining(", ")));
	}

	private static void awaitEnvoys(List<JsonNode> objects, boolean present) {
		Map<String, List<String>> proxiesByMarker = new TreeMap<>();
		for (JsonNode o : objects) {
			String marker = marker(o);
			if (marker != null) {
				proxiesByMarker.put(marker, proxiesConcerned(o));
			}
		}
		if (proxiesByMarker.isEmpty()) {
			return;
		}
		await("Envoy config " + (present ? "with " : "without ") + proxiesByMarker.keySet()).atMost(PROPAGATION)
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> lagging(proxiesByMarker, present).isEmpty());
		Set<String> proxies = proxiesByMarker.values().stream().flatMap(List::stream).collect(Collectors.toSet());
		await("no filter chain draining on " + proxies).atMost(PROPAGATION)
			.pollInterval(Duration.ofSeconds(2))
			.until(() -> draining(proxies).isEmpty());
	}

	/** The proxies with connections still on a replaced filter chain or listener. */
	private static Map<String, Long> draining(Set<String> proxies) {
		Map<String, Long> draining = new TreeMap<>();
		inParallel(proxies, "stats?filter=_draining$").forEach((proxy, stats) -> {
			long count = EnvoyStats.sum(stats, "listener_manager.", "_draining");
			if (count > 0) {
				draining.put(proxy, count);
			}
		});
		return draining;
	}

	/** The proxies that do not yet show (present) or still show (!present) a marker. */
	private static List<String> lagging(Map<String, List<String>> proxiesByMarker, boolean present) {
		Set<String> proxies = proxiesByMarker.values().stream().flatMap(List::stream).collect(Collectors.toSet());
		Map<String, String> dumps = inParallel(proxies, "config_dump");
		List<String> lagging = new ArrayList<>();
		proxiesByMarker.forEach((marker, concerned) -> {
			for (String proxy : concerned) {
				if (dumps.get(proxy).contains(marker) != present) {
					lagging.add(proxy + ": " + marker);
				}
			}
		});
		return lagging;
	}

	/**
	 * What an object leaves in Envoy's config: the metadata path of a VirtualService or DestinationRule (a JSON
	 * string value, so with its closing quote: VirtualService "gateway-service" must not match
	 * "gateway-service-ingress"), the RBAC policy name of an AuthorizationPolicy; null for kinds without one
	 * (PeerAuthentication: the tests that use it wait for its effect instead).
	 */
	private static String marker(JsonNode o) {
		String ns = o.path("metadata").path("namespace").asString();
		String name = o.path("metadata").path("name").asString();
		return switch (o.path("kind").asString()) {
			case "VirtualService" -> "\"/apis/networking.istio.io/v1/namespaces/" + ns + "/virtual-service/" + name
					+ "\"";
			case "DestinationRule" -> "\"/apis/networking.istio.io/v1/namespaces/" + ns + "/destination-rule/" + name
					+ "\"";
			case "AuthorizationPolicy" -> "ns[" + ns + "]-policy[" + name + "]";
			default -> null;
		};
	}

	/**
	 * Pods whose proxy has the object: every sidecar for mesh routes and destination rules, the ingress gateway
	 * for routes bound to it, the selected workloads for an authorization policy.
	 */
	private static List<String> proxiesConcerned(JsonNode o) {
		JsonNode spec = o.path("spec");
		if (o.path("kind").asString().equals("AuthorizationPolicy")) {
			List<String> labels = new ArrayList<>();
			spec.path("selector")
				.path("matchLabels")
				.properties()
				.forEach(e -> labels.add(e.getKey() + "=" + e.getValue().asString()));
			return pods("default", String.join(",", labels) + (labels.isEmpty() ? "" : ",")
					+ "security.istio.io/tlsMode=istio");
		}
		if (spec.path("gateways").isArray() && !spec.path("gateways").isEmpty()) {
			return pods("istio-system", "istio=ingressgateway");
		}
		return pods("default", "security.istio.io/tlsMode=istio");
	}

	/** namespace/name of the running Pods matching {@code selector} that are not being deleted. */
	static List<String> pods(String namespace, String selector) {
		return items(Kubectl.ok("get", "pods", "-n", namespace, "-l", selector, "--field-selector",
				"status.phase=Running", "-o", "json"))
			.stream()
			.filter(pod -> pod.path("metadata").path("deletionTimestamp").isMissingNode())
			.map(pod -> namespace + "/" + pod.path("metadata").path("name").asString())
			.sorted()
			.toList();
	}

	/** GET {@code path} of each proxy's Envoy admin (pilot-agent request), in parallel: one kubectl exec each. */
	private static Map<String, String> inParallel(Set<String> proxies, String path) {
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			Map<String, Future<String>> futures = new TreeMap<>();
			for (String proxy : proxies) {
				String[] nsName = proxy.split("/");
				futures.put(proxy, pool.submit(() -> Kubectl.ok(Duration.ofSeconds(30), "exec", "-n", nsName[0],
						nsName[1], "-c", "istio-proxy", "--", "pilot-agent", "request", "GET", path)));
			}
			Map<String, String> answers = new TreeMap<>();
			for (Map.Entry<String, Future<String>> e : futures.entrySet()) {
				answers.put(e.getKey(), e.getValue().get());
			}
			return answers;
		}
		catch (Exception ex) {
			throw new AssertionError("GET " + path + " of the proxies' Envoy admin failed: " + ex, ex);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static String id(JsonNode o) {
		return o.path("kind").asString() + "/" + o.path("metadata").path("namespace").asString() + "/"
				+ o.path("metadata").path("name").asString();
	}

	/** The objects of kubectl's JSON output: one object, a List's items, or one object after another. */
	static List<JsonNode> items(String json) {
		List<JsonNode> items = new ArrayList<>();
		try (var values = JSON.readerFor(JsonNode.class).<JsonNode>readValues(json)) {
			while (values.hasNextValue()) {
				JsonNode root = values.nextValue();
				if (root.path("kind").asString().equals("List") || root.has("items")) {
					root.path("items").forEach(items::add);
				}
				else {
					items.add(root);
				}
			}
		}
		return items;
	}

}
