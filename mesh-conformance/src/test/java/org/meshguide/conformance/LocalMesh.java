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

	/** The ingress gateway's Envoy, where a client outside the mesh enters (mesh/topology.yaml). */
	static final URI INGRESS = URI.create(System.getProperty("mesh.ingress.url", "http://127.0.0.1:8000"));

	/** The ingress gateway Envoy's admin endpoint: the client Envoy of the circuit-breaking test. */
	static final URI INGRESS_ADMIN = URI.create("http://127.0.10.100:15000");

	static final URI ZIPKIN = URI.create(System.getProperty("mesh.zipkin.url", "http://127.0.0.1:9411"));

	static final URI ISTIOD_DEBUG = URI.create(System.getProperty("mesh.istiod.url", "http://127.0.0.1:15080"));

	/** Every Envoy's admin endpoint (mesh/topology.yaml: the sidecars and the ingress gateway). */
	static final List<URI> ENVOY_ADMINS = java.util.Arrays
		.stream(System.getProperty("mesh.envoy.admins",
				"127.0.10.1,127.0.10.2,127.0.10.3,127.0.10.4,127.0.10.5,127.0.10.6,127.0.10.100")
			.split(","))
		.map(address -> URI.create("http://" + address.strip() + ":15000"))
		.toList();

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
		assertNoNacks(String.join(", ", samples));
	}

	/**
	 * Envoy counts every xDS update it rejected ({@code *.update_rejected}); scripts/mesh.sh apply already
	 * fails on a NACK in istiod's view, this reads the Envoys' own.
	 */
	static void assertNoNacks(String after) {
		long rejected = 0;
		for (URI admin : ENVOY_ADMINS) {
			Traffic.Result stats = Traffic.get(admin.resolve("/stats?filter=update_rejected$"), java.util.Map.of());
			if (stats.status() != 200) {
				throw new AssertionError("Envoy admin " + admin + " answered " + stats.status());
			}
			rejected += stats.body()
				.lines()
				.mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}
		Report.line("NACKs after applying [%s]: %d rejected xDS updates over %d Envoys -> %s", after, rejected,
				ENVOY_ADMINS.size(), (rejected == 0) ? "PASS" : "FAIL");
		if (rejected != 0) {
			throw new AssertionError(rejected + " xDS updates rejected by Envoy after applying " + after);
		}
	}

	static void reset() {
		mesh("reset");
	}

	/** Runs scripts/mesh.sh with {@code args}; fails with its output unless it exits 0, else returns the output. */
	static String mesh(String... args) {
		Result result = tryMesh(args);
		if (result.exit() != 0) {
			throw new AssertionError("scripts/mesh.sh " + String.join(" ", args) + " failed (exit " + result.exit()
					+ "):\n" + result.output());
		}
		return result.output();
	}

	record Result(int exit, String output) {
	}

	/** Runs scripts/mesh.sh with {@code args} and returns its exit code and output (stdout and stderr). */
	static Result tryMesh(String... args) {
		List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/mesh.sh").toString()));
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return new Result(process.waitFor(), output);
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
