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
 * Scenario 1, an instance killed under load: 100 requests a second from business-v2 to data-service; SIGKILL
 * of data-service-1 a third of the way into a 30 s run (request 1000 of 3000), scripts/mesh.sh start two thirds
 * in (request 2000), the run going on until data-service-1 serves again (at most 90 s). The run without samples,
 * only there to show what the mesh alone gives, is half as long (kill at 5 s, start at 10 s, 15 s).
 *
 * <p>Without resilience samples the caller's Envoy keeps sending about half the requests to the dead instance's
 * sidecar, which answers 503 (connection refused), and Istio's default retry policy does not retry a 503: the
 * test requires more than 0.5 % errors there, to show the fault bites. With the outlier-detection and retry
 * samples at most 0.5 % of the requests may fail (n = 3000+: 15 requests), and data-service-1 must serve again no
 * later than 10 s after both it is ready and its ejection (baseEjectionTime 30 s from the kill) has run out.
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class InstanceKilledIT {

	static final String OUTLIER = "destination-rule-data-service-outlier-detection.yaml";

	static final String RETRIES = "virtual-service-data-service-retries.yaml";

	private static final String DATA = "http://data-service:8080/api/data";

	private static final int QPS = 100;

	private static final long EJECTION_MS = 30_000;

	private static final long BACK_WITHIN_MS = 10_000;

	private static final double MAX_ERROR_PERCENT = 0.5;

	record Phase(List<LoadRun.Answer> answers, long killedAtMs, long restartAtMs, long readyAtMs, long backAtMs) {

		long recoveryMs() {
			return (this.backAtMs < 0) ? -1 : this.backAtMs - this.readyAtMs;
		}

	}

	@Test
	@Timeout(value = 6, unit = TimeUnit.MINUTES)
	void killedInstanceCostsNoRequestsWithOutlierDetectionAndRetries() {
		LocalMesh.use();
		Phase bare = killAndRestart(5, 10, 15);
		double bareShare = LoadRun.share(LoadRun.errors(bare.answers()), bare.answers().size());
		report("no resilience samples", bare, "> 0.5 % errors (the fault bites)", bareShare > MAX_ERROR_PERCENT);

		LocalMesh.use(OUTLIER, RETRIES);
		Phase guarded = killAndRestart(10, 20, 30);
		double guardedShare = LoadRun.share(LoadRun.errors(guarded.answers()), guarded.answers().size());
		long deadline = Math.max(guarded.readyAtMs(), guarded.killedAtMs() + EJECTION_MS) + BACK_WITHIN_MS;
		boolean back = guarded.backAtMs() >= 0 && guarded.backAtMs() <= deadline;
		report("outlier detection + retries", guarded,
				"<= 0.5 % errors; back <= 10 s after ready and ejection over",
				guardedShare <= MAX_ERROR_PERCENT && back);

		assertThat(bareShare).as("error %% without resilience samples (the kill must cost requests)")
			.isGreaterThan(MAX_ERROR_PERCENT);
		assertThat(guardedShare).as("error %% with outlier detection and retries").isLessThanOrEqualTo(MAX_ERROR_PERCENT);
		assertThat(back).as("data-service-1 served again by %d ms into the run (served at %d ms)", deadline,
				guarded.backAtMs())
			.isTrue();
	}

	/**
	 * Kills data-service-1 {@code killAt} s into the load, starts it {@code startAt} s in, and keeps the load going
	 * for at least {@code seconds} s and until data-service-1 has served again.
	 */
	private static Phase killAndRestart(int killAt, int startAt, int seconds) {
		try (LoadRun run = LoadRun.start(
				LoadRun.Target.viaSidecar("business-v2", Proxied.BUSINESS_V2_OUTBOUND, DATA), QPS, 90 * QPS)) {
			run.awaitSent(killAt * QPS);
			long killedAt = run.elapsedMs();
			MeshProcesses.kill(MeshProcesses.DATA_SERVICE_1, "KILL");
			run.awaitSent(startAt * QPS);
			long restartAt = run.elapsedMs();
			MeshProcesses.start(MeshProcesses.DATA_SERVICE_1);
			long readyAt = run.elapsedMs();
			LoadRun.eventually(Duration.ofSeconds(90), () -> run.sent() >= seconds * QPS
					&& LoadRun.firstServedBy(run.answers(), MeshProcesses.DATA_SERVICE_1, readyAt).isPresent());
			List<LoadRun.Answer> answers = run.finish();
			long backAt = LoadRun.firstServedBy(answers, MeshProcesses.DATA_SERVICE_1, readyAt)
				.map(LoadRun.Answer::sentAtMs)
				.orElse(-1L);
			return new Phase(answers, killedAt, restartAt, readyAt, backAt);
		}
	}

	private static void report(String setting, Phase phase, String requirement, boolean pass) {
		Report.resilience("instance killed, %s: %s; SIGKILL at %.1f s, restarted at %.1f s, ready at %.1f s, "
				+ "served again at %s (required: %s) -> %s", setting,
				LoadRun.describe(phase.answers(), QPS), phase.killedAtMs() / 1000.0, phase.restartAtMs() / 1000.0,
				phase.readyAtMs() / 1000.0,
				(phase.backAtMs() < 0) ? "never" : String.format("%.1f s", phase.backAtMs() / 1000.0), requirement,
				pass ? "PASS" : "FAIL");
		ResilienceSummary.row(1, "data-service-1 SIGKILL", setting, phase.answers().size(),
				LoadRun.errors(phase.answers()),
				(phase.recoveryMs() < 0) ? "never" : String.format("%.1f s after ready", phase.recoveryMs() / 1000.0),
				requirement, pass);
	}

}
