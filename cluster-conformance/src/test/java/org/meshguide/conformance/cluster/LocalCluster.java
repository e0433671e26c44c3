package org.meshguide.conformance.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The running local cluster (scripts/cluster.sh up, scripts/up-istio.sh --local-cluster) as the tests see it:
 * where a client outside the cluster enters, where the repository is, and the names of the images built here.
 */
final class LocalCluster {

	static final Path ROOT = Path.of(System.getProperty("meshguide.root", "..")).toAbsolutePath().normalize();

	/** The ingress gateway's NodePort on the node address (k8s/cluster/istio-install.yaml: 30080). */
	static final URI INGRESS = URI.create(System.getProperty("cluster.ingress.url", "http://10.250.0.1:30080/"));

	private LocalCluster() {
	}

	/**
	 * The name of a locally built image (CURL_LOCAL_IMAGE, BUSYBOX_LOCAL_IMAGE, ...), from the file that names
	 * them for the scripts: scripts/lib/cluster-images.sh with tools/versions.env.
	 */
	static String image(String variable) {
		if (!variable.matches("[A-Z_]+")) {
			throw new IllegalArgumentException(variable);
		}
		String script = "source tools/versions.env && source scripts/lib/cluster-images.sh && printf %s \"$" + variable
				+ "\"";
		try {
			Process process = new ProcessBuilder(List.of("bash", "-c", script)).directory(ROOT.toFile()).start();
			String value = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (process.waitFor() != 0 || value.isEmpty()) {
				throw new AssertionError("scripts/lib/cluster-images.sh does not name " + variable);
			}
			return value;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A file of the repository, e.g. istio/NAME.yaml. */
	static Path file(String relative) {
		return ROOT.resolve(relative);
	}

}
