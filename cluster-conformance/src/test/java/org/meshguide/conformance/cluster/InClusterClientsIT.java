package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original guide's in-cluster checks: a busybox Pod calling gateway-service with wget (busybox has no curl),
 * and the curl Deployment (what the guide uses instead) with curl. Both are injected, so both calls go through
 * their sidecar like any call in the mesh.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InClusterClientsIT {

	private static final String GATEWAY = "http://gateway-service:8080/";

	@BeforeAll
	static void busyboxPod() {
		IstioConfig.reset();
		Kubectl.ok("run", "busybox", "--image=" + LocalCluster.image("BUSYBOX_LOCAL_IMAGE"),
				"--image-pull-policy=Never", "--restart=Never", "--command", "--", "sleep", "3600");
		Kubectl.ok(Duration.ofSeconds(120), "wait", "--for=condition=Ready", "pod/busybox", "--timeout=110s");
	}

	@AfterAll
	static void removeBusybox() {
		Kubectl.ok(Duration.ofSeconds(90), "delete", "pod", "busybox", "--ignore-not-found", "--timeout=80s");
	}

	@Test
	void busyboxWgetsTheGateway() {
		assertThat(Kubectl.ok("get", "pod", "busybox", "-o", "jsonpath={.spec.initContainers[*].name}"))
			.as("the busybox Pod's sidecar (a native sidecar: an init container that keeps running)")
			.contains("istio-proxy");
		Kubectl.Result result = Kubectl.exec(Duration.ofSeconds(30), "busybox", "busybox", "wget", "-qO-", GATEWAY);
		Report.line("cluster: kubectl exec busybox -- wget -qO- %s: exit %d, %s", GATEWAY, result.exitCode(),
				firstLine(result.stdout()));
		assertThat(result.ok()).as("%s", result).isTrue();
		assertThat(result.stdout()).startsWith("Gateway get from upstream: [").contains("response from: business V");
	}

	@Test
	void curlDeploymentCurlsTheGateway() {
		Kubectl.Result result = Kubectl.exec(Duration.ofSeconds(30), "deploy/curl", "curl", "curl", "-s", GATEWAY);
		Report.line("cluster: kubectl exec deploy/curl -- curl -s %s: exit %d, %s", GATEWAY, result.exitCode(),
				firstLine(result.stdout()));
		assertThat(result.ok()).as("%s", result).isTrue();
		assertThat(result.stdout()).startsWith("Gateway get from upstream: [").contains("response from: business V");
	}

	private static String firstLine(String text) {
		return text.lines().findFirst().orElse("");
	}

}
