package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;
import org.meshguide.conformance.Traffic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AuthorizationPolicy with principals: the identity is the caller's ServiceAccount, carried in the certificate
 * istiod's CA issued to its sidecar (auto mTLS between sidecars). Each case is n = 20 calls, required on 100 %
 * (authorization is not probabilistic), and each denial is proven against the same call allowed: the calls that
 * get 403 with the policy get 200 without it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AuthorizationPolicyIT {

	private static final int N = 20;

	@AfterAll
	static void reset() {
		IstioConfig.reset();
	}

	/**
	 * Only gateway-service's ServiceAccount may call business, and only the ingress gateway may call
	 * gateway-service: a policy on the entry service must name the ingress gateway's own principal, its
	 * ServiceAccount in istio-system. Both policies at once (Envoy drains the replaced filter chains once, not
	 * twice): the curl client is refused at both services, the chain through the ingress gateway is served.
	 */
	@Test
	void principalsAllowTheChainAndRefuseEveryoneElse() {
		String account = Kubectl.ok("get", "pods", "-n", "istio-system", "-l", "istio=ingressgateway", "-o",
				"jsonpath={.items[0].spec.serviceAccountName}");
		String sample = LocalCluster.file("istio/authorization-policy-gateway-service-allow-ingress.yaml").toString();
		assertThat(Kubectl.ok("create", "--dry-run=client", "-f", sample, "-o",
				"jsonpath={.spec.rules[0].from[0].source.principals[0]}"))
			.as("the principal gateway-service-allow-ingress allows")
			.isEqualTo("cluster.local/ns/istio-system/sa/" + account);
		IstioConfig.reset();
		assertFromCurl("no policy: curl (sa/curl) -> business", "http://business:8080/", 200);
		assertFromCurl("no policy: curl (sa/curl) -> gateway-service", "http://gateway-service:8080/", 200);

		IstioConfig.apply("authorization-policy-business-allow-gateway.yaml",
				"authorization-policy-gateway-service-allow-ingress.yaml");
		assertFromCurl("both policies: curl (sa/curl) -> business", "http://business:8080/", 403);
		assertFromCurl("both policies: curl (sa/curl) -> gateway-service", "http://gateway-service:8080/", 403);
		assertThroughIngress("both policies: ingress gateway (sa/" + account
				+ ") -> gateway-service (sa/gateway-service) -> business", 200);
	}

	/** N calls from the curl Deployment (its sidecar, its identity sa/curl), each required to answer {@code expected}. */
	private static void assertFromCurl(String what, String url, int expected) {
		String output = Kubectl.curlPod(Duration.ofMinutes(1),
				"for i in $(seq " + N + "); do curl -s -w ' %{http_code}\\n' " + url + " | tail -n 1; done");
		List<String> lines = output.lines().toList();
		String wanted = (expected == 403) ? "RBAC: access denied 403" : " 200";
		long matching = lines.stream().filter(line -> line.endsWith(wanted)).count();
		Report.line("cluster: %s: n=%d, %d answered %d%s (required 100 %%) -> %s", what, N, matching, expected,
				(expected == 403) ? " 'RBAC: access denied'" : "", (matching == N) ? "PASS" : "FAIL");
		assertThat(lines).as(what).hasSize(N).allSatisfy(line -> assertThat(line).endsWith(wanted));
	}

	private static void assertThroughIngress(String what, int expected) {
		List<Traffic.Result> results = IntStream.range(0, N)
			.mapToObj(i -> Traffic.get(LocalCluster.INGRESS, Map.of()))
			.toList();
		long matching = results.stream()
			.filter(r -> r.status() == expected && r.body().startsWith("Gateway get from upstream"))
			.count();
		Report.line("cluster: %s: n=%d, %d answered %d with the chain's answer (required 100 %%) -> %s", what, N,
				matching, expected, (matching == N) ? "PASS" : "FAIL");
		assertThat(matching).as(what).isEqualTo(N);
	}

}
