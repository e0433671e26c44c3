package org.meshguide.conformance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AuthorizationPolicy with ipBlocks on data-service (the local stand-in for principals, which need mTLS):
 * only business-v2's sidecar (it dials out from 127.0.10.3) may call. Every caller is tried n = 20 times:
 * business-v2 gets 200 on 100 %; business-v1 and gateway-service (through their sidecars) and a client without
 * a sidecar (straight to data-service-1's inbound listener) get 403 "RBAC: access denied" on 100 %. No
 * tolerance: authorization is not probabilistic.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecurityIT {

	private static final String DATA = "http://data-service:8080/api/data";

	private static final int N = 20;

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void onlyBusinessV2MayCallDataService() {
		LocalMesh.use("authorization-policy-data-service-allow-business-v2-ip.yaml");
		check("business-v2 (127.0.10.3)", new InetSocketAddress("127.0.11.3", 8080), DATA, 200);
		check("business-v1 (127.0.10.2)", new InetSocketAddress("127.0.11.2", 8080), DATA, 403);
		check("gateway-service (127.0.10.1)", new InetSocketAddress("127.0.11.1", 8080), DATA, 403);
		check("no sidecar (127.0.0.1 -> data-service-1 inbound)", new InetSocketAddress("127.0.10.4", 8080),
				"http://127.0.10.4:8080/api/data", 403);
	}

	private static void check(String caller, InetSocketAddress via, String url, int expected) {
		List<Proxied.Response> results = IntStream.range(0, N)
			.mapToObj(i -> Proxied.get(Proxied.LOOPBACK, via, url, Map.of()))
			.toList();
		long matching = results.stream()
			.filter(r -> r.status() == expected && (expected != 403 || r.body().equals("RBAC: access denied")))
			.count();
		Report.line("ipBlocks policy on data-service, caller %s: n=%d, %d answered %d (required 100 %%) -> %s", caller,
				N, matching, expected, (matching == N) ? "PASS" : "FAIL");
		assertThat(matching).isEqualTo(N);
	}

}
