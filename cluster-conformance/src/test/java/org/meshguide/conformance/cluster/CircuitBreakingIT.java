package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.EnvoyStats;
import org.meshguide.conformance.Report;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Istio's circuit-breaking task as chapter 10 runs it on a cluster: fortio in the fortio Deployment loads
 * gateway-service through its own sidecar, the client Envoy whose connection pool the DestinationRule limits
 * (1 connection, 1 pending request, 1 request per connection), at concurrency 1 to 4 with 60 requests each.
 *
 * <p>The local mesh's criteria (CircuitBreakingTest): no ratio (it depends on timing); nothing overflows at
 * concurrency 1; 503s appear at concurrency 4; at every level the 503s fortio counted equal, exactly, the
 * increase of the fortio sidecar's upstream_rq_pending_overflow for gateway-service: every 503 is the breaker's.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CircuitBreakingIT {

	private static final Pattern CODE = Pattern.compile("^Code\\s+(-?\\d+)\\s*:\\s*(\\d+)", Pattern.MULTILINE);

	private static final Pattern ACCESS_LOG = Pattern.compile("\"[A-Z]+ \\S+ HTTP/[0-9.]+\" (\\d{3}) (\\S+) ");

	private static final String CLUSTER = "|gateway-service.default.svc.cluster.local";

	private static final String OVERFLOW = "upstream_rq_pending_overflow";

	private static final int N = 60;

	@AfterAll
	static void reset() {
		IstioConfig.reset();
	}

	@Test
	void overflowTripsAboveTheLimitAndEvery503IsAnOverflow() {
		IstioConfig.use("destination-rule-gateway-service-circuit-breaker.yaml");
		Map<Integer, Long> failedAt = new TreeMap<>();
		List<String> mismatches = new ArrayList<>();
		for (int concurrency = 1; concurrency <= 4; concurrency++) {
			long before = overflow();
			Instant levelStart = Instant.now();
			Map<Integer, Long> codes = fortio(concurrency);
			long overflow = overflow() - before;
			long total = codes.values().stream().mapToLong(Long::longValue).sum();
			long served = codes.getOrDefault(200, 0L);
			long tripped = codes.getOrDefault(503, 0L);
			boolean pass = total == N && served + tripped == N && tripped == overflow;
			Report.line("cluster: circuit breaker, fortio -c %d in the fortio Pod: n=%d, 200=%d, 503=%d, its sidecar's "
					+ "%s +%d (required: 503 count == overflow increase, exactly) -> %s", concurrency, total, served,
					tripped, OVERFLOW, overflow, pass ? "PASS" : "FAIL");
			if (!pass) {
				mismatches.add("c=" + concurrency + ": " + codes + " vs overflow +" + overflow + "; access logs (code flags):"
						+ " fortio's " + accessLog("fortio-deploy", levelStart) + ", gateway-service's "
						+ accessLog("gateway-service", levelStart));
			}
			failedAt.put(concurrency, tripped);
		}
		assertThat(mismatches).as("levels where fortio's codes and the overflow counter disagree").isEmpty();
		assertThat(failedAt.get(1)).as("503s at concurrency 1 (within the limit)").isZero();
		assertThat(failedAt.get(4)).as("503s at concurrency 4 (above 1 active + 1 pending)").isPositive();
	}

	/** The fortio sidecar's counter, read as chapter 10 reads it: pilot-agent request GET stats. */
	private static long overflow() {
		Kubectl.Result stats = Kubectl.exec(Duration.ofSeconds(30), "deploy/fortio-deploy", "istio-proxy",
				"pilot-agent", "request", "GET", EnvoyStats.query(OVERFLOW));
		assertThat(stats.ok()).as("%s", stats).isTrue();
		return EnvoyStats.sum(stats.stdout(), CLUSTER, OVERFLOW);
	}

	/**
	 * What a mismatch needs to be understood: each Envoy access log line's response code and flags (UO the
	 * breaker's overflow, UH no healthy host after an outlier ejection, anything else what ejected it).
	 */
	private static Map<String, Long> accessLog(String deployment, Instant since) {
		Kubectl.Result logs = Kubectl.run("logs", "deploy/" + deployment, "-c", "istio-proxy",
				"--since-time=" + since.truncatedTo(ChronoUnit.SECONDS));
		Map<String, Long> counts = new TreeMap<>();
		Matcher matcher = ACCESS_LOG.matcher(logs.stdout());
		while (matcher.find()) {
			counts.merge(matcher.group(1) + " " + matcher.group(2), 1L, Long::sum);
		}
		return counts;
	}

	private static Map<Integer, Long> fortio(int concurrency) {
		Kubectl.Result run = Kubectl.exec(Duration.ofMinutes(2), "deploy/fortio-deploy", "fortio", "fortio", "load",
				"-c", String.valueOf(concurrency), "-qps", "0", "-n", String.valueOf(N), "-loglevel", "Warning",
				"http://gateway-service:8080/");
		assertThat(run.ok()).as("%s", run).isTrue();
		Map<Integer, Long> codes = new TreeMap<>();
		Matcher matcher = CODE.matcher(run.output());
		while (matcher.find()) {
			codes.put(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
		}
		return codes;
	}

}
