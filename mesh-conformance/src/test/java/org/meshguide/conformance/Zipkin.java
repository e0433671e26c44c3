package org.meshguide.conformance;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reads traces back from the real Zipkin of the local mesh, and walks them the way a trace view draws them.
 */
final class Zipkin {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Zipkin() {
	}

	/** Polls until the trace has at least {@code spans} spans (reporters send in batches, about once a second). */
	static List<JsonNode> awaitTrace(String traceId, int spans) {
		return await(spans + " spans of trace " + traceId + " in Zipkin").atMost(Duration.ofSeconds(20))
			.until(() -> fetchList(LocalMesh.ZIPKIN.resolve("/api/v2/trace/" + traceId)), (trace) -> trace.size() >= spans);
	}

	/** The service names of the spans Zipkin has of a trace so far (none while it has none). */
	static List<String> serviceNames(String traceId) {
		return fetchList(LocalMesh.ZIPKIN.resolve("/api/v2/trace/" + traceId)).stream()
			.map(span -> span.path("localEndpoint").path("serviceName").asString())
			.toList();
	}

	/** The traces Envoy tagged with this {@code x-request-id} (its {@code guid:x-request-id} tag). */
	static List<JsonNode> tracesWithRequestId(String requestId) {
		return fetchList(LocalMesh.ZIPKIN.resolve("/api/v2/traces?lookback=600000&limit=10&annotationQuery="
				+ URLEncoder.encode("guid:x-request-id=" + requestId, StandardCharsets.UTF_8)));
	}

	/**
	 * Follows the spans from the child of {@code rootParentId} down, as "serviceName KIND" per span; every span
	 * on the way must have exactly one child, or the trace is not one chain.
	 */
	static List<String> chain(List<JsonNode> spans, String rootParentId) {
		List<String> path = new ArrayList<>();
		String parent = rootParentId;
		while (true) {
			String parentId = parent;
			List<JsonNode> children = spans.stream().filter(s -> parentId.equals(s.path("parentId").asString())).toList();
			if (children.isEmpty()) {
				return path;
			}
			assertThat(children).as("children of span %s in %s: the trace must be one chain", parentId, describe(spans))
				.hasSize(1);
			JsonNode child = children.get(0);
			path.add(child.path("localEndpoint").path("serviceName").asString() + " " + child.path("kind").asString());
			parent = child.path("id").asString();
		}
	}

	/** B3 headers that make the caller the parent of the trace: trace id, this span id, sampled. */
	static Map<String, String> b3(String traceId, String spanId) {
		return Map.of("x-b3-traceid", traceId, "x-b3-spanid", spanId, "x-b3-sampled", "1");
	}

	static String describe(List<JsonNode> spans) {
		return spans.stream()
			.map(s -> s.path("localEndpoint").path("serviceName").asString() + "/" + s.path("kind").asString() + " "
					+ s.path("parentId").asString() + "->" + s.path("id").asString())
			.collect(Collectors.joining(", "));
	}

	/** A random B3 id of {@code bytes} bytes, never with a leading zero (Zipkin would shorten it). */
	static String hex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		random[0] |= 0x10;
		return HexFormat.of().formatHex(random);
	}

	private static List<JsonNode> fetchList(URI uri) {
		Traffic.Result response = Traffic.get(uri, Map.of());
		if (response.status() == 404) {
			return List.of();
		}
		assertThat(response.status()).as("%s: %s", uri, response.body()).isEqualTo(200);
		List<JsonNode> list = new ArrayList<>();
		JSON.readTree(response.body()).forEach(list::add);
		return list;
	}

}
