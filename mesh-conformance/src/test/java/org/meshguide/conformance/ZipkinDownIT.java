package org.meshguide.conformance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 5, the trace collector down: 50 requests a second through the ingress gateway (the whole chain), every
 * one traced (100 % sampling, every Envoy and every app reports spans); SIGKILL of Zipkin at the start of a 15 s
 * run. Reporting is asynchronous everywhere, so 0 requests may fail (n = 750, no tolerance). Span reporters drop what
 * they cannot send: the live heap of every app (after a full GC) may grow by at most 8 MiB over the outage (the
 * apps' reporter queue is capped at 1 % of the 256 MiB heap, 2.6 MiB), the memory Envoy has allocated by at
 * most 4 MiB. After scripts/mesh.sh start zipkin, a traced request's spans, Envoy's and the apps', must be in
 * Zipkin within 30 s.
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class ZipkinDownIT {

	private static final int QPS = 50;

	private static final long APP_HEAP_GROWTH_KIB = 8 * 1024;

	private static final long ENVOY_GROWTH_KIB = 4 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void requestsDoNotNoticeTheCollectorAndSpansComeBackWithIt() {
		LocalMesh.use();
		Map<String, Long> heapBefore = heaps();
		Map<String, Long> envoyBefore = envoyMemory();
		List<LoadRun.Answer> answers;
		Map<String, Long> heapDuring;
		Map<String, Long> envoyDuring;
		try (LoadRun run = LoadRun.start(LoadRun.Target.ingress("/"), QPS, 15 * QPS)) {
			run.awaitSent(QPS / 2);
			MeshProcesses.kill("zipkin", "KILL");
			run.awaitSent(13 * QPS);
			heapDuring = heaps();
			envoyDuring = envoyMemory();
			answers = run.awaitAll();
		}
		Map<String, Long> heapGrowth = growth(heapBefore, heapDuring);
		Map<String, Long> envoyGrowth = growth(envoyBefore, envoyDuring);
		long maxHeapGrowth = heapGrowth.values().stream().mapToLong(Long::longValue).max().orElseThrow();
		long maxEnvoyGrowth = envoyGrowth.values().stream().mapToLong(Long::longValue).max().orElseThrow();
		boolean downPass = LoadRun.errors(answers) == 0 && maxHeapGrowth <= APP_HEAP_GROWTH_KIB
				&& maxEnvoyGrowth <= ENVOY_GROWTH_KIB;
		Report.resilience("Zipkin down (SIGKILL): %s; live heap growth per app (KiB) %s, Envoy allocated growth (KiB) "
				+ "%s (required: 0 errors, heap +<= %d KiB, Envoy +<= %d KiB) -> %s", LoadRun.describe(answers, QPS),
				heapGrowth, envoyGrowth, APP_HEAP_GROWTH_KIB, ENVOY_GROWTH_KIB, downPass ? "PASS" : "FAIL");

		long startAt = System.nanoTime();
		MeshProcesses.start("zipkin");
		long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startAt);
		String traceId = TraceChain.hex(16);
		long sentAt = System.nanoTime();
		Traffic.Result traced = Traffic.send(HttpRequest.newBuilder(LocalMesh.INGRESS.resolve("/"))
			.timeout(Duration.ofSeconds(10))
			.header("x-b3-traceid", traceId)
			.header("x-b3-spanid", TraceChain.hex(8))
			.header("x-b3-sampled", "1")
			.build());
		boolean arrived = LoadRun.eventually(Duration.ofSeconds(30), () -> {
			List<String> names = Zipkin.serviceNames(traceId);
			return names.contains("gateway-service.default") && names.contains("gateway-service");
		});
		long spansAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
		Report.resilience("Zipkin started again (ready after %.1f s): a traced request (%d) has its spans in Zipkin "
				+ "%s: %s (required: Envoy's and the apps' within 30 s) -> %s", readyMs / 1000.0, traced.status(),
				arrived ? String.format("after %.1f s", spansAfterMs / 1000.0) : "never", Zipkin.serviceNames(traceId),
				arrived ? "PASS" : "FAIL");
		ResilienceSummary.row(5, "Zipkin SIGKILL, 15 s", "base config", answers.size(), LoadRun.errors(answers),
				arrived ? String.format("spans %.1f s after restart", spansAfterMs / 1000.0) : "no spans",
				"0 errors; memory bounded; spans back <= 30 s", downPass && arrived);

		assertThat(LoadRun.outcomes(answers)).as("answers while Zipkin was down").containsOnlyKeys("200");
		assertThat(heapGrowth).as("live heap growth per app, KiB").allSatisfy(
				(app, kib) -> assertThat(kib).isLessThanOrEqualTo(APP_HEAP_GROWTH_KIB));
		assertThat(envoyGrowth).as("allocated memory growth per Envoy, KiB").allSatisfy(
				(envoy, kib) -> assertThat(kib).isLessThanOrEqualTo(ENVOY_GROWTH_KIB));
		assertThat(traced.status()).isEqualTo(200);
		assertThat(arrived).as("spans of trace %s in Zipkin within 30 s of its restart", traceId).isTrue();
	}

	private static Map<String, Long> heaps() {
		Map<String, Long> heaps = new LinkedHashMap<>();
		MeshProcesses.APPS.forEach(app -> heaps.put(app, MeshProcesses.liveHeapKib(app)));
		return heaps;
	}

	/** What each Envoy has allocated (admin /memory), in KiB. */
	private static Map<String, Long> envoyMemory() {
		Map<String, Long> memory = new LinkedHashMap<>();
		for (URI admin : LocalMesh.ENVOY_ADMINS) {
			Traffic.Result result = Traffic.get(admin.resolve("/memory"), Map.of());
			memory.put(admin.getHost(), JSON.readTree(result.body()).path("allocated").asLong() / 1024);
		}
		return memory;
	}

	private static Map<String, Long> growth(Map<String, Long> before, Map<String, Long> after) {
		Map<String, Long> growth = new LinkedHashMap<>();
		before.forEach((name, value) -> growth.put(name, after.get(name) - value));
		return growth;
	}

}
