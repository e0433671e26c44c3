package org.meshguide.conformance.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;
import org.meshguide.conformance.Traffic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain from outside the cluster: the ingress gateway's NodePort -> gateway-service -> business (v1 or v2)
 * -> data-service, in the base state (no routing rules: both versions of business answer).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IngressGatewayIT {

	private static final int N = 40;

	@BeforeAll
	static void baseState() {
		IstioConfig.reset();
	}

	/**
	 * n = 40: every answer 200 with the chain's body and x-served-by naming the gateway-service Pod (Downward API);
	 * both versions of business seen (one missing by chance: 2 x 0.5^40).
	 */
	@Test
	void everyRequestTravelsTheWholeChain() {
		List<String> gatewayPods = Kubectl.podNames("app=gateway-service");
		List<Traffic.Result> results = Traffic.send(N, 2, LocalCluster.INGRESS, Map.of());
		long chain = results.stream()
			.filter(r -> r.status() == 200 && r.body().startsWith("Gateway get from upstream: [")
					&& r.body().contains("response from: business V"))
			.count();
		long v1 = results.stream().filter(Traffic.Result::isV1).count();
		long v2 = results.stream().filter(Traffic.Result::isV2).count();
		long v2WithData = results.stream()
			.filter(r -> r.isV2() && r.body().contains("data from data-service-"))
			.count();
		List<String> servedBy = results.stream().map(r -> r.header("x-served-by")).distinct().toList();
		boolean pass = chain == N && v1 > 0 && v2 > 0 && v2WithData == v2 && gatewayPods.containsAll(servedBy);
		Report.line("cluster: ingress NodePort %s: n=%d, %d answered 200 with the chain (v1 %d, v2 %d, v2 with "
				+ "data-service's answer %d), x-served-by %s of Pods %s -> %s", LocalCluster.INGRESS, N, chain, v1, v2,
				v2WithData, servedBy, gatewayPods, pass ? "PASS" : "FAIL");
		assertThat(chain).isEqualTo(N);
		assertThat(v1).as("answers from business v1").isPositive();
		assertThat(v2).as("answers from business v2").isPositive();
		assertThat(v2WithData).as("v2 answers carrying data-service's").isEqualTo(v2);
		assertThat(servedBy).as("x-served-by").isNotEmpty().isSubsetOf(gatewayPods);
	}

}
