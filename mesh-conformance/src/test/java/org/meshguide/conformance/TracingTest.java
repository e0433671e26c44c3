package org.meshguide.conformance;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request through the mesh is one trace in the real Zipkin, with a span from every sidecar and every app
 * on the path, each the child of the hop before it. This is what breaks when an app does not propagate the
 * trace headers: the trace splits in two, or Envoy's spans hang off each other and skip the app.
 */
class TracingTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The path of gateway → business-v2 → data-service, as (Zipkin service name, span kind), root first. */
	private static final List<String> EXPECTED_PATH = List.of(
			"gateway-service.default SERVER", "gateway-service SERVER", "gateway-service CLIENT",
			"gateway-service.default CLIENT", "business.default SERVER", "business-v2 SERVER", "business-v2 CLIENT",
			"business.default CLIENT", "data-service.default SERVER", "data-service SERVER");

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void oneRequestIsOneTraceThroughEverySidecarAndApp() {
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-header-jason-v2.yaml");
		String traceId = hex(16);
		String callerSpanId = hex(8);
		String requestId = "conformance-" + UUID.randomUUID();
		Traffic.Result result = Traffic.get(LocalMesh.GATEWAY, Map.of("end-user", "jason", "x-b3-traceid", traceId,
				"x-b3-spanid", callerSpanId, "x-b3-sampled", "1", "x-request-id", requestId));
		assertThat(result.isV2()).as(result.body()).isTrue();

		List<JsonNode> spans = Polling.await(Duration.ofSeconds(20), EXPECTED_PATH.size() + " spans in Zipkin", () -> {
			List<JsonNode> trace = fetchList(LocalMesh.ZIPKIN.resolve("/api/v2/trace/" + traceId));
			return (trace.size() >= EXPECTED_PATH.size()) ? trace : null;
		});

		List<String> path = new ArrayList<>();
		String parent = callerSpanId;
		while (true) {
			String parentId = parent;
			List<JsonNode> children = spans.stream().filter(s -> parentId.equals(s.path("parentId").asString())).toList();
			if (children.isEmpty()) {
				break;
			}
			assertThat(children).as("children of span %s: the trace must be one chain", parentId).hasSize(1);
			JsonNode child = children.get(0);
			path.add(child.path("localEndpoint").path("serviceName").asString() + " " + child.path("kind").asString());
			parent = child.path("id").asString();
		}
		List<JsonNode> traces = fetchList(LocalMesh.ZIPKIN.resolve("/api/v2/traces?lookback=600000&limit=10&annotationQuery="
				+ URLEncoder.encode("guid:x-request-id=" + requestId, StandardCharsets.UTF_8)));
		Report.line("tracing: 1 request -> %d trace(s) with its x-request-id, %d spans, path: %s", traces.size(),
				spans.size(), String.join(" -> ", path));
		assertThat(traces).as("traces carrying x-request-id %s", requestId).hasSize(1);
		assertThat(path).as("spans of trace %s: %s", traceId, describe(spans)).isEqualTo(EXPECTED_PATH);
		assertThat(spans).hasSize(EXPECTED_PATH.size());
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

	private static String describe(List<JsonNode> spans) {
		return spans.stream()
			.map(s -> s.path("localEndpoint").path("serviceName").asString() + "/" + s.path("kind").asString() + " "
					+ s.path("parentId").asString() + "->" + s.path("id").asString())
			.collect(Collectors.joining(", "));
	}

	private static String hex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		random[0] |= 0x10;
		return HexFormat.of().formatHex(random);
	}

}
