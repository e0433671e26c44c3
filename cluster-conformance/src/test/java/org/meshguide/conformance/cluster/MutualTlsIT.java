package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PeerAuthentication STRICT (istio/peer-authentication-default-strict.yaml) with the certificates istiod's CA
 * issued to every sidecar: a client outside the mesh (a Pod in the namespace "legacy", which has no injection
 * label, so no sidecar) can call business in plaintext before, and not after; the injected curl client goes on
 * being answered over mutual TLS. n = 20 calls per case, each required on 100 % (nothing here is random).
 *
 * <p>PeerAuthentication leaves no marker in Envoy's config that names it, so the test waits for its effect on each
 * business Pod (plaintext to the Pod's own address) before it measures through the Service, which spreads the
 * calls over both Pods.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MutualTlsIT {

	private static final String BUSINESS = "http://business.default:8080/";

	private static final int N = 20;

	@BeforeAll
	static void clientOutsideTheMesh() {
		IstioConfig.reset();
		Kubectl.ok("create", "namespace", "legacy");
		Kubectl.ok("run", "curl", "-n", "legacy", "--image=" + LocalCluster.image("CURL_LOCAL_IMAGE"),
				"--image-pull-policy=Never", "--restart=Never", "--command", "--", "sleep", "infinity");
		Kubectl.ok(Duration.ofSeconds(120), "wait", "-n", "legacy", "--for=condition=Ready", "pod/curl",
				"--timeout=110s");
		assertThat(Kubectl.ok("get", "pod", "curl", "-n", "legacy", "-o", "jsonpath={.spec.containers[*].name}"))
			.as("containers of the Pod in legacy (no sidecar)")
			.isEqualTo("curl");
	}

	@AfterAll
	static void removeStrictAndTheClient() {
		Kubectl.ok("delete", "-f", LocalCluster.file("istio/peer-authentication-default-strict.yaml").toString(),
				"--ignore-not-found");
		await("plaintext accepted again by every business Pod").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> businessPods().stream().allMatch(pod -> plaintext(pod).ok()));
		Kubectl.ok(Duration.ofSeconds(120), "delete", "namespace", "legacy", "--timeout=110s");
	}

	@Test
	void strictRefusesPlaintextAndKeepsServingTheMesh() {
		List<Kubectl.Result> before = IntStream.range(0, N).mapToObj(i -> plaintext()).toList();
		long plaintextServed = before.stream().filter(r -> r.ok() && r.stdout().equals("200")).count();
		Report.line("cluster: PERMISSIVE (default), plaintext from a Pod without a sidecar: n=%d, %d answered 200 "
				+ "(required 100 %%) -> %s", N, plaintextServed, (plaintextServed == N) ? "PASS" : "FAIL");
		assertThat(plaintextServed).isEqualTo(N);

		Kubectl.ok("apply", "-f", LocalCluster.file("istio/peer-authentication-default-strict.yaml").toString());
		await("every business Pod refusing plaintext").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> businessPods().stream().noneMatch(pod -> plaintext(pod).ok()));

		List<Kubectl.Result> after = IntStream.range(0, N).mapToObj(i -> plaintext()).toList();
		long refused = after.stream().filter(r -> !r.ok() && r.stdout().equals("000")).count();
		List<Kubectl.Result> mesh = IntStream.range(0, N).mapToObj(i -> fromInjectedClient()).toList();
		long meshServed = mesh.stream().filter(r -> r.ok() && r.stdout().equals("200")).count();
		Report.line("cluster: STRICT, plaintext from a Pod without a sidecar: n=%d, %d refused (no HTTP answer, curl: "
				+ "%s); the injected curl client: n=%d, %d answered 200 (required 100 %% each) -> %s", N, refused,
				after.get(0).stderr().lines().findFirst().orElse(""), N, meshServed, (refused == N && meshServed == N) ? "PASS" : "FAIL");
		assertThat(refused).isEqualTo(N);
		assertThat(meshServed).isEqualTo(N);
	}

	private static Kubectl.Result plaintext() {
		return plaintext(BUSINESS);
	}

	private static Kubectl.Result plaintext(String url) {
		return Kubectl.run(Duration.ofSeconds(30), List.of("exec", "-n", "legacy", "curl", "--", "curl", "-sS",
				"--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", url));
	}

	/** http://POD-IP:8080/ of each business Pod (v1 and v2). */
	private static List<String> businessPods() {
		String ips = Kubectl.ok("get", "pods", "-l", "app=business", "-o", "jsonpath={.items[*].status.podIP}");
		return Arrays.stream(ips.strip().split(" ")).map(ip -> "http://" + ip + ":8080/").toList();
	}

	private static Kubectl.Result fromInjectedClient() {
		return Kubectl.exec(Duration.ofSeconds(30), "deploy/curl", "curl", "curl", "-sS", "--max-time", "10", "-o",
				"/dev/null", "-w", "%{http_code}", BUSINESS);
	}

}
