package org.meshguide.conformance.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.meshguide.conformance.TraceChain;
import org.meshguide.conformance.Traffic;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * Reads traces back from the cluster's Jaeger (Istio's samples/addons/jaeger.yaml, Jaeger built from its Go
 * module) through its query API, /jaeger/api/traces/ID on the Service "tracing": the module build has no UI
 * assets, the API is complete. The host reaches the Service's ClusterIP through kube-proxy's rules.
 */
final class Jaeger {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Jaeger() {
	}

	static URI queryBase() {
		String ip = Kubectl.ok("get", "service", "tracing", "-n", "istio-system", "-o", "jsonpath={.spec.clusterIP}");
		return URI.create("http://" + ip.strip() + "/jaeger/");
	}

	/**
	 * Polls until the trace has at least {@code spans} spans (sidecars and apps report in batches, every few
	 * seconds), then returns them as the backend-neutral spans TraceChain walks.
	 */
	static List<TraceChain.Span> awaitTrace(String traceId, int spans) {
		URI trace = queryBase().resolve("api/traces/" + traceId);
		AtomicReference<List<TraceChain.Span>> found = new AtomicReference<>(List.of());
		await(spans + " spans of trace " + traceId + " in Jaeger").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> {
				found.set(fetch(trace));
				return found.get().size() >= spans;
			});
		return found.get();
	}

	private static List<TraceChain.Span> fetch(URI trace) {
		Traffic.Result response = Traffic.get(trace, Map.of());
		if (response.status() == 404) {
			return List.of();
		}
		if (response.status() != 200) {
			throw new AssertionError(trace + " answered " + response.status() + ": " + response.body());
		}
		JsonNode data = JSON.readTree(response.body()).path("data");
		if (data.isEmpty()) {
			return List.of();
		}
		JsonNode processes = data.get(0).path("processes");
		List<TraceChain.Span> spans = new ArrayList<>();
		for (JsonNode span : data.get(0).path("spans")) {
			String parent = "";
			for (JsonNode reference : span.path("references")) {
				if (reference.path("refType").asString().equals("CHILD_OF")) {
					parent = reference.path("spanID").asString();
				}
			}
			String kind = "";
			for (JsonNode tag : span.path("tags")) {
				if (tag.path("key").asString().equals("span.kind")) {
					kind = tag.path("value").asString().toUpperCase(Locale.ROOT);
				}
			}
			String service = processes.path(span.path("processID").asString()).path("serviceName").asString();
			spans.add(new TraceChain.Span(span.path("spanID").asString(), parent, service, kind));
		}
		return spans;
	}

}
