package org.meshguide.conformance;

import java.util.HashMap;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DestinationRule load balancing on data-service (two instances, data-service-1 and -2, same labels), called
 * as business-v2 calls it: through business-v2's outbound listener (127.0.11.3:8080). The instance that
 * answered is its x-served-by header.
 *
 * <p>Shares: n = 200 requests at p = 0.5 gives sigma = 3.54 points; ±12 points is 3.4 sigma (a correct mesh
 * fails about once in 1500 runs). Sticky policies: every request with the same key must land on the same
 * instance (100 %, no tolerance), and 16 different keys must reach both instances (all 16 on one side happens
 * with probability 2 x 0.5^16 = 3e-5 if the ring splits keys evenly).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoadBalancingIT {

	private static final String DATA = "http://data-service:8080/api/data";

	private static final int N = 200;

	private static final double TOLERANCE = 0.12;

	private static final int KEYS = 16;

	private static final int PER_KEY = 5;

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void roundRobinSplitsEvenly() {
		LocalMesh.use("destination-rule-data-service-round-robin.yaml");
		assertEvenSplit("ROUND_ROBIN", concurrently(N, 4));
	}

	@Test
	void leastRequestUsesBothInstances() {
		LocalMesh.use("destination-rule-data-service-least-request.yaml");
		assertEvenSplit("LEAST_REQUEST", concurrently(N, 4));
	}

	@Test
	void randomSplitsEvenly() {
		LocalMesh.use("destination-rule-data-service-random.yaml");
		assertEvenSplit("RANDOM", concurrently(N, 1));
	}

	@Test
	void headerHashSticksEachUserToOneInstance() {
		LocalMesh.use("destination-rule-data-service-consistent-hash.yaml");
		assertSticky("consistentHash httpHeaderName end-user",
				key -> Proxied.get(DATA, Map.of("end-user", "user-" + key)).servedBy());
	}

	@Test
	void cookieHashSetsTheCookieAndSticksToIt() {
		LocalMesh.use("destination-rule-data-service-consistent-hash-cookie.yaml");
		Map<Integer, String> cookies = new HashMap<>();
		assertSticky("consistentHash httpCookie dsaffinity (ttl 3600s)", key -> {
			String cookie = cookies.get(key);
			if (cookie == null) {
				Proxied.Response first = Proxied.get(DATA, Map.of());
				String setCookie = first.headers().getOrDefault("set-cookie", "");
				assertThat(setCookie).as("Envoy sets the affinity cookie on a request without it")
					.startsWith("dsaffinity=")
					.contains("Max-Age=3600");
				cookies.put(key, setCookie.substring(0, setCookie.indexOf(';')));
				return first.servedBy();
			}
			Proxied.Response next = Proxied.get(DATA, Map.of("Cookie", cookie));
			assertThat(next.headers()).as("no new cookie when the request carries one").doesNotContainKey("set-cookie");
			return next.servedBy();
		});
	}

	@Test
	void sourceIpHashSticksEachCallerAddressToOneInstance() {
		LocalMesh.use("destination-rule-data-service-consistent-hash-source-ip.yaml");
		assertSticky("consistentHash useSourceIp",
				key -> Proxied.get("127.0.0." + (10 + key), Proxied.BUSINESS_V2_OUTBOUND, DATA, Map.of()).servedBy());
	}

	@Test
	void perSubsetPolicyIsAccepted() {
		LocalMesh.use("destination-rule-data-service-per-subset.yaml");
		List<Proxied.Response> results = concurrently(20, 2);
		long ok = results.stream().filter(r -> r.status() == 200).count();
		Report.line("per-subset loadBalancer (LEAST_REQUEST + warmup, v1 ROUND_ROBIN): n=%d, %d answered 200 -> %s",
				results.size(), ok, (ok == results.size()) ? "PASS" : "FAIL");
		assertThat(ok).isEqualTo(results.size());
	}

	private static List<Proxied.Response> concurrently(int count, int threads) {
		return Traffic.parallel(count, threads, () -> Proxied.get(DATA, Map.of()));
	}

	private static void assertEvenSplit(String policy, List<Proxied.Response> results) {
		assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
		Map<String, Long> byInstance = results.stream()
			.collect(Collectors.groupingBy(Proxied.Response::servedBy, TreeMap::new, Collectors.counting()));
		assertThat(byInstance.keySet()).containsExactly("data-service-1", "data-service-2");
		Binomial.assertShare(policy + " share of data-service-1", byInstance.get("data-service-1"), results.size(),
				0.5, TOLERANCE);
	}

	private static void assertSticky(String policy, java.util.function.IntFunction<String> call) {
		Map<Integer, Set<String>> instancesByKey = new TreeMap<>();
		for (int key = 0; key < KEYS; key++) {
			for (int i = 0; i < PER_KEY; i++) {
				instancesByKey.computeIfAbsent(key, k -> new TreeSet<>()).add(call.apply(key));
			}
		}
		long sticky = instancesByKey.values().stream().filter(s -> s.size() == 1).count();
		Set<String> reached = instancesByKey.values()
			.stream()
			.flatMap(Set::stream)
			.collect(Collectors.toCollection(TreeSet::new));
		boolean pass = sticky == KEYS && reached.equals(Set.of("data-service-1", "data-service-2"));
		Report.line("%s: n=%d requests (%d keys x %d), keys on one instance %d/%d (required 100 %%), instances "
				+ "reached by different keys %s (required both) -> %s", policy, KEYS * PER_KEY, KEYS, PER_KEY, sticky,
				KEYS, reached, pass ? "PASS" : "FAIL");
		assertThat(sticky).as("keys that stayed on one instance").isEqualTo(KEYS);
		assertThat(reached).containsExactlyInAnyOrder("data-service-1", "data-service-2");
	}

}
