package org.meshguide.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.Capability;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The apps' images as containers the way their Deployments run them (k8s/base): the image Jib built into
 * the Docker engine ({@code mvn -Pcontainers}), a read-only root filesystem with a writable {@code /tmp}, no
 * capabilities, no privilege escalation, a memory limit, ready when the readiness probe answers.
 */
final class AppContainers {

	/** The images Jib builds: {@code <image.registry>/<module>:<image.tag>} of the root pom. */
	static final String REGISTRY = System.getProperty("meshguide.image.registry", "mesh-guide");

	static final String TAG = System.getProperty("meshguide.image.tag", "0.1.0");

	/** Third-party images, pinned in tools/versions.env; CI, which cannot pull, names local stand-ins. */
	static final String ZIPKIN_IMAGE = System.getProperty("meshguide.zipkin.image", "openzipkin/zipkin:3.5.1");

	static final String BUSYBOX_IMAGE = System.getProperty("meshguide.busybox.image", "busybox:1.37.0");

	static final long MEBIBYTE = 1024 * 1024;

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private AppContainers() {
	}

	/**
	 * @param module the app's Maven module, which names its image
	 * @param memoryMiB the container's memory limit
	 */
	static GenericContainer<?> app(String module, Network network, long memoryMiB) {
		return new GenericContainer<>(DockerImageName.parse(REGISTRY + "/" + module + ":" + TAG))
			.withNetwork(network)
			.withNetworkAliases(module)
			.withExposedPorts(8080)
			.withTmpFs(Map.of("/tmp", "rw,size=64m"))
			.withCreateContainerCmdModifier((cmd) -> cmd.getHostConfig()
				.withReadonlyRootfs(true)
				.withCapDrop(Capability.ALL)
				.withSecurityOpts(List.of("no-new-privileges"))
				.withMemory(memoryMiB * MEBIBYTE)
				.withMemorySwap(memoryMiB * MEBIBYTE))
			.withLogConsumer((frame) -> log(module, frame))
			.waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200).withStartupTimeout(STARTUP));
	}

	/** Zipkin on the network as {@code zipkin}, where the apps send their spans. */
	static GenericContainer<?> zipkin(Network network) {
		return new GenericContainer<>(DockerImageName.parse(ZIPKIN_IMAGE))
			.withNetwork(network)
			.withNetworkAliases("zipkin")
			.withExposedPorts(9411)
			.withLogConsumer((frame) -> log("zipkin", frame))
			.waitingFor(Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(STARTUP));
	}

	static String zipkinEndpoint() {
		return "http://zipkin:9411/api/v2/spans";
	}

	static URI url(GenericContainer<?> container, String path) {
		return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(8080) + path);
	}

	/** Each container's output, appended to target/it-logs/containers-NAME.log. */
	private static void log(String name, OutputFrame frame) {
		try {
			Files.createDirectories(AppProcess.LOGS);
			Files.writeString(AppProcess.LOGS.resolve("containers-" + name + ".log"), frame.getUtf8String(),
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
