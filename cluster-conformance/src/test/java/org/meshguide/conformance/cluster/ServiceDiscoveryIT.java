package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Service discovery as the cluster does it: names from cluster DNS (CoreDNS), endpoints from EndpointSlices
 * that istiod turns into each sidecar's clusters. n = 20 calls where calls are counted, each required on
 * 100 % (nothing here is random).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServiceDiscoveryIT {

	private static final String ORDERS_DB = "orders-db.default.svc.cluster.local";

	private static final int N = 20;

	@BeforeAll
	static void baseState() {
		IstioConfig.reset();
	}

	@AfterEach
	void removeExamples() {
		Kubectl.ok("delete", "-k", LocalCluster.file("k8s/examples/external-name").toString(), "--ignore-not-found");
		Kubectl.ok("delete", "service", "inventory", "--ignore-not-found");
	}

	/**
	 * k8s/examples/external-name: the Service orders-db is a CNAME in cluster DNS and nothing else. This cluster's
	 * CoreDNS has no upstream (no forward plugin), so db.example.com itself does not resolve: the answer to check
	 * is the CNAME. The lookup before the Service exists asks for the CNAME record alone, so the negative answer
	 * CoreDNS caches (up to 30 s) is not the one the lookup afterwards asks for.
	 */
	@Test
	void externalNameIsACnameInClusterDns() {
		String before = Kubectl.exec(Duration.ofSeconds(30), "deploy/curl", "curl", "nslookup", "-type=CNAME", ORDERS_DB)
			.output();
		assertThat(before).as("before the example is applied").contains("NXDOMAIN").doesNotContain("canonical name");

		Kubectl.ok("apply", "-k", LocalCluster.file("k8s/examples/external-name").toString());
		String cname = ORDERS_DB + "\tcanonical name = db.example.com";
		await("the CNAME of " + ORDERS_DB).atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> nslookup().contains(cname));
		assertThat(Kubectl.ok("get", "service", "orders-db", "-o", "jsonpath={.spec.type} {.spec.clusterIP}"))
			.as("type and ClusterIP")
			.isEqualTo("ExternalName ");
		Report.line("cluster: ExternalName orders-db: nslookup %s from the curl Pod answers '%s' (before the Service: "
				+ "no CNAME) -> PASS", ORDERS_DB, cname.replace('\t', ' '));
	}

	/**
	 * A Service whose selector matches no Pod has an EndpointSlice without endpoints; the caller's sidecar answers
	 * 503 "no healthy upstream" itself (server: envoy, no x-envoy-upstream-service-time: nothing upstream answered).
	 */
	@Test
	void serviceWithoutEndpointsAnswers503FromTheCallersSidecar() {
		Kubectl.ok("create", "service", "clusterip", "inventory", "--tcp=8080:8080");
		assertThat(Kubectl.ok("get", "endpointslices", "-l", "kubernetes.io/service-name=inventory", "-o",
				"jsonpath={.items[*].endpoints[*].addresses}"))
			.as("endpoints of inventory")
			.isBlank();
		String probe = "curl -s -i http://inventory:8080/";
		await("istiod to push inventory to the curl sidecar").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> Kubectl.curlPod(Duration.ofSeconds(30), probe).endsWith("no healthy upstream"));

		List<String> answers = Kubectl
			.curlPod(Duration.ofMinutes(1),
					"for i in $(seq " + N + "); do " + probe + " | tr -d '\\r' | sed -n '1p;/^server:/p;"
							+ "/^x-envoy-upstream-service-time:/p;$p' | paste -sd'|' -; done")
			.lines()
			.toList();
		String expected = "HTTP/1.1 503 Service Unavailable|server: envoy|no healthy upstream";
		long fromSidecar = answers.stream().filter(expected::equals).count();
		Report.line("cluster: Service inventory without endpoints: n=%d, %d x '%s' (required 100 %%) -> %s", N,
				fromSidecar, expected, (fromSidecar == N) ? "PASS" : "FAIL");
		assertThat(answers).hasSize(N).allSatisfy(answer -> assertThat(answer).isEqualTo(expected));
	}

	private static String nslookup() {
		return Kubectl.exec(Duration.ofSeconds(30), "deploy/curl", "curl", "nslookup", ORDERS_DB).output();
	}

}
