package org.meshguide.conformance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request through the mesh is one trace in the real Zipkin, with a span from every sidecar and every app
 * on the path, each the child of the hop before it. This is what breaks when an app does not propagate the
 * trace headers: the trace splits in two, or Envoy's spans hang off each other and skip the app.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TracingIT {

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
		String traceId = TraceChain.hex(16);
		String callerSpanId = TraceChain.hex(8);
		String requestId = "conformance-" + UUID.randomUUID();
		Map<String, String> headers = new HashMap<>(TraceChain.b3(traceId, callerSpanId));
		headers.putAll(Map.of("end-user", "jason", "x-request-id", requestId));
		Traffic.Result result = Traffic.get(LocalMesh.GATEWAY, headers);
		assertThat(result.isV2()).as(result.body()).isTrue();

		List<JsonNode> spans = Zipkin.awaitTrace(traceId, EXPECTED_PATH.size());
		List<String> path = Zipkin.chain(spans, callerSpanId);
		List<JsonNode> traces = Zipkin.tracesWithRequestId(requestId);
		Report.line("tracing: 1 request -> %d trace(s) with its x-request-id, %d spans, path: %s", traces.size(),
				spans.size(), String.join(" -> ", path));
		assertThat(traces).as("traces carrying x-request-id %s", requestId).hasSize(1);
		assertThat(path).as("spans of trace %s: %s", traceId, Zipkin.describe(spans)).isEqualTo(EXPECTED_PATH);
		assertThat(spans).hasSize(EXPECTED_PATH.size());
	}

}
