package org.meshguide.conformance.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;
import org.meshguide.conformance.TraceChain;
import org.meshguide.conformance.Traffic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request through the ingress gateway is one trace in the cluster's Jaeger, with a span from the gateway, from
 * every sidecar and from every app on the path, each the child of the hop before it: what breaks when an app does
 * not propagate the trace headers (the trace splits, or Envoy's spans hang off each other and skip the app).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TracingIT {

	/** ingress gateway -> gateway-service -> business-v2 -> data-service as (service name, span kind), root first. */
	private static final List<String> EXPECTED_PATH = List.of("istio-ingressgateway.istio-system SERVER",
			"istio-ingressgateway.istio-system CLIENT", "gateway-service.default SERVER", "gateway-service SERVER",
			"gateway-service CLIENT", "gateway-service.default CLIENT", "business.default SERVER",
			"business-v2 SERVER", "business-v2 CLIENT", "business.default CLIENT", "data-service.default SERVER",
			"data-service SERVER");

	@AfterAll
	static void reset() {
		IstioConfig.reset();
	}

	@Test
	void oneRequestIsOneTraceThroughTheGatewayEverySidecarAndApp() {
		IstioConfig.use("destination-rule-business-subsets.yaml", "virtual-service-business-header-jason-v2.yaml");
		String traceId = TraceChain.hex(16);
		String callerSpanId = TraceChain.hex(8);
		Map<String, String> headers = new HashMap<>(TraceChain.b3(traceId, callerSpanId));
		headers.put("end-user", "jason");
		Traffic.Result result = Traffic.get(LocalCluster.INGRESS, headers);
		assertThat(result.isV2()).as(result.body()).isTrue();

		List<TraceChain.Span> spans = Jaeger.awaitTrace(traceId, EXPECTED_PATH.size());
		List<String> path = TraceChain.path(spans, callerSpanId);
		Report.line("cluster: tracing in Jaeger: 1 request -> trace %s, %d spans, path: %s", traceId, spans.size(),
				String.join(" -> ", path));
		assertThat(path).as("spans of trace %s: %s", traceId, TraceChain.describe(spans)).isEqualTo(EXPECTED_PATH);
		assertThat(spans).hasSize(EXPECTED_PATH.size());
	}

}
