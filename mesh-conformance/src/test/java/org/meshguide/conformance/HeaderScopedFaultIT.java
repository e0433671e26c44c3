package org.meshguide.conformance;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults scoped to one user, and switching retries off where ratios are measured.
 *
 * <p>Abort for end-user jason only: n = 20 jason requests through the gateway's sidecar, 100 % 503 with
 * upstreamBody "fault filter abort"; n = 20 others, 100 % 200 from v1 (a header match is not random: no
 * tolerance).
 *
 * <p>No retries on gateway-service: the route the callers' Envoys get for gateway-service:8080 has no retry
 * policy with the sample (checked in business-v1's config_dump) and Istio's default one (2 retries) without it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HeaderScopedFaultIT {

	private static final URI BUSINESS_V1_ADMIN = URI.create("http://127.0.10.2:15000");

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void abortHitsJasonOnly() {
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-fault-abort-jason.yaml");
		int n = 20;
		List<Traffic.Result> jason = Traffic.send(n, 2, LocalMesh.GATEWAY, Map.of("end-user", "jason"));
		List<Traffic.Result> others = Traffic.send(n, 2, LocalMesh.GATEWAY, Map.of());
		long aborted = jason.stream()
			.filter(r -> r.status() == 503 && r.body().contains("\"upstreamBody\":\"fault filter abort\""))
			.count();
		long served = others.stream().filter(Traffic.Result::isV1).count();
		boolean pass = aborted == n && served == n;
		Report.line("abort for end-user jason only: n=%d jason, %d aborted 503 (required 100 %%); n=%d others, %d "
				+ "served by V1 (required 100 %%) -> %s", n, aborted, n, served, pass ? "PASS" : "FAIL");
		assertThat(aborted).isEqualTo(n);
		assertThat(served).isEqualTo(n);
	}

	@Test
	void noRetriesSampleRemovesTheDefaultRetryPolicy() {
		LocalMesh.use();
		String byDefault = gatewayServiceRetryPolicy();
		LocalMesh.use("virtual-service-gateway-service-no-retries.yaml");
		String withSample = gatewayServiceRetryPolicy();
		boolean pass = byDefault.contains("\"num_retries\":2") && withSample.equals("none");
		Report.line("retries on calls to gateway-service (business-v1's route): default %s, with the no-retries sample "
				+ "%s (required: default 2 retries, sample none) -> %s", byDefault, withSample, pass ? "PASS" : "FAIL");
		assertThat(byDefault).contains("\"num_retries\":2");
		assertThat(withSample).isEqualTo("none");
	}

	/** The retry_policy JSON of the route business-v1's Envoy uses for gateway-service:8080, or "none". */
	private static String gatewayServiceRetryPolicy() {
		String dump = Traffic.get(BUSINESS_V1_ADMIN.resolve("/config_dump?resource=dynamic_route_configs"), Map.of())
			.body()
			.replaceAll("\\s+", "");
		int name = dump.indexOf("\"name\":\"gateway-service.default.svc.cluster.local:8080\"");
		assertThat(name).as("gateway-service virtual host in business-v1's routes").isPositive();
		String vhost = balanced(dump, dump.lastIndexOf('{', name));
		int policy = vhost.indexOf("\"retry_policy\":{");
		if (policy < 0) {
			return "none";
		}
		return balanced(vhost, policy + "\"retry_policy\":".length());
	}

	/** The JSON object starting at {@code open} (a '{'), braces balanced. */
	private static String balanced(String json, int open) {
		int depth = 0;
		for (int i = open; i < json.length(); i++) {
			char c = json.charAt(i);
			if (c == '{') {
				depth++;
			}
			else if (c == '}' && --depth == 0) {
				return json.substring(open, i + 1);
			}
		}
		throw new AssertionError("unbalanced JSON from Envoy admin");
	}

}
