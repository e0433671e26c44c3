package org.meshguide.conformance.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Binomial;
import org.meshguide.conformance.Traffic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Envoy's fault filter in gateway-service's sidecar, on the route to business, seen through the ingress gateway:
 * the same sample and the same assertion as the local mesh's FaultInjectionTest.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FaultInjectionIT {

	@AfterAll
	static void reset() {
		IstioConfig.reset();
	}

	/**
	 * n = 1000 at p = 0.3 gives sigma = 1.45 points; ±5 points is 3.45 sigma (a correct mesh fails about once
	 * in 1800 runs). Retries are off on the route, so every abort reaches the gateway app, which answers 503 with
	 * the sidecar's body; without the sample no request is a 503 and this fails.
	 */
	@Test
	void abortAnswers503ForTheConfiguredShare() {
		IstioConfig.use("destination-rule-business-subsets.yaml", "virtual-service-business-fault-abort-503.yaml");
		int n = 1000;
		List<Traffic.Result> results = Traffic.send(n, 4, LocalCluster.INGRESS, Map.of());
		List<Traffic.Result> aborted = results.stream().filter(r -> r.status() == 503).toList();
		assertThat(aborted).allSatisfy(r -> assertThat(r.body()).contains("\"upstreamBody\":\"fault filter abort\""));
		assertThat(results.stream().filter(r -> r.status() != 503)).allSatisfy(r -> assertThat(r.isV1()).isTrue());
		Binomial.assertShare("cluster: abort 503 at 30 % through the ingress gateway", aborted.size(), n, 0.30, 0.05);
	}

}
