package org.meshguide.conformance.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Binomial;
import org.meshguide.conformance.Report;
import org.meshguide.conformance.Traffic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request routing on business through the ingress gateway's NodePort, as a client outside the cluster sees it:
 * the same samples and the same assertions as the local mesh's RequestRoutingTest.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RequestRoutingIT {

	private static final String SUBSETS = "destination-rule-business-subsets.yaml";

	@AfterAll
	static void reset() {
		IstioConfig.reset();
	}

	/**
	 * n = 2000 at p = 0.2 gives sigma = 0.89 points; ±3 points is 3.35 sigma, so a correct mesh fails this
	 * about once in 1200 runs. Without the VirtualService business answers about 50/50 and this fails.
	 */
	@Test
	void weighted20To80SplitsWithinThreePoints() {
		IstioConfig.use(SUBSETS, "virtual-service-business-weighted-20-80.yaml");
		int n = 2000;
		List<Traffic.Result> results = Traffic.send(n, 4, LocalCluster.INGRESS, Map.of());
		assertThat(results).allSatisfy(r -> assertThat(r.isV1() || r.isV2()).as("status %d: %s", r.status(), r.body())
			.isTrue());
		long v1 = results.stream().filter(Traffic.Result::isV1).count();
		Binomial.assertShare("cluster: weighted 20/80 through the ingress gateway, share of v1", v1, n, 0.20, 0.03);
	}

	@Test
	void headerMatchSendsJasonToV2AndEveryoneElseToV1() {
		IstioConfig.use(SUBSETS, "virtual-service-business-header-jason-v2.yaml");
		int n = 100;
		List<Traffic.Result> jason = Traffic.send(n, 2, LocalCluster.INGRESS, Map.of("end-user", "jason"));
		List<Traffic.Result> others = Traffic.send(n, 2, LocalCluster.INGRESS, Map.of("end-user", "alice"));
		List<Traffic.Result> anonymous = Traffic.send(n, 2, LocalCluster.INGRESS, Map.of());
		long jasonV2 = jason.stream().filter(Traffic.Result::isV2).count();
		long othersV1 = others.stream().filter(Traffic.Result::isV1).count()
				+ anonymous.stream().filter(Traffic.Result::isV1).count();
		Report.line("cluster: header end-user=jason -> v2: n=%d, v2 %d; other users -> v1: n=%d, v1 %d; required 100 %% "
				+ "-> %s", n, jasonV2, 2 * n, othersV1, (jasonV2 == n && othersV1 == 2L * n) ? "PASS" : "FAIL");
		assertThat(jasonV2).isEqualTo(n);
		assertThat(othersV1).isEqualTo(2L * n);
	}

}
