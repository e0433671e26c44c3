package org.meshguide.conformance;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The running local mesh (scripts/mesh.sh up) as the tests see it: where to send traffic, where the
 * observers are, and how to change the active Istio config. Addresses come from mesh/topology.yaml and can
 * be overridden with system properties.
 */
final class LocalMesh {

	static final Path ROOT = Path.of(System.getProperty("meshguide.root", "..")).toAbsolutePath().normalize();

	/** Entering through the gateway-service sidecar, as a pod in the cluster would call it. */
	static final URI GATEWAY = URI.create(System.getProperty("mesh.gateway.url", "http://127.0.10.1:8080"));

	static final URI ZIPKIN = URI.create(System.getProperty("mesh.zipkin.url", "http://127.0.0.1:9411"));

	static final URI ISTIOD_DEBUG = URI.create(System.getProperty("mesh.istiod.url", "http://127.0.0.1:15080"));

	private LocalMesh() {
	}

	/** Makes exactly these istio/ samples the active config and waits until every Envoy ACKed it. */
	static void use(String... samples) {
		mesh("reset");
		if (samples.length > 0) {
			List<String> args = new ArrayList<>(List.of("apply"));
			for (String sample : samples) {
				args.add(ROOT.resolve("istio").resolve(sample).toString());
			}
			mesh(args.toArray(String[]::new));
		}
	}

	static void reset() {
		mesh("reset");
	}

	private static void mesh(String... args) {
		List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/mesh.sh").toString()));
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			int exit = process.waitFor();
			if (exit != 0) {
				throw new AssertionError("scripts/mesh.sh " + String.join(" ", args) + " failed (exit " + exit + "):\n"
						+ output);
			}
		}
		catch (IOException ex) {
			throw new AssertionError("cannot run scripts/mesh.sh", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
