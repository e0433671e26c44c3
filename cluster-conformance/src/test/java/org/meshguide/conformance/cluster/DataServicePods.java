package org.meshguide.conformance.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * data-service's Pods and its configuration objects as the configuration tests see them: what each Pod has
 * mounted and in its environment (kubectl exec), what each Pod's app serves (GET /api/data on the Pod's address,
 * from the curl client), and the ConfigMaps as the overlay renders them, edited and put back with kubectl apply.
 */
final class DataServicePods {

	static final String CONFIG_FILE = "/app/config/config-data.json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private DataServicePods() {
	}

	/** One Pod: its name, address, UID and how often its app container restarted. */
	record Pod(String name, String ip, String uid, int restarts) {

		/** What the Pod's app serves at /api/data, asked from the curl client. */
		JsonNode apiData() {
			return JSON.readTree(Kubectl.curlPod(Duration.ofSeconds(30),
					"curl -s --max-time 10 http://" + this.ip + ":8080/api/data"));
		}

		/** Runs {@code command} in the app container (the image's busybox sh and tools). */
		String exec(String... command) {
			Kubectl.Result result = Kubectl.exec(Duration.ofSeconds(30), this.name, "data-service", command);
			assertThat(result.ok()).as("%s", result).isTrue();
			return result.stdout();
		}

		String mountedFile() {
			return exec("cat", CONFIG_FILE);
		}

		/** The value of the environment variable {@code name} in the app container, as the guide reads it. */
		String env(String name) {
			if (!name.matches("[A-Z_0-9]+")) {
				throw new IllegalArgumentException(name);
			}
			return exec("sh", "-c", "echo \"$" + name + "\"").strip();
		}

	}

	/** The running data-service Pods that are not being deleted, by name. */
	static List<Pod> pods() {
		return IstioConfig.items(Kubectl.ok("get", "pods", "-l", "app=data-service", "-o", "json"))
			.stream()
			.filter(p -> p.path("metadata").path("deletionTimestamp").isMissingNode())
			.map(p -> new Pod(p.path("metadata").path("name").asString(), p.path("status").path("podIP").asString(),
					p.path("metadata").path("uid").asString(), restarts(p)))
			.sorted(java.util.Comparator.comparing(Pod::name))
			.toList();
	}

	private static int restarts(JsonNode pod) {
		for (JsonNode status : pod.path("status").path("containerStatuses")) {
			if (status.path("name").asString().equals("data-service")) {
				return status.path("restartCount").asInt();
			}
		}
		throw new AssertionError("no data-service container in " + pod.path("metadata").path("name").asString());
	}

	/**
	 * The object {@code kind/name} as {@code kustomization} renders it (kubectl kustomize, as JSON), to be edited and
	 * applied, or applied as it is to put the base back.
	 */
	static ObjectNode rendered(Path kustomization, String kind, String name) {
		String yaml = Kubectl.ok("kustomize", kustomization.toString());
		Kubectl.Result json = Kubectl.run(Duration.ofSeconds(60),
				List.of("create", "--dry-run=client", "-o", "json", "-f", "-"), yaml);
		assertThat(json.ok()).as("%s", json).isTrue();
		for (JsonNode o : IstioConfig.items(json.stdout())) {
			if (o.path("kind").asString().equals(kind) && o.path("metadata").path("name").asString().equals(name)) {
				return (ObjectNode) o;
			}
		}
		throw new AssertionError(kustomization + " renders no " + kind + "/" + name);
	}

	/** The object of the base overlay the cluster was deployed with (k8s/overlays/local-cluster). */
	static ObjectNode base(String kind, String name) {
		return rendered(LocalCluster.file("k8s/overlays/local-cluster"), kind, name);
	}

	/** {@code kubectl apply -f} of {@code objects}, written to a file the way a reader saves an edited manifest. */
	static void apply(JsonNode... objects) {
		try {
			Path file = Files.createTempFile("edited-", ".json");
			try {
				ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
				list.putArray("items").addAll(List.of(objects));
				Files.writeString(file, JSON.writeValueAsString(list));
				Kubectl.ok("apply", "-f", file.toString());
			}
			finally {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits until every Pod's app serves a /api/data whose {@code field} is {@code value}; returns the Pods. */
	static List<Pod> awaitServed(String field, String value, Duration atMost) {
		await("every data-service Pod serving " + field + " = " + value).atMost(atMost)
			.pollInterval(Duration.ofSeconds(2))
			.until(() -> {
				List<Pod> pods = pods();
				return pods.size() == 2 && pods.stream().allMatch(p -> p.apiData().path(field).toString().contains(value));
			});
		return pods();
	}

	/** name -> restarts of the app container, for "nothing restarted" checks. */
	static Map<String, Integer> restartsByPod() {
		Map<String, Integer> restarts = new TreeMap<>();
		pods().forEach(p -> restarts.put(p.name() + " " + p.uid(), p.restarts()));
		return restarts;
	}

}
