package org.meshguide.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * One app of the guide as a real JVM process on 127.0.0.1, started from the jar its module packaged.
 */
final class AppProcess implements AutoCloseable {

	static final Path ROOT = Path.of(System.getProperty("meshguide.root", "..")).toAbsolutePath().normalize();

	static final Path LOGS = Path.of(System.getProperty("meshguide.logs", "target/it-logs"));

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(1))
		.build();

	private final String name;

	private final int port;

	private final Process process;

	private final Path log;

	private AppProcess(String name, int port, Process process, Path log) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
	}

	/**
	 * @param module the Maven module whose jar to run
	 * @param name instance name ({@code app.instance-name}, {@code x-served-by})
	 * @param args Spring Boot arguments, {@code --key=value}
	 * @param env extra environment
	 */
	static AppProcess start(String module, String name, List<String> args, Map<String, String> env) {
		Path jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: run the build from the repository root (mvn verify)");
		}
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
				"-XX:+UseSerialGC", "-jar", jar.toString(), "--server.address=127.0.0.1", "--server.port=" + port,
				"--app.instance-name=" + name));
		command.addAll(args);
		try {
			Files.createDirectories(LOGS);
			Path log = LOGS.resolve(name + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().putAll(env);
			return new AppProcess(name, port, builder.start(), log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + name, ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	String name() {
		return this.name;
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	String urlString() {
		return url().toString();
	}

	/** Polls the readiness probe until it answers 200, the process dies or the deadline passes. */
	AppProcess awaitReady(Duration timeout) {
		HttpRequest probe = HttpRequest.newBuilder(url().resolve("/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(1))
			.build();
		try {
			await(this.name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + "\n" + logTail());
				}
				return answers200(probe);
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException(this.name + " not ready within " + timeout + "\n" + logTail(), ex);
		}
		return this;
	}

	private static boolean answers200(HttpRequest probe) throws InterruptedException {
		try {
			return HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		}
		catch (IOException ex) {
			// not listening yet
			return false;
		}
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no log at " + this.log + ")";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
