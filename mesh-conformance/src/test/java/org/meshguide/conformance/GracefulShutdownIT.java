package org.meshguide.conformance;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 7, graceful shutdown: 50 requests a second from business-v2 to data-service while every request to
 * data-service-1 takes 2 s (its failure-injection knob), so some are always in flight there; then
 * scripts/mesh.sh stop data-service-1, which does what deleting the pod does: the endpoint leaves the service,
 * the preStop wait lasts until no caller's Envoy has it, then SIGTERM, and Spring Boot's graceful shutdown
 * (server.shutdown=graceful) finishes the requests in flight before the JVM exits.
 *
 * <p>The load runs from 5 s before the stop until 2 s after the JVM is gone. Required, no tolerance: every request
 * is answered 200, among them at least one slow answer from
 * data-service-1 that was still in flight when the stop began; every request that left after the endpoint was
 * gone from the callers is answered by data-service-2; the JVM exits within its grace period (30 s, the pods'
 * terminationGracePeriodSeconds), here within the 2 s of its slowest request plus 5 s.
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class GracefulShutdownIT {

	private static final String DATA = "http://data-service:8080/api/data";

	private static final URI BUSINESS_V2_ADMIN = URI.create("http://127.0.10.3:15000");

	private static final int QPS = 50;

	private static final long SLOW_MS = 2000;

	private static final long EXIT_WITHIN_MS = SLOW_MS + 5000;

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void inFlightRequestsFinishAndNewOnesGoToTheOtherInstance() {
		LocalMesh.use();
		List<LoadRun.Answer> answers;
		long stopAt;
		long outOfServiceAt;
		long exitedAt;
		String stopOutput;
		// not closed: the stop ends the process that holds the setting, and its restart starts healthy
		DataServiceFailure.slow(DataServiceFailure.DATA_SERVICE_1, SLOW_MS);
		try (LoadRun run = LoadRun.start(
				LoadRun.Target.viaSidecar("business-v2", Proxied.BUSINESS_V2_OUTBOUND, DATA), QPS, 60 * QPS)) {
			run.awaitSent(5 * QPS);
			stopAt = run.elapsedMs();
			CompletableFuture<String> stop = CompletableFuture
				.supplyAsync(() -> MeshProcesses.stop(MeshProcesses.DATA_SERVICE_1));
			boolean out = LoadRun.eventually(Duration.ofSeconds(30),
					() -> !callerHasDataService1() || stop.isDone());
			outOfServiceAt = run.elapsedMs();
			boolean exited = LoadRun.eventually(Duration.ofSeconds(60),
					() -> "gone".equals(MeshProcesses.state(MeshProcesses.DATA_SERVICE_1)) || stop.isDone());
			exitedAt = run.elapsedMs();
			stopOutput = stop.join();
			assertThat(out && exited).as("data-service-1 left business-v2's endpoints and exited; scripts/mesh.sh "
					+ "stop said:\n%s", stopOutput).isTrue();
			run.awaitSent(run.sent() + 2 * QPS);
			answers = run.finish();
		}
		long slowInFlight = answers.stream()
			.filter(a -> a.ok() && MeshProcesses.DATA_SERVICE_1.equals(a.servedBy()) && a.sentAtMs() < stopAt
					&& a.sentAtMs() + a.latencyMs() > stopAt)
			.count();
		List<LoadRun.Answer> afterOut = answers.stream().filter(a -> a.sentAtMs() > outOfServiceAt).toList();
		long afterOutElsewhere = afterOut.stream()
			.filter(a -> a.ok() && "data-service-2".equals(a.servedBy()))
			.count();
		long exitMs = exitedAt - outOfServiceAt;
		boolean pass = LoadRun.errors(answers) == 0 && slowInFlight > 0 && afterOutElsewhere == afterOut.size()
				&& exitMs <= EXIT_WITHIN_MS;
		Report.resilience("graceful shutdown (scripts/mesh.sh stop data-service-1, requests to it take %d ms): %s; "
				+ "%d slow answers from data-service-1 in flight at the stop; out of business-v2's Envoy %.1f s after "
				+ "the stop; %d of %d requests sent after that answered by data-service-2; JVM gone %.1f s after "
				+ "SIGTERM (required: 0 errors, >= 1 in flight, 100 %% to data-service-2, exit <= %d ms) -> %s",
				SLOW_MS, LoadRun.describe(answers, QPS), slowInFlight, (outOfServiceAt - stopAt) / 1000.0,
				afterOutElsewhere, afterOut.size(), exitMs / 1000.0, EXIT_WITHIN_MS, pass ? "PASS" : "FAIL");
		ResilienceSummary.row(7, "data-service-1 SIGTERM (pod deleted)", "graceful shutdown + preStop", answers.size(),
				LoadRun.errors(answers), String.format("exit %.1f s after SIGTERM", exitMs / 1000.0),
				"0 errors; in-flight 200; exit in grace", pass);

		assertThat(LoadRun.outcomes(answers)).as("answers around the stop of data-service-1").containsOnlyKeys("200");
		assertThat(slowInFlight).as("slow answers from data-service-1 still in flight when the stop began").isPositive();
		assertThat(afterOutElsewhere).as("requests after data-service-1 left the service, answered by data-service-2")
			.isEqualTo(afterOut.size());
		assertThat(exitMs).as("ms from SIGTERM to the JVM's exit").isLessThanOrEqualTo(EXIT_WITHIN_MS);
	}

	/** Whether business-v2's Envoy, the caller here, still has data-service-1 among data-service's endpoints. */
	private static boolean callerHasDataService1() {
		return Traffic.get(BUSINESS_V2_ADMIN.resolve("/clusters"), Map.of())
			.body()
			.lines()
			.anyMatch(line -> line.startsWith("outbound|8080||data-service.") && line.contains("::127.0.10.4:8080::"));
	}

}
