package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Binomial;
import org.meshguide.conformance.Report;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DestinationRule load balancing between the two data-service Pods, called from the curl Deployment (through its
 * sidecar, as chapter 8 shows it). The Pod that answered is its x-served-by header: each replica names itself from
 * the Downward API (metadata.name), so the two replicas can be told apart.
 *
 * <p>The same criteria as the local mesh's LoadBalancingTest: n = 200 at p = 0.5 gives sigma = 3.54 points, ±12
 * points is 3.4 sigma; every key of the hash policy on one Pod (100 %, no tolerance), 16 keys reaching both Pods
 * (all on one side: probability 2 x 0.5^16 = 3e-5).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LoadBalancingIT {

	private static final String DATA = "http://data-service:8080/api/data";

	private static final int KEYS = 16;

	private static final int PER_KEY = 5;

	@AfterAll
	static void reset() {
		IstioConfig.reset();
	}

	@Test
	void roundRobinSplitsEvenlyBetweenThePods() {
		IstioConfig.use("destination-rule-data-service-round-robin.yaml");
		int n = 200;
		List<String> lines = Kubectl.curlPod(Duration.ofMinutes(3), "for i in $(seq " + n + "); do curl -s -o /dev/null "
				+ "-w '%{http_code} %header{x-served-by}\\n' " + DATA + "; done").lines().toList();
		List<String> pods = Kubectl.podNames("app=data-service");
		assertThat(lines).hasSize(n).allSatisfy(line -> assertThat(line).startsWith("200 "));
		Map<String, Long> byPod = lines.stream()
			.collect(Collectors.groupingBy(line -> line.substring(4), TreeMap::new, Collectors.counting()));
		Report.line("cluster: ROUND_ROBIN from the curl Pod, x-served-by: %s", byPod);
		assertThat(byPod.keySet()).as("the Pods that answered").containsExactlyElementsOf(pods);
		Binomial.assertShare("cluster: ROUND_ROBIN share of " + pods.get(0), byPod.get(pods.get(0)), n, 0.5, 0.12);
	}

	@Test
	void headerHashSticksEachUserToOnePod() {
		IstioConfig.use("destination-rule-data-service-consistent-hash.yaml");
		String output = Kubectl.curlPod(Duration.ofMinutes(3),
				"for k in $(seq " + KEYS + "); do for i in $(seq " + PER_KEY + "); do curl -s -o /dev/null "
						+ "-w \"$k %{http_code} %header{x-served-by}\\n\" -H \"end-user: user-$k\" " + DATA
						+ "; done; done");
		List<String> pods = Kubectl.podNames("app=data-service");
		Map<String, Set<String>> podsByKey = new TreeMap<>();
		for (String line : output.lines().toList()) {
			String[] fields = line.split(" ");
			assertThat(fields).as(line).hasSize(3);
			assertThat(fields[1]).as(line).isEqualTo("200");
			podsByKey.computeIfAbsent(fields[0], k -> new TreeSet<>()).add(fields[2]);
		}
		long sticky = podsByKey.values().stream().filter(s -> s.size() == 1).count();
		Set<String> reached = podsByKey.values()
			.stream()
			.flatMap(Set::stream)
			.collect(Collectors.toCollection(TreeSet::new));
		boolean pass = podsByKey.size() == KEYS && sticky == KEYS && reached.equals(new TreeSet<>(pods));
		Report.line("cluster: consistentHash httpHeaderName end-user: n=%d requests (%d keys x %d), keys on one Pod "
				+ "%d/%d (required 100 %%), Pods reached by different keys %s (required both of %s) -> %s",
				KEYS * PER_KEY, KEYS, PER_KEY, sticky, KEYS, reached, pods, pass ? "PASS" : "FAIL");
		assertThat(podsByKey).hasSize(KEYS);
		assertThat(sticky).as("keys that stayed on one Pod: %s", podsByKey).isEqualTo(KEYS);
		assertThat(reached).containsExactlyElementsOf(pods);
	}

}
