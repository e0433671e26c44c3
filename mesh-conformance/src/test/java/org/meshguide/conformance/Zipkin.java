package org.meshguide.conformance;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

	/** The trace as one chain of "serviceName KIND" from the child of {@code rootParentId} down (TraceChain). */
	static List<String> chain(List<JsonNode> spans, String rootParentId) {
		return TraceChain.path(spans(spans), rootParentId);
	}

	static String describe(List<JsonNode> spans) {
		return TraceChain.describe(spans(spans));
	}

	private static List<TraceChain.Span> spans(List<JsonNode> spans) {
		return spans.stream()
			.map(s -> new TraceChain.Span(s.path("id").asString(), s.path("parentId").asString(),
					s.path("localEndpoint").path("serviceName").asString(), s.path("kind").asString()))
			.toList();
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
