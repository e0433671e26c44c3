package org.meshguide.conformance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Envoy's fault filter in the gateway's sidecar, on the route to business.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FaultInjectionIT {

	private static final String SUBSETS = "destination-rule-business-subsets.yaml";

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	/**
	 * n = 1000 at p = 0.3 gives sigma = 1.45 points; ±5 points is 3.45 sigma (a correct mesh fails about once
	 * in 1800 runs). Retries are off on the route, so every abort reaches the gateway app, which answers 503.
	 */
	@Test
	void abortAnswers503ForTheConfiguredShare() {
		LocalMesh.use(SUBSETS, "virtual-service-business-fault-abort-503.yaml");
		int n = 1000;
		List<Traffic.Result> results = Traffic.send(n, 4, LocalMesh.GATEWAY, Map.of());
		List<Traffic.Result> aborted = results.stream().filter(r -> r.status() == 503).toList();
		assertThat(aborted).allSatisfy(r -> assertThat(r.body()).contains("\"upstreamBody\":\"fault filter abort\""));
		assertThat(results.stream().filter(r -> r.status() != 503)).allSatisfy(r -> assertThat(r.isV1()).isTrue());
		Binomial.assertShare("abort 503 at 30 %", aborted.size(), n, 0.30, 0.05);
	}

	@Test
	void delayHoldsJasonTenSecondsAndNobodyElse() {
		LocalMesh.use(SUBSETS, "virtual-service-business-fault-delay-10s.yaml");
		int delayed = 3;
		List<CompletableFuture<Traffic.Result>> jason = java.util.stream.IntStream.range(0, delayed)
			.mapToObj(i -> CompletableFuture.supplyAsync(() -> Traffic.get(LocalMesh.GATEWAY, Map.of("end-user", "jason"))))
			.toList();
		int n = 20;
		List<Traffic.Result> others = Traffic.send(n, 1, LocalMesh.GATEWAY, Map.of());
		List<Traffic.Result> jasonResults = jason.stream().map(CompletableFuture::join).toList();

		Duration fastestDelayed = jasonResults.stream().map(Traffic.Result::took).min(Duration::compareTo).orElseThrow();
		Duration slowestOther = others.stream().map(Traffic.Result::took).max(Duration::compareTo).orElseThrow();
		boolean pass = fastestDelayed.compareTo(Duration.ofSeconds(10)) >= 0
				&& slowestOther.compareTo(Duration.ofSeconds(2)) < 0;
		Report.line("delay 10 s for jason: n=%d delayed, fastest %d ms (required >= 10000); n=%d others, slowest %d ms "
				+ "(required < 2000) -> %s", delayed, fastestDelayed.toMillis(), n, slowestOther.toMillis(),
				pass ? "PASS" : "FAIL");
		assertThat(jasonResults).allSatisfy(r -> assertThat(r.isV1()).isTrue());
		assertThat(others).allSatisfy(r -> assertThat(r.isV1()).isTrue());
		assertThat(fastestDelayed).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
		assertThat(slowestOther).isLessThan(Duration.ofSeconds(2));
	}

}
