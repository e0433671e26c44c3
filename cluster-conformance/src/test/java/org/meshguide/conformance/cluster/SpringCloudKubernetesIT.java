package org.meshguide.conformance.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.conformance.Report;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/components/spring-cloud-kubernetes: data-service reads the ConfigMap "data-service" through the Kubernetes
 * API (spring.config.import=kubernetes:) with its own ServiceAccount, which the component's Role lets read
 * ConfigMaps and nothing else, and re-binds data.message when the ConfigMap changes (reload mode event: a watch),
 * without a restart and without any volume.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpringCloudKubernetesIT {

	private static final String CONFIGMAP = "data-service";

	private static final String ACCOUNT = "system:serviceaccount:default:data-service";

	private static final String DETECTOR_ACTIVE = "Kubernetes event-based configMap change detector activated";

	@AfterAll
	static void restore() {
		ObjectNode base = DataServicePods.base("ConfigMap", CONFIGMAP);
		DataServicePods.apply(base);
		DataServicePods.awaitServed("message", message(base), Duration.ofSeconds(90));
	}

	@Test
	void configMapReadThroughTheApiReloadsWithoutRestart() {
		assertThat(Kubectl.ok("auth", "can-i", "watch", "configmaps", "--as=" + ACCOUNT).strip())
			.as("the component's Role: watch ConfigMaps")
			.isEqualTo("yes");
		assertThat(Kubectl.run("auth", "can-i", "get", "secrets", "--as=" + ACCOUNT).stdout().strip())
			.as("the component's Role: no Secrets")
			.isEqualTo("no");
		ObjectNode base = DataServicePods.base("ConfigMap", CONFIGMAP);
		List<DataServicePods.Pod> pods = DataServicePods.awaitServed("message", message(base), Duration.ofSeconds(30));
		Map<String, Integer> restartsBefore = DataServicePods.restartsByPod();
		// a ConfigMap read at startup does not mean a watch: without the change detector no edit is ever seen
		for (DataServicePods.Pod pod : pods) {
			assertThat(Kubectl.ok("logs", pod.name(), "-c", "data-service"))
				.as("%s's log: the event-based change detector of spring-cloud-kubernetes", pod.name())
				.contains(DETECTOR_ACTIVE);
		}

		String edited = "edited through the API " + UUID.randomUUID().toString().substring(0, 8);
		ObjectNode change = base.deepCopy();
		change.withObject("data").put("application.yaml", "data:\n  message: \"" + edited + "\"\n");
		long start = System.nanoTime();
		DataServicePods.apply(change);
		DataServicePods.awaitServed("message", edited, Duration.ofSeconds(90));
		long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		Map<String, Integer> restartsAfter = DataServicePods.restartsByPod();
		Report.line("cluster: spring-cloud-kubernetes: %d Pods served the ConfigMap's data.message read through the API; "
				+ "after kubectl apply of an edited one both served '%s' within %d s (allowed 90), same Pods and restarts "
				+ "%s; sa/data-service may watch ConfigMaps, not get Secrets -> %s", pods.size(), edited, seconds,
				restartsAfter, restartsAfter.equals(restartsBefore) ? "PASS" : "FAIL");
		assertThat(restartsAfter).as("Pods (name uid) and restarts").isEqualTo(restartsBefore);
	}

	private static String message(ObjectNode configMap) {
		String yaml = configMap.path("data").path("application.yaml").asString();
		return yaml.substring(yaml.indexOf("message: \"") + 10, yaml.lastIndexOf('"'));
	}

}
