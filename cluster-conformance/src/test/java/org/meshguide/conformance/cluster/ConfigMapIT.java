package org.meshguide.conformance.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import static org.awaitility.Awaitility.await;

/**
 * Chapter 7's ConfigMap data-service-config edited with kubectl apply, on the real kubelet, first as it is, then
 * with Stakater Reloader:
 * <ul>
 * <li>the mounted file changes in both running Pods (kubelet swaps the ..data link on its periodic sync: the guide
 * says "tens of seconds to a minute or two", so up to 150 s are allowed) and the app serves the new content, with
 * no restart; the value injected as an environment variable stays what the Pod started with;</li>
 * <li>with Reloader installed as its docs say (its deployments/kubernetes/reloader.yaml, here from its Go module
 * with the image built from it: .tools/cluster/reloader) and k8s/components/reloader (search mode: the
 * Deployment searches, the ConfigMap matches), the next change rolls the Deployment and the new Pods start with
 * the new value.</li>
 * </ul>
 * One test: the Reloader half ends in a rollout, which puts the base state back faster than another kubelet sync.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ConfigMapIT {

	private static final String CONFIGMAP = "data-service-config";

	private static final Duration KUBELET_SYNC = Duration.ofSeconds(150);

	private static final Path RELOADER = LocalCluster.file(".tools/cluster/reloader");

	@AfterAll
	static void removeReloaderAndRollBackToTheBase() {
		Kubectl.ok(Duration.ofSeconds(120), "delete", "-k", RELOADER.toString(), "--ignore-not-found", "--timeout=110s");
		DataServicePods.apply(DataServicePods.base("Deployment", "data-service"),
				DataServicePods.base("ConfigMap", CONFIGMAP));
		// Reloader rolled the Deployment by adding an env var to its Pod template (not ours, so kubectl apply
		// keeps it): taking it out rolls the Pods onto the base ConfigMap; without it, a restart does
		String added = Kubectl.ok("get", "deployment", "data-service", "-o",
				"jsonpath={range .spec.template.spec.containers[0].env[*]}{.name}{\"\\n\"}{end}")
			.lines()
			.filter(name -> name.startsWith("STAKATER_"))
			.findFirst()
			.orElse("");
		if (added.isEmpty()) {
			Kubectl.ok("rollout", "restart", "deployment/data-service");
		}
		else {
			Kubectl.ok("set", "env", "deployment/data-service", "-c", "data-service", added + "-");
		}
		Kubectl.ok(Duration.ofMinutes(5), "rollout", "status", "deployment/data-service", "--timeout=290s");
	}

	@Test
	void mountedFileFollowsAtOnceEnvOnlyWhenReloaderRollsTheDeployment() throws IOException {
		ObjectNode base = DataServicePods.base("ConfigMap", CONFIGMAP);
		String startValue = base.path("data").path("config_value1").asString();

		// 1. kubectl apply, nothing else: the file follows, the env does not
		Map<String, Integer> restartsBefore = DataServicePods.restartsByPod();
		String marker = "edited-" + UUID.randomUUID().toString().substring(0, 8);
		ObjectNode edited = base.deepCopy();
		edited.withObject("data")
			.put("config_value1", startValue + "1")
			.put("config-data.json", "{\n  \"key1\": \"value1\",\n  \"key3\": \"" + marker + "\"\n}\n");
		long start = System.nanoTime();
		DataServicePods.apply(edited);
		await("kubelet to update " + DataServicePods.CONFIG_FILE + " in every data-service Pod").atMost(KUBELET_SYNC)
			.pollInterval(Duration.ofSeconds(2))
			.until(() -> DataServicePods.pods().stream().allMatch(p -> p.mountedFile().contains(marker)));
		long fileSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		List<DataServicePods.Pod> pods = DataServicePods.awaitServed("configData", marker, Duration.ofSeconds(30));
		long servedSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		Map<String, Integer> restartsAfter = DataServicePods.restartsByPod();
		List<String> envValues = pods.stream().map(p -> p.env("CONFIG_VALUE1")).toList();
		List<String> servedValues = pods.stream().map(p -> p.apiData().path("configValue1").asString()).toList();
		boolean pass = restartsAfter.equals(restartsBefore) && envValues.stream().allMatch(startValue::equals)
				&& servedValues.stream().allMatch(startValue::equals);
		Report.line("cluster: kubectl apply of an edited %s: the mounted file changed in both Pods after %d s, the apps "
				+ "served it after %d s (allowed %d s), same Pods and restarts %s; CONFIG_VALUE1 in the Pods %s and served "
				+ "%s, still the start value %s (the ConfigMap now says %s) -> %s", CONFIGMAP, fileSeconds,
				servedSeconds, KUBELET_SYNC.toSeconds(), restartsAfter, envValues, servedValues, startValue,
				startValue + "1", pass ? "PASS" : "FAIL");
		assertThat(restartsAfter).as("Pods (name uid) and restarts").isEqualTo(restartsBefore);
		assertThat(envValues).as("CONFIG_VALUE1 in each Pod").containsOnly(startValue);
		assertThat(servedValues).as("configValue1 the apps serve").containsOnly(startValue);

		// 2. Reloader and the component: the next change rolls the Deployment, the new Pods have the new env
		Kubectl.ok("apply", "-k", RELOADER.toString());
		Kubectl.ok(Duration.ofSeconds(180), "rollout", "status", "deployment/reloader-reloader", "--timeout=170s");
		Path withComponent = Files.createTempDirectory(LocalCluster.ROOT.resolve("cluster-conformance/target"),
				"reloader-");
		Files.writeString(withComponent.resolve("kustomization.yaml"), """
				apiVersion: kustomize.config.k8s.io/v1beta1
				kind: Kustomization
				resources:
				- %s
				components:
				- %s
				""".formatted(withComponent.relativize(LocalCluster.file("k8s/overlays/local-cluster")),
				withComponent.relativize(LocalCluster.file("k8s/components/reloader"))));
		ObjectNode configMap = DataServicePods.rendered(withComponent, "ConfigMap", CONFIGMAP);
		DataServicePods.apply(DataServicePods.rendered(withComponent, "Deployment", "data-service"), configMap);
		assertThat(configMap.path("metadata").path("annotations").path("reloader.stakater.com/match").asString())
			.isEqualTo("true");
		String generation = Kubectl.ok("get", "deployment", "data-service", "-o", "jsonpath={.metadata.generation}");
		String newValue = startValue + "7";
		configMap.withObject("data").put("config_value1", newValue);
		start = System.nanoTime();
		DataServicePods.apply(configMap);
		await("Reloader to change data-service's Pod template").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> !Kubectl.ok("get", "deployment", "data-service", "-o", "jsonpath={.metadata.generation}")
				.equals(generation));
		Kubectl.ok(Duration.ofMinutes(5), "rollout", "status", "deployment/data-service", "--timeout=290s");
		List<DataServicePods.Pod> rolled = DataServicePods.pods();
		long rollSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		List<String> newEnv = rolled.stream().map(p -> p.env("CONFIG_VALUE1")).toList();
		List<String> newServed = rolled.stream().map(p -> p.apiData().path("configValue1").asString()).toList();
		List<String> kept = rolled.stream()
			.map(DataServicePods.Pod::name)
			.filter(name -> pods.stream().anyMatch(p -> p.name().equals(name)))
			.toList();
		String mark = Kubectl.ok("get", "deployment", "data-service", "-o",
				"jsonpath={range .spec.template.spec.containers[0].env[*]}{.name}={.value}{\"\\n\"}{end}")
			.lines()
			.filter(env -> env.startsWith("STAKATER_"))
			.findFirst()
			.orElse("none");
		boolean rolledPass = kept.isEmpty() && rolled.size() == 2 && newEnv.stream().allMatch(newValue::equals)
				&& newServed.stream().allMatch(newValue::equals);
		Report.line("cluster: with Reloader, config_value1 -> %s in %s: Deployment rolled, %d new Pods ready after %d s, "
				+ "none of the old kept; CONFIG_VALUE1 in the new Pods %s, served %s; Reloader's mark in the Pod "
				+ "template: %s -> %s", newValue, CONFIGMAP, rolled.size(), rollSeconds, newEnv, newServed, mark,
				rolledPass ? "PASS" : "FAIL");
		Files.delete(withComponent.resolve("kustomization.yaml"));
		Files.delete(withComponent);
		assertThat(kept).as("old Pods still running").isEmpty();
		assertThat(rolled).hasSize(2);
		assertThat(newEnv).containsOnly(newValue);
		assertThat(newServed).containsOnly(newValue);
	}

}
