package org.meshguide.conformance;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mirroring business traffic to v2 (mirrorPercentage 50) while v1 answers. Counted on both ends: the copies
 * gateway-service's Envoy sent to the v2 subset (cluster outbound|8080|v2|business upstream_rq_total) and the
 * requests business-v2's Envoy received inbound (http.inbound_127.0.10.3_8080 downstream_rq_total); the
 * copies are fire-and-forget, so the inbound count is polled (with a deadline) until it reaches the sent count.
 * Copies still queued at the gateway's Envoy are not in its sent count yet, so both counts are read with no copy
 * in flight, and no copy may be dropped for a full queue. Every test starts with no copy in flight: the slow-v2
 * test leaves copies that take seconds to finish, and no test may count another's.
 *
 * <p>n = 400 requests at p = 0.5 gives sigma = 2.5 points; ±8.5 points is 3.4 sigma (about 1 in 1500 runs).
 * Callers must see v1's answer on 100 % of requests, also while v2 fails (both data-service instances answer
 * 503, so v2 answers 5xx to every copy): n = 100, 100 % v1, and v2's inbound 5xx count rises.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MirroringIT {

	private static final URI GATEWAY_ADMIN = URI.create("http://127.0.10.1:15000");

	private static final URI BUSINESS_V2_ADMIN = URI.create("http://127.0.10.3:15000");

	private static final String V2_CLUSTER = "outbound|8080|v2|business.default.svc.cluster.local";

	private static final String V2_INBOUND = "http.inbound_127.0.10.3_8080;";

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@BeforeEach
	void noCopyOfAnEarlierTestInFlight() {
		awaitNoCopiesInFlight();
	}

	@Test
	void v2ReceivesTheMirroredShareAndCallersOnlySeeV1() {
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-mirror-v2.yaml");
		int n = 400;
		long sentBefore = mirrored();
		long receivedBefore = received("downstream_rq_total");
		long overflowBefore = gateway("upstream_rq_pending_overflow");
		List<Traffic.Result> results = Traffic.send(n, 4, LocalMesh.GATEWAY, Map.of());
		awaitNoCopiesInFlight();
		long sent = mirrored() - sentBefore;
		long overflowed = gateway("upstream_rq_pending_overflow") - overflowBefore;
		long received = await("v2 received every mirrored copy").atMost(Duration.ofSeconds(10))
			.until(() -> received("downstream_rq_total") - receivedBefore, (now) -> now >= sent);
		long v1 = results.stream().filter(Traffic.Result::isV1).count();
		boolean pass = v1 == n && received == sent && overflowed == 0;
		Report.line("mirror 50 %% to v2: n=%d, callers saw V1 %d times (required 100 %%), copies sent by the gateway's "
				+ "Envoy %d, received by v2's Envoy %d (required equal), dropped for a full queue %d (required 0) -> %s",
				n, v1, sent, received, overflowed, pass ? "PASS" : "FAIL");
		assertThat(v1).isEqualTo(n);
		assertThat(received).isEqualTo(sent);
		assertThat(overflowed).as("copies the gateway's Envoy dropped instead of sending").isZero();
		Binomial.assertShare("mirror 50 %, share of requests copied to v2", sent, n, 0.5, 0.085);
	}

	@Test
	void v2FailingDoesNotReachCallers() {
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-mirror-v2.yaml");
		int n = 100;
		long failedBefore = received("downstream_rq_5xx");
		List<Traffic.Result> results;
		try (DataServiceFailure one = DataServiceFailure.start(DataServiceFailure.DATA_SERVICE_1, 503, 1.0);
				DataServiceFailure two = DataServiceFailure.start(DataServiceFailure.DATA_SERVICE_2, 503, 1.0)) {
			results = Traffic.send(n, 4, LocalMesh.GATEWAY, Map.of());
			await("v2 answered 5xx to mirrored copies").atMost(Duration.ofSeconds(10))
				.until(() -> received("downstream_rq_5xx") > failedBefore);
		}
		long failed = received("downstream_rq_5xx") - failedBefore;
		long v1 = results.stream().filter(Traffic.Result::isV1).count();
		boolean pass = v1 == n && failed > 0;
		Report.line("mirror while v2 fails (data-service answers 503): n=%d, callers saw V1 (200) %d times (required "
				+ "100 %%), v2 answered %d mirrored copies with 5xx (required > 0) -> %s", n, v1, failed,
				pass ? "PASS" : "FAIL");
		assertThat(v1).isEqualTo(n);
		assertThat(failed).isPositive();
	}

	/**
	 * v2 slow: both data-service instances wait 3 s, so v2 needs over 3 s per mirrored copy; n = 40 callers (4 at
	 * a time) must all get v1's answer in under 1 s (Envoy does not wait for the copy).
	 */
	@Test
	void v2SlownessDoesNotReachCallers() {
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-mirror-v2.yaml");
		int n = 40;
		List<Traffic.Result> results;
		try (DataServiceFailure one = DataServiceFailure.slow(DataServiceFailure.DATA_SERVICE_1, 3000);
				DataServiceFailure two = DataServiceFailure.slow(DataServiceFailure.DATA_SERVICE_2, 3000)) {
			results = Traffic.send(n, 4, LocalMesh.GATEWAY, Map.of());
		}
		long v1 = results.stream().filter(Traffic.Result::isV1).count();
		long slowest = results.stream().mapToLong(r -> r.took().toMillis()).max().orElseThrow();
		boolean pass = v1 == n && slowest < 1000;
		Report.line("mirror while v2 is slow (data-service waits 3 s): n=%d, callers saw V1 %d times (required 100 %%), "
				+ "slowest %d ms (required < 1000) -> %s", n, v1, slowest, pass ? "PASS" : "FAIL");
		assertThat(v1).isEqualTo(n);
		assertThat(slowest).isLessThan(1000);
	}

	private static long mirrored() {
		return gateway("upstream_rq_total");
	}

	/** The gateway's Envoy has no copy to v2 queued or open, and v2's Envoy none open. */
	private static void awaitNoCopiesInFlight() {
		await("no mirrored copy in flight to v2").atMost(Duration.ofSeconds(20))
			.until(() -> gateway("upstream_rq_pending_active") + gateway("upstream_rq_active")
					+ received("downstream_rq_active") == 0);
	}

	private static long gateway(String stat) {
		return EnvoyStats.counter(GATEWAY_ADMIN, V2_CLUSTER, stat);
	}

	private static long received(String counter) {
		return EnvoyStats.counter(BUSINESS_V2_ADMIN, V2_INBOUND, counter);
	}

}
