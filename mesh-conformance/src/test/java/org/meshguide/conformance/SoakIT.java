package org.meshguide.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 9, the soak (not in CI: scripts/resilience.sh --soak [MINUTES]): {@code soak.minutes} (default 10)
 * minutes at 100 requests a second through the ingress gateway, the resident memory (RSS) of every process of
 * the mesh sampled every 10 s into .run/resilience/soak-rss.tsv. The first fifth of the run is warm-up (JIT,
 * heaps growing to their working size); a process whose RSS, averaged over the last three samples, is more than
 * 10 % above its average over the three samples at the end of the warm-up is a leak candidate. Required: no leak
 * candidate, and at most 0.1 % of the requests failed.
 */
@Tag("soak")
@ExtendWith(MeshRestored.class)
class SoakIT {

	private static final int QPS = 100;

	private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

	private static final double LEAK_PERCENT = 10;

	@Test
	@Timeout(value = 2, unit = TimeUnit.HOURS)
	void memoryLevelsOffUnderASteadyLoad() throws IOException {
		int minutes = Integer.getInteger("soak.minutes", 10);
		assertThat(minutes).as("soak.minutes").isBetween(2, 100);
		LocalMesh.use();
		List<String> names = MeshProcesses.names();
		List<Map<String, Long>> samples = new ArrayList<>();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		List<LoadRun.Answer> answers;
		try (LoadRun run = LoadRun.start(LoadRun.Target.ingress("/"), QPS, minutes * 60 * QPS)) {
			sampler.scheduleAtFixedRate(() -> {
				Map<String, Long> sample = new LinkedHashMap<>();
				names.forEach(name -> sample.put(name, MeshProcesses.rssKib(name)));
				synchronized (samples) {
					samples.add(sample);
				}
			}, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
			answers = run.awaitAll();
		}
		finally {
			sampler.shutdownNow();
		}
		Path table = ResilienceSummary.FILE.resolveSibling("soak-rss.tsv");
		List<String> lines = new ArrayList<>();
		lines.add("t_s\t" + String.join("\t", names));
		for (int i = 0; i < samples.size(); i++) {
			Map<String, Long> sample = samples.get(i);
			lines.add((i * SAMPLE_EVERY.toSeconds()) + "\t"
					+ String.join("\t", names.stream().map(n -> String.valueOf(sample.get(n))).toList()));
		}
		Files.write(table, lines);

		int warm = Math.max(3, samples.size() / 5);
		List<String> candidates = new ArrayList<>();
		for (String name : names) {
			double atWarm = average(samples.subList(warm - 3, warm), name);
			double atEnd = average(samples.subList(samples.size() - 3, samples.size()), name);
			double growth = 100.0 * (atEnd - atWarm) / atWarm;
			boolean leak = growth > LEAK_PERCENT;
			if (leak) {
				candidates.add(name);
			}
			Report.resilience("soak %d min, %-22s RSS %7.0f KiB after warm-up -> %7.0f KiB at the end (%+.1f %%)%s",
					minutes, name, atWarm, atEnd, growth, leak ? "  LEAK CANDIDATE" : "");
		}
		double share = LoadRun.share(LoadRun.errors(answers), answers.size());
		boolean pass = candidates.isEmpty() && share <= 0.1;
		Report.resilience("soak %d min: %s; RSS of %d processes every %d s in %s; leak candidates (> %.0f %% after "
				+ "warm-up): %s -> %s", minutes, LoadRun.describe(answers, QPS), names.size(), SAMPLE_EVERY.toSeconds(),
				table, LEAK_PERCENT, candidates.isEmpty() ? "none" : candidates, pass ? "PASS" : "FAIL");
		ResilienceSummary.row(9, "soak " + minutes + " min at 100/s", "base config", answers.size(),
				LoadRun.errors(answers), candidates.isEmpty() ? "no leak candidate" : "leak candidates " + candidates,
				"RSS +<= 10 % after warm-up; <= 0.1 % errors", pass);
		assertThat(candidates).as("processes whose RSS grew more than 10 %% after the warm-up").isEmpty();
		assertThat(share).as("error %%").isLessThanOrEqualTo(0.1);
	}

	private static double average(List<Map<String, Long>> samples, String name) {
		return samples.stream().mapToLong(sample -> sample.get(name)).average().orElseThrow();
	}

}
