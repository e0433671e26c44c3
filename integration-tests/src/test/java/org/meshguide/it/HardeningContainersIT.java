package org.meshguide.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What only a container shows about an image: who the process runs as and what it may write, how the JVM
 * sizes itself inside a memory limit, and what SIGTERM does to a request in flight. data-service stands for
 * every app (the same base, entrypoint and JVM flags from the root pom's Jib configuration).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HardeningContainersIT {

	/** The limit under which the JVM must size its heap itself (no -Xmx: the image's MaxRAMPercentage=75). */
	private static final long MEMORY_LIMIT_MIB = 256;

	/** Kubernetes' default terminationGracePeriodSeconds, and the apps' spring.lifecycle.timeout-per-shutdown-phase. */
	private static final int GRACE_SECONDS = 30;

	private static final long SLOW_REQUEST_MS = 3000;

	static Network network;

	static GenericContainer<?> data;

	@BeforeAll
	static void start() {
		network = Network.newNetwork();
		data = AppContainers.app("data-service", network, MEMORY_LIMIT_MIB)
			.withEnv(Map.of("CONFIG_VALUE1", "42", "CONFIG_VALUE2", "foo", "DATA_FAILURE_INJECTION_ENABLED", "true"));
		data.start();
	}

	@AfterAll
	static void stop() {
		if (data != null) {
			data.stop();
		}
		if (network != null) {
			network.close();
		}
	}

	@Test
	void theProcessRunsAsUid1000WithoutCapabilitiesOnAReadOnlyRootWithAWritableTmp() {
		// Read from a busybox container in the app container's PID namespace, as `kubectl debug` would: the app
		// image has no shell, and this works wherever the engine runs (also in a VM).
		String proc = inPidNamespaceOf(data, "cat /proc/1/status /proc/1/mountinfo");
		assertThat(proc).containsPattern("(?m)^Uid:\\s+1000\\s+1000\\s+1000\\s+1000$")
			.containsPattern("(?m)^Gid:\\s+1000\\s+1000\\s+1000\\s+1000$")
			.containsPattern("(?m)^CapEff:\\s+0+$")
			.containsPattern("(?m)^NoNewPrivs:\\s+1$");
		assertThat(mountOptions(proc, "/")).as("mount options of /").startsWith("ro");
		assertThat(mountOptions(proc, "/tmp")).as("mount options of /tmp").startsWith("rw");
		assertThat(Http.get(AppContainers.url(data, "/actuator/health")).body()).contains("\"status\":\"UP\"");
	}

	@Test
	void theJvmSizesItsHeapFromTheMemoryLimitAndSurvives200RequestsUnderIt() {
		double heapMax = prometheusSum(Http.get(AppContainers.url(data, "/actuator/prometheus")).body(),
				"jvm_memory_max_bytes{area=\"heap\"");
		long limit = MEMORY_LIMIT_MIB * AppContainers.MEBIBYTE;
		assertThat(heapMax).as("heap max (bytes) under a %d MiB limit", MEMORY_LIMIT_MIB)
			.isBetween(0.5 * limit, 0.76 * limit);

		for (int i = 0; i < 200; i++) {
			assertThat(Http.get(AppContainers.url(data, "/")).statusCode()).as("request %d", i).isEqualTo(200);
		}
		InspectContainerResponse.ContainerState state = inspect(data).getState();
		assertThat(state.getRunning()).isTrue();
		assertThat(state.getOOMKilled()).isFalse();
		assertThat(inspect(data).getRestartCount()).isZero();
	}

	@Test
	void sigtermLetsARequestInFlightFinishAndTheContainerEndsWithinTheGracePeriod() throws Exception {
		GenericContainer<?> draining = AppContainers.app("data-service", network, 512)
			.withEnv(Map.of("CONFIG_VALUE1", "42", "DATA_FAILURE_INJECTION_ENABLED", "true"));
		try (draining) {
			draining.start();
			HttpResponse<String> slow = Http.send(HttpRequest.newBuilder(AppContainers.url(draining, "/admin/failure"))
				.header("content-type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString("{\"delayMs\":" + SLOW_REQUEST_MS + "}"))
				.build());
			assertThat(slow.statusCode()).as(slow.body()).isEqualTo(200);

			// the slow request on top of whatever was active before it (the scrape reading the count may be one)
			double idle = activeRequests(draining);
			CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture
				.supplyAsync(() -> Http.get(AppContainers.url(draining, "/")));
			await("the slow request to be in flight").atMost(Duration.ofSeconds(10))
				.until(() -> activeRequests(draining) >= idle + 1);

			long stopStarted = System.nanoTime();
			DockerClientFactory.instance().client().stopContainerCmd(draining.getContainerId())
				.withTimeout(GRACE_SECONDS)
				.exec();
			Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStarted);

			HttpResponse<String> answer = inFlight.get(GRACE_SECONDS, TimeUnit.SECONDS);
			assertThat(answer.statusCode()).as("the request in flight at SIGTERM").isEqualTo(200);
			assertThat(answer.body()).contains("config_value1=42");
			InspectContainerResponse.ContainerState state = inspect(draining).getState();
			// 143 = 128 + SIGTERM: the JVM ended on the signal after the graceful shutdown; a SIGKILL at the end
			// of the grace period would be 137
			assertThat(state.getExitCodeLong()).as("exit code").isEqualTo(143);
			assertThat(stopTook).as("docker stop with a %d s grace period", GRACE_SECONDS)
				.isLessThan(Duration.ofSeconds(GRACE_SECONDS - 5));
		}
	}

	/** Runs a busybox command in the PID namespace of the container, as uid 1000 (allowed to read its /proc). */
	private static String inPidNamespaceOf(GenericContainer<?> target, String command) {
		try (GenericContainer<?> debug = new GenericContainer<>(DockerImageName.parse(AppContainers.BUSYBOX_IMAGE))
			.withCommand("sh", "-c", command)
			.withCreateContainerCmdModifier((cmd) -> cmd.withUser("1000:1000")
				.getHostConfig()
				.withPidMode("container:" + target.getContainerId()))
			.withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
			debug.start();
			return debug.getLogs();
		}
	}

	/** The options of the mount at this point in a /proc/PID/mountinfo (field 6), e.g. "ro,relatime". */
	private static String mountOptions(String mountinfo, String mountPoint) {
		return Arrays.stream(mountinfo.split("\n"))
			.map((line) -> line.split(" "))
			.filter((fields) -> fields.length > 5 && fields[4].equals(mountPoint))
			.reduce((first, second) -> second)
			.map((fields) -> fields[5])
			.orElseThrow(() -> new AssertionError("no mount at " + mountPoint + " in\n" + mountinfo));
	}

	/** The sum of every sample of a metric whose line starts with this prefix, in Prometheus text format. */
	private static double prometheusSum(String metrics, String prefix) {
		return Arrays.stream(metrics.split("\n"))
			.filter((line) -> line.startsWith(prefix))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static double activeRequests(GenericContainer<?> app) {
		return prometheusSum(Http.get(AppContainers.url(app, "/actuator/prometheus")).body(),
				"http_server_requests_active_seconds_count{");
	}

	private static InspectContainerResponse inspect(GenericContainer<?> container) {
		return DockerClientFactory.instance().client().inspectContainerCmd(container.getContainerId()).exec();
	}

}
