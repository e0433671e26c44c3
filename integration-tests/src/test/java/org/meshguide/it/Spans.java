package org.meshguide.it;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading Zipkin v2 JSON spans, and making up the trace context a caller sends.
 */
final class Spans {

	private Spans() {
	}

	/** The one span of this service and kind ({@code SERVER}, {@code CLIENT}); fails naming all spans otherwise. */
	static JsonNode span(List<JsonNode> spans, String service, String kind) {
		List<JsonNode> matches = spans.stream()
			.filter((s) -> service.equals(s.path("localEndpoint").path("serviceName").asString())
					&& kind.equals(s.path("kind").asString()))
			.toList();
		assertThat(matches).as("%s spans of %s in %s", kind, service, spans).hasSize(1);
		return matches.get(0);
	}

	static String id(JsonNode span) {
		return span.path("id").asString();
	}

	static String parent(JsonNode span) {
		return span.path("parentId").asString();
	}

	/** A random lower-case hex id of this many bytes, never starting with a zero digit (B3 ids keep their length). */
	static String randomHex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		random[0] |= 0x10;
		return HexFormat.of().formatHex(random);
	}

	/**
	 * gateway-service → business-v2 → data-service as one trace: five spans, each parent the span that called
	 * it, the first one's parent the caller's span, and the caller's {@code x-request-id} on every server span.
	 */
	static void assertChainTrace(List<JsonNode> spans, String callerSpanId, String requestId) {
		JsonNode gatewayServer = span(spans, "gateway-service", "SERVER");
		JsonNode gatewayClient = span(spans, "gateway-service", "CLIENT");
		JsonNode businessServer = span(spans, "business-v2", "SERVER");
		JsonNode businessClient = span(spans, "business-v2", "CLIENT");
		JsonNode dataServer = span(spans, "data-service", "SERVER");
		assertThat(spans).hasSize(5);
		assertThat(parent(gatewayServer)).isEqualTo(callerSpanId);
		assertThat(parent(gatewayClient)).isEqualTo(id(gatewayServer));
		assertThat(parent(businessServer)).isEqualTo(id(gatewayClient));
		assertThat(parent(businessClient)).isEqualTo(id(businessServer));
		assertThat(parent(dataServer)).as("data-service's parent is business-v2's outgoing call")
			.isEqualTo(id(businessClient));
		assertThat(List.of(gatewayServer, businessServer, dataServer))
			.allSatisfy((span) -> assertThat(span.path("tags").path("x-request-id").asString())
				.as("x-request-id arriving at %s", span.path("localEndpoint").path("serviceName").asString())
				.isEqualTo(requestId));
	}

}
