package org.meshguide.conformance;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 2, an instance hung: 100 requests a second from business-v2 to data-service for 10 s; SIGSTOP of
 * data-service-1 at 2 s (request 200), SIGCONT at 7 s (request 700). The kernel still accepts connections for the
 * stopped JVM, so requests to it simply wait.
 *
 * <p>Without resilience samples nothing bounds that wait (Istio sets no route timeout): the test requires a p99
 * of at least 1 s there, to show the hang bites. With the retry sample (perTryTimeout 500 ms, 3 attempts on
 * another host, 2 s in all) a request that meets the hung instance waits one per-try timeout and is answered by
 * the other: p99 must stay under the per-try timeout plus one more try (500 + 500 ms), and at most 0.5 % of
 * the requests may fail (n = 1000: 5).
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class InstanceHungIT {

	private static final String DATA = "http://data-service:8080/api/data";

	private static final int QPS = 100;

	private static final long P99_LIMIT_MS = 1000;

	private static final double MAX_ERROR_PERCENT = 0.5;

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void hungInstanceCostsOnePerTryTimeoutWithRetries() {
		LocalMesh.use();
		List<LoadRun.Answer> bare = stopAndResume();
		long bareP99 = LoadRun.percentile(bare, 99);
		report("no resilience samples", bare, "p99 >= 1 s (the hang bites)", bareP99 >= P99_LIMIT_MS);


		LocalMesh.use(InstanceKilledIT.RETRIES);
		List<LoadRun.Answer> guarded = stopAndResume();
		long guardedP99 = LoadRun.percentile(guarded, 99);
		double guardedShare = LoadRun.share(LoadRun.errors(guarded), guarded.size());
		report("retries (perTryTimeout 500 ms)", guarded, "p99 < 1 s, <= 0.5 % errors",
				guardedP99 < P99_LIMIT_MS && guardedShare <= MAX_ERROR_PERCENT);

		assertThat(bareP99).as("p99 without resilience samples (the hang must be felt)")
			.isGreaterThanOrEqualTo(P99_LIMIT_MS);
		assertThat(guardedP99).as("p99 with the retry sample").isLessThan(P99_LIMIT_MS);
		assertThat(guardedShare).as("error %% with the retry sample").isLessThanOrEqualTo(MAX_ERROR_PERCENT);
	}

	private static List<LoadRun.Answer> stopAndResume() {
		try (LoadRun run = LoadRun.start(
				LoadRun.Target.viaSidecar("business-v2", Proxied.BUSINESS_V2_OUTBOUND, DATA), QPS, 10 * QPS)) {
			run.awaitSent(2 * QPS);
			MeshProcesses.kill(MeshProcesses.DATA_SERVICE_1, "STOP");
			try {
				run.awaitSent(7 * QPS);
			}
			finally {
				MeshProcesses.kill(MeshProcesses.DATA_SERVICE_1, "CONT");
			}
			return run.awaitAll();
		}
	}

	private static void report(String setting, List<LoadRun.Answer> answers, String requirement, boolean pass) {
		Report.resilience("instance hung 5 s (SIGSTOP, SIGCONT), %s: %s (required: %s) -> %s", setting,
				LoadRun.describe(answers, QPS), requirement, pass ? "PASS" : "FAIL");
		ResilienceSummary.row(2, "data-service-1 SIGSTOP 5 s", setting, answers.size(), LoadRun.errors(answers),
				"p99 " + LoadRun.percentile(answers, 99) + " ms", requirement, pass);
	}

}
