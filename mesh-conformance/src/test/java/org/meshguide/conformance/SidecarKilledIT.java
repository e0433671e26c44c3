package org.meshguide.conformance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 3, a sidecar killed under load: 100 requests a second from business-v2 to data-service, no resilience
 * sample applied; SIGKILL of data-service-1's Envoy a third into a 30 s run (request 1000), scripts/mesh.sh start
 * two thirds in (request 2000), which returns once the new Envoy has its config from istiod.
 *
 * <p>With the sidecar gone, connecting to data-service-1 fails, and Istio's default retry policy retries connect
 * failures on another host: only the requests in flight on the killed Envoy can fail (how many depends on the
 * latency of the moment, not on the run's length: 1 to 8 here). Required: at most 0.5 % of the requests fail
 * (n = 3000+: 15), and data-service-1 serves again within 10 s after its sidecar synced.
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class SidecarKilledIT {

	private static final String DATA = "http://data-service:8080/api/data";

	private static final String SIDECAR = "envoy-data-service-1";

	private static final int QPS = 100;

	private static final long BACK_WITHIN_MS = 10_000;

	private static final double MAX_ERROR_PERCENT = 0.5;

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void killedSidecarCostsOnlyItsInFlightRequests() {
		LocalMesh.use();
		List<LoadRun.Answer> answers;
		long killedAt;
		long syncedAt;
		try (LoadRun run = LoadRun.start(
				LoadRun.Target.viaSidecar("business-v2", Proxied.BUSINESS_V2_OUTBOUND, DATA), QPS, 90 * QPS)) {
			run.awaitSent(10 * QPS);
			killedAt = run.elapsedMs();
			MeshProcesses.kill(SIDECAR, "KILL");
			run.awaitSent(20 * QPS);
			MeshProcesses.start(SIDECAR);
			syncedAt = run.elapsedMs();
			LoadRun.eventually(Duration.ofSeconds(60), () -> run.sent() >= 30 * QPS
					&& LoadRun.firstServedBy(run.answers(), MeshProcesses.DATA_SERVICE_1, syncedAt).isPresent());
			answers = run.finish();
		}
		long backAt = LoadRun.firstServedBy(answers, MeshProcesses.DATA_SERVICE_1, syncedAt)
			.map(LoadRun.Answer::sentAtMs)
			.orElse(-1L);
		double share = LoadRun.share(LoadRun.errors(answers), answers.size());
		boolean back = backAt >= 0 && backAt - syncedAt <= BACK_WITHIN_MS;
		boolean pass = share <= MAX_ERROR_PERCENT && back;
		String recovery = (backAt < 0) ? "never" : String.format("%.1f s after sync", (backAt - syncedAt) / 1000.0);
		Report.resilience("sidecar killed, no resilience samples: %s; SIGKILL at %.1f s, synced again at %.1f s, "
				+ "data-service-1 served again %s (required: <= 0.5 %% errors, back <= 10 s after sync) -> %s",
				LoadRun.describe(answers, QPS), killedAt / 1000.0, syncedAt / 1000.0, recovery, pass ? "PASS" : "FAIL");
		ResilienceSummary.row(3, "envoy-data-service-1 SIGKILL", "no resilience samples", answers.size(),
				LoadRun.errors(answers), recovery, "<= 0.5 % errors; back <= 10 s after sync", pass);
		assertThat(share).as("error %% with data-service-1's sidecar killed").isLessThanOrEqualTo(MAX_ERROR_PERCENT);
		assertThat(back).as("data-service-1 served again within 10 s of its sidecar's sync").isTrue();
	}

}
