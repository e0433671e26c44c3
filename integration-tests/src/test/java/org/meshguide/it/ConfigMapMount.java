package org.meshguide.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder updated the way the kubelet updates a mounted ConfigMap ({@code scripts/configmap-swap.sh}: a new
 * hidden version folder, {@code ..data} swapped to it atomically, the visible file a symlink through it).
 * Readable by everyone, so a container user (uid 1000) sees it through a bind mount.
 */
final class ConfigMapMount {

	/** k8s/base/data-service/config-data.json without its final newline: what the ConfigMap is generated from. */
	static final String ORIGINAL = "{\n  \"key1\": \"value1\",\n  \"key2\": \"value2\"\n}";

	private final Path mount;

	private final Path staging;

	ConfigMapMount(Path parent) throws IOException {
		this.mount = Files.createDirectories(parent.resolve("config-mount"));
		this.staging = Files.createDirectories(parent.resolve("config-staging"));
		Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(this.mount, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	/**
	 * The gateway's answer when it reaches business-v2, with data-service serving this config-data.json and
	 * the ConfigMap's two env values (the seed's shape: each hop wraps the answer of the next).
	 */
	static String chainAnswer(String configJson) {
		return "Gateway get from upstream: [\n\n response from: business V2, args: <data from data-service: "
				+ "[config_value1=42, config_value2=foo, config-data.json=" + configJson + "] >\n\n]\n";
	}

	Path path() {
		return this.mount;
	}

	/** Writes {@code config-data.json} with this content as the next version of the mount. */
	void swap(String content) throws IOException {
		Path source = this.staging.resolve("config-data.json");
		Files.writeString(source, content);
		Process swap = new ProcessBuilder("bash", AppProcess.ROOT.resolve("scripts/configmap-swap.sh").toString(),
				this.mount.toString(), source.toString())
			.redirectErrorStream(true)
			.start();
		try {
			int exit = swap.waitFor();
			assertThat(exit).as(new String(swap.getInputStream().readAllBytes())).isZero();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		// the script copies with the staging file's mode; the container user must read it
		try (var files = Files.walk(this.mount)) {
			for (Path path : files.filter((p) -> !Files.isSymbolicLink(p)).toList()) {
				Files.setPosixFilePermissions(path,
						PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
			}
		}
	}

}
