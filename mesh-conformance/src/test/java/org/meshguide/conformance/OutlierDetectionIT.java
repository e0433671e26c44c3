package org.meshguide.conformance;

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
import static org.awaitility.Awaitility.await;

/**
 * Outlier detection on data-service, seen from its caller business-v2 (requests through business-v2's
 * outbound listener, stats from its Envoy admin 127.0.10.3:15000). data-service-1 is made to answer 503 to
 * every request; with consecutive5xxErrors 5 the caller's Envoy ejects it on exactly the 5th 503 (Envoy ejects
 * on the consecutive-5xx event, not at the next interval), after which all n = 100 requests are answered 200 by
 * data-service-2 (100 %, no tolerance: an ejected host receives nothing) and /clusters marks data-service-1
 * failed_outlier_check.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OutlierDetectionIT {

	private static final URI BUSINESS_V2_ADMIN = URI.create("http://127.0.10.3:15000");

	private static final String CLUSTER = "|data-service.default.svc.cluster.local";

	private static final String DATA = "http://data-service:8080/api/data";

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void failingInstanceIsEjectedAndTrafficMovesToTheHealthyOne() {
		LocalMesh.use("destination-rule-data-service-outlier-detection.yaml");
		long before = ejections();
		try (DataServiceFailure failure = DataServiceFailure.start(DataServiceFailure.DATA_SERVICE_1, 503, 1.0)) {
			int[] sent = { 0 };
			int[] failed = { 0 };
			// one request per poll, in this thread: the count of 503s before the ejection is the assertion
			await("data-service-1 ejected by business-v2's Envoy").atMost(Duration.ofSeconds(20)).pollInSameThread()
				.until(() -> {
					Proxied.Response response = Proxied.get(DATA, Map.of());
					sent[0]++;
					if (response.status() == 503) {
						assertThat(response.servedBy()).isEqualTo("data-service-1");
						failed[0]++;
					}
					return ejections() > before;
				});
			Report.line("outlier detection: ejected after %d requests with %d x 503 from data-service-1 (required "
					+ "exactly consecutive5xxErrors = 5) -> %s", sent[0], failed[0], (failed[0] == 5) ? "PASS" : "FAIL");
			assertThat(failed[0]).isEqualTo(5);

			int n = 100;
			List<Proxied.Response> after = IntStream.range(0, n).mapToObj(i -> Proxied.get(DATA, Map.of())).toList();
			long fromHealthy = after.stream()
				.filter(r -> r.status() == 200 && r.servedBy().equals("data-service-2"))
				.count();
			String hosts = Traffic.get(BUSINESS_V2_ADMIN.resolve("/clusters"), Map.of())
				.body()
				.lines()
				.filter(line -> line.contains(CLUSTER) && line.contains("127.0.10.4:8080::health_flags"))
				.findFirst()
				.orElse("");
			boolean pass = fromHealthy == n && hosts.contains("failed_outlier_check");
			Report.line("outlier detection after ejection: n=%d, %d answered 200 by data-service-2 (required 100 %%), "
					+ "ejections_enforced_total +%d, data-service-1 %s -> %s", n, fromHealthy, ejections() - before,
					hosts.substring(hosts.lastIndexOf("::") + 2), pass ? "PASS" : "FAIL");
			assertThat(fromHealthy).isEqualTo(n);
			assertThat(hosts).contains("failed_outlier_check");
		}
	}

	private static long ejections() {
		return EnvoyStats.counter(BUSINESS_V2_ADMIN, CLUSTER, "outlier_detection.ejections_enforced_total");
	}

}
