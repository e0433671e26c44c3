package org.meshguide.conformance;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 6, configuration churn: 100 requests a second from gateway-service to business while the 20/80
 * routing sample (its DestinationRule with the v1/v2 subsets and the weighted VirtualService) is applied and
 * removed 50 times (scripts/mesh.sh churn), each change ACKed by every Envoy before the next. Every change
 * replaces routes and adds or removes the subset clusters they point to, under traffic: Envoy warms new clusters
 * before routes use them, and the removal takes the routes out before the subsets (a route left pointing at a
 * removed subset answers 503 NC). Required, no tolerance: every request answered 200, and 0 NACKs (the sum of
 * every Envoy's update_rejected counters unchanged).
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class ConfigChurnIT {

	private static final int QPS = 100;

	private static final int CYCLES = 50;

	private static final InetSocketAddress GATEWAY_OUTBOUND = new InetSocketAddress("127.0.11.1", 8080);

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void routingChangesUnderTrafficDropNothing() {
		LocalMesh.use();
		long rejectedBefore = rejectedUpdates();
		String[] churn = { "churn", String.valueOf(CYCLES),
				LocalMesh.ROOT.resolve("istio/destination-rule-business-subsets.yaml").toString(),
				LocalMesh.ROOT.resolve("istio/virtual-service-business-weighted-20-80.yaml").toString() };
		List<LoadRun.Answer> answers;
		long churnMs;
		try (LoadRun run = LoadRun.start(
				LoadRun.Target.viaSidecar("gateway-service", GATEWAY_OUTBOUND, "http://business:8080/"), QPS,
				Integer.MAX_VALUE)) {
			run.awaitSent(QPS);
			long start = System.nanoTime();
			LocalMesh.mesh(churn);
			churnMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			answers = run.finish();
		}
		long rejected = rejectedUpdates() - rejectedBefore;
		boolean pass = LoadRun.errors(answers) == 0 && rejected == 0;
		Report.resilience("configuration churn, %d x apply + removal of the 20/80 sample in %.1f s: %s; rejected xDS "
				+ "updates +%d (required: 0 errors, 0 NACKs) -> %s", CYCLES, churnMs / 1000.0,
				LoadRun.describe(answers, QPS), rejected, pass ? "PASS" : "FAIL");
		ResilienceSummary.row(6, "20/80 sample applied + removed x" + CYCLES, "subsets + weighted routes", answers.size(),
				LoadRun.errors(answers), String.format("%.1f s per apply + removal", churnMs / 1000.0 / CYCLES),
				"0 errors; 0 NACKs", pass);
		assertThat(LoadRun.outcomes(answers)).as("answers during the churn").containsOnlyKeys("200");
		assertThat(rejected).as("xDS updates rejected by the Envoys during the churn").isZero();
	}

	/** Every Envoy's update_rejected counters (CDS, LDS, RDS, EDS...), summed. */
	private static long rejectedUpdates() {
		long rejected = 0;
		for (URI admin : LocalMesh.ENVOY_ADMINS) {
			rejected += Traffic.get(admin.resolve("/stats?filter=update_rejected$"), Map.of())
				.body()
				.lines()
				.mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}
		return rejected;
	}

}
