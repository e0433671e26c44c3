package org.meshguide.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 4, the control plane down: 50 requests a second through the ingress gateway (the whole chain, every
 * sidecar on the way: three JVMs per request, as much as a loaded 2-core machine serves without queueing);
 * SIGKILL of istiod at the start of a 30 s run. The Envoys keep the config they last received, so 0 requests may
 * fail (n = 1500, no tolerance). Meanwhile scripts/mesh.sh apply must refuse with a
 * message that says istiod is down and how to start it, and leave the applied config untouched. Then istiod is
 * started again under the same load: the command returns once every Envoy is SYNCED, 0 requests may fail
 * during that either, and a sample applied afterwards takes effect (100 requests, 100 % business v1).
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class IstiodDownIT {

	private static final int QPS = 50;

	private static final Path APPLIED = LocalMesh.ROOT.resolve(".run/mesh/config/istio/applied");

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void envoysKeepServingWithoutIstiodAndResyncWhenItIsBack() {
		LocalMesh.use();
		List<LoadRun.Answer> down;
		LocalMesh.Result applyWhileDown;
		try (LoadRun run = LoadRun.start(LoadRun.Target.ingress("/"), QPS, 30 * QPS)) {
			run.awaitSent(QPS / 2);
			MeshProcesses.kill("istiod", "KILL");
			run.awaitSent(10 * QPS);
			applyWhileDown = LocalMesh.tryMesh("apply",
					LocalMesh.ROOT.resolve("istio/virtual-service-business-all-v1.yaml").toString());
			down = run.awaitAll();
		}
		List<String> appliedWhileDown = applied();
		boolean refused = applyWhileDown.exit() != 0 && applyWhileDown.output().contains("istiod is not running")
				&& applyWhileDown.output().contains("mesh.sh start istiod") && appliedWhileDown.isEmpty();
		boolean downPass = LoadRun.errors(down) == 0 && refused;
		Report.resilience("istiod down (SIGKILL): %s; scripts/mesh.sh apply meanwhile: exit %d, \"%s\", applied "
				+ "files %s (required: 0 errors, apply refused naming the fix, nothing applied) -> %s",
				LoadRun.describe(down, QPS), applyWhileDown.exit(), lastLine(applyWhileDown.output()), appliedWhileDown,
				downPass ? "PASS" : "FAIL");
		ResilienceSummary.row(4, "istiod SIGKILL, 30 s", "base config", down.size(), LoadRun.errors(down), "-",
				"0 errors; apply refused", downPass);

		List<LoadRun.Answer> restart;
		long syncedAfterMs;
		try (LoadRun run = LoadRun.start(LoadRun.Target.ingress("/"), QPS, 300 * QPS)) {
			run.awaitSent(QPS / 2);
			long startAt = run.elapsedMs();
			MeshProcesses.start("istiod");
			syncedAfterMs = run.elapsedMs() - startAt;
			run.awaitSent(run.sent() + 2 * QPS);
			restart = run.finish();
		}
		LocalMesh.use("destination-rule-business-subsets.yaml", "virtual-service-business-all-v1.yaml");
		List<Traffic.Result> after = Traffic.send(100, 4, LocalMesh.INGRESS.resolve("/"), Map.of());
		long v1 = after.stream().filter(r -> r.status() == 200 && r.body().contains("business V1")).count();
		boolean restartPass = LoadRun.errors(restart) == 0 && v1 == after.size();
		Report.resilience("istiod started again: every Envoy SYNCED %.1f s after the start; during it %s; then "
				+ "virtual-service-business-all-v1.yaml applied: %d of %d answers from business v1 (required: 0 errors, "
				+ "100 %% v1) -> %s", syncedAfterMs / 1000.0, LoadRun.describe(restart, QPS), v1, after.size(),
				restartPass ? "PASS" : "FAIL");
		ResilienceSummary.row(4, "istiod started again", "base config, then all-v1", restart.size(), LoadRun.errors(restart),
				String.format("all SYNCED %.1f s after start", syncedAfterMs / 1000.0), "0 errors; new sample in effect",
				restartPass);

		assertThat(LoadRun.outcomes(down)).as("answers while istiod was down").containsOnlyKeys("200");
		assertThat(applyWhileDown.exit()).as("scripts/mesh.sh apply with istiod down").isNotZero();
		assertThat(applyWhileDown.output()).contains("istiod is not running").contains("mesh.sh start istiod");
		assertThat(appliedWhileDown).as("files applied while istiod was down").isEmpty();
		assertThat(LoadRun.outcomes(restart)).as("answers while istiod started again").containsOnlyKeys("200");
		assertThat(v1).as("answers from business v1 after applying all-v1").isEqualTo(after.size());
	}

	private static List<String> applied() {
		try (Stream<Path> files = Files.list(APPLIED)) {
			return files.map(file -> file.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new AssertionError("cannot list " + APPLIED, ex);
		}
	}

	private static String lastLine(String output) {
		List<String> lines = output.strip().lines().toList();
		return lines.isEmpty() ? "" : lines.get(lines.size() - 1).replaceAll("\u001b\\[[0-9;]*m", "").strip();
	}

}
