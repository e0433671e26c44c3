package org.meshguide.conformance;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route timeouts and retries.
 *
 * <p>Timeout interplay: the 10 s delay for end-user jason on business (gateway-service's Envoy) under a 1 s
 * route timeout on gateway-service (the caller's Envoy: business-v1's outbound listener 127.0.11.2:8080 used
 * as "a meshed pod calling gateway-service"): jason gets Envoy's 504 "upstream request timeout" after 1 s, not
 * after 10 s (n = 3, each between 0.9 and 2.0 s: Envoy's timer fires within a millisecond or two of 1 s); others get 200 from v1 in under 1 s (n = 20).
 *
 * <p>Retries: data-service-1 answers 503 to half its requests. With Istio's default retry policy (no
 * VirtualService; since 1.24 it does not retry 503) the caller sees failures with p = 0.5 x 0.5 = 0.25 and the
 * caller's Envoy retries nothing: n = 200 gives sigma = 3.06 points, ±11 points is 3.6 sigma; retries
 * counted: exactly 0. With virtual-service-data-service-retries.yaml (retryOn 5xx,connect-failure, 3 attempts,
 * another host preferred) every one of n = 200 requests succeeds (100 %, no tolerance: the retry goes to the
 * healthy instance) and upstream_rq_retry rises.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TimeoutsAndRetriesIT {

	private static final URI BUSINESS_V2_ADMIN = URI.create("http://127.0.10.3:15000");

	private static final InetSocketAddress BUSINESS_V1_OUTBOUND = new InetSocketAddress("127.0.11.2", 8080);

	private static final String DATA = "http://data-service:8080/api/data";

	private static final String DATA_CLUSTER = "outbound|8080||data-service.default.svc.cluster.local";

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void routeTimeoutAnswers504AtTheTimeoutNotAtTheDelay() {
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-fault-delay-10s.yaml",
				"virtual-service-gateway-service-timeout-1s.yaml");
		int delayed = 3;
		int others = 20;
		long slowestJason = 0;
		long fastestJason = Long.MAX_VALUE;
		for (int i = 0; i < delayed; i++) {
			long start = System.nanoTime();
			Proxied.Response jason = Proxied.get(Proxied.LOOPBACK, BUSINESS_V1_OUTBOUND, "http://gateway-service:8080/",
					Map.of("end-user", "jason"));
			long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
			assertThat(jason.status()).isEqualTo(504);
			assertThat(jason.body()).isEqualTo("upstream request timeout");
			slowestJason = Math.max(slowestJason, ms);
			fastestJason = Math.min(fastestJason, ms);
		}
		long slowestOther = 0;
		for (int i = 0; i < others; i++) {
			long start = System.nanoTime();
			Proxied.Response other = Proxied.get(Proxied.LOOPBACK, BUSINESS_V1_OUTBOUND, "http://gateway-service:8080/",
					Map.of());
			slowestOther = Math.max(slowestOther, Duration.ofNanos(System.nanoTime() - start).toMillis());
			assertThat(other.status()).isEqualTo(200);
			assertThat(other.body()).contains("response from: business V1");
		}
		boolean pass = fastestJason >= 900 && slowestJason < 2000 && slowestOther < 1000;
		Report.line("timeout 1s over delay 10s: n=%d jason, all 504 after %d..%d ms (required 900..2000: Envoy timers have ms precision); n=%d "
				+ "others, all 200, slowest %d ms (required < 1000) -> %s", delayed, fastestJason, slowestJason, others,
				slowestOther, pass ? "PASS" : "FAIL");
		assertThat(fastestJason).isGreaterThanOrEqualTo(900);
		assertThat(slowestJason).isLessThan(2000);
		assertThat(slowestOther).isLessThan(1000);
	}

	@Test
	void retriesTurnAFlakyInstanceIntoFullSuccess() {
		int n = 200;
		try (DataServiceFailure flaky = DataServiceFailure.start(DataServiceFailure.DATA_SERVICE_1, 503, 0.5)) {
			LocalMesh.use();
			long retriesBefore = retries();
			long failedByDefault = calls(n).stream().filter(r -> r.status() != 200).count();
			long defaultRetries = retries() - retriesBefore;
			Report.line("Istio default retry policy vs 503: n=%d, caller's Envoy retried %d (required 0: 503 is not "
					+ "retried by default since Istio 1.24) -> %s", n, defaultRetries,
					(defaultRetries == 0) ? "PASS" : "FAIL");
			assertThat(defaultRetries).isZero();
			Binomial.assertShare("without retries, failed share (data-service-1 fails 50 %)", failedByDefault, n, 0.25,
					0.11);

			LocalMesh.use("virtual-service-data-service-retries.yaml");
			retriesBefore = retries();
			long succeeded = calls(n).stream().filter(r -> r.status() == 200).count();
			long retried = retries() - retriesBefore;
			boolean pass = succeeded == n && retried > 0;
			Report.line("with retries (5xx,connect-failure, 3 attempts): n=%d, succeeded %d (required 100 %%), "
					+ "upstream_rq_retry +%d (required > 0) -> %s", n, succeeded, retried, pass ? "PASS" : "FAIL");
			assertThat(succeeded).isEqualTo(n);
			assertThat(retried).isPositive();
		}
	}

	/**
	 * perTryTimeout: data-service-1 answers every request after 2 s. Without a VirtualService some of n = 20
	 * calls (4 at a time) take 2 s or more (all 20 avoiding data-service-1 has probability 0.5^20 = 1e-6); with
	 * the retries sample every call is answered 200 by data-service-2 within 1.5 s (500 ms per try, then the
	 * other instance), and the caller's Envoy counts upstream_rq_per_try_timeout.
	 */
	@Test
	void perTryTimeoutMovesSlowCallsToTheOtherInstance() {
		int n = 20;
		try (DataServiceFailure slow = DataServiceFailure.slow(DataServiceFailure.DATA_SERVICE_1, 2000)) {
			LocalMesh.use();
			long slowestByDefault = timed(n).stream().mapToLong(Timed::ms).max().orElseThrow();
			LocalMesh.use("virtual-service-data-service-retries.yaml");
			long timeoutsBefore = EnvoyStats.counter(BUSINESS_V2_ADMIN, DATA_CLUSTER, "upstream_rq_per_try_timeout");
			List<Timed> withRetries = timed(n);
			long perTryTimeouts = EnvoyStats.counter(BUSINESS_V2_ADMIN, DATA_CLUSTER, "upstream_rq_per_try_timeout")
					- timeoutsBefore;
			long fromHealthy = withRetries.stream()
				.filter(t -> t.response().status() == 200 && t.response().servedBy().equals("data-service-2"))
				.count();
			long slowest = withRetries.stream().mapToLong(Timed::ms).max().orElseThrow();
			boolean pass = slowestByDefault >= 2000 && fromHealthy == n && slowest < 1500 && perTryTimeouts > 0;
			Report.line("perTryTimeout 500ms vs an instance slowed to 2 s: n=%d without retries, slowest %d ms (required "
					+ ">= 2000); n=%d with retries, %d answered 200 by data-service-2 (required 100 %%), slowest %d ms "
					+ "(required < 1500), upstream_rq_per_try_timeout +%d (required > 0) -> %s", n, slowestByDefault, n,
					fromHealthy, slowest, perTryTimeouts, pass ? "PASS" : "FAIL");
			assertThat(slowestByDefault).isGreaterThanOrEqualTo(2000);
			assertThat(fromHealthy).isEqualTo(n);
			assertThat(slowest).isLessThan(1500);
			assertThat(perTryTimeouts).isPositive();
		}
	}

	record Timed(Proxied.Response response, long ms) {
	}

	private static List<Timed> timed(int n) {
		return Traffic.parallel(n, 4, () -> {
			long start = System.nanoTime();
			Proxied.Response response = Proxied.get(DATA, Map.of());
			return new Timed(response, Duration.ofNanos(System.nanoTime() - start).toMillis());
		});
	}

	private static List<Proxied.Response> calls(int n) {
		return IntStream.range(0, n).mapToObj(i -> Proxied.get(DATA, Map.of())).toList();
	}

	private static long retries() {
		return EnvoyStats.counter(BUSINESS_V2_ADMIN, DATA_CLUSTER, "upstream_rq_retry");
	}

}
