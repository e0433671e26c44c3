package org.meshguide.conformance.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * kubectl of the local cluster (the version it was built at, its admin kubeconfig), run as a process with a
 * deadline: the same commands the guide shows, so a test fails where a reader's command would.
 */
final class Kubectl {

	private static final Path BINARY = LocalCluster.ROOT.resolve(".tools/cluster/bin/kubectl");

	private static final Path KUBECONFIG = LocalCluster.ROOT.resolve(".run/cluster/kubeconfig");

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	/** Readers of the processes' output: blocking reads, so not on the (one-thread, on 2 cores) common pool. */
	private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
		Thread thread = new Thread(runnable, "kubectl-output");
		thread.setDaemon(true);
		return thread;
	});

	private Kubectl() {
	}

	/** What a kubectl run printed and how it ended. */
	record Result(int exitCode, String stdout, String stderr, List<String> args) {

		boolean ok() {
			return this.exitCode == 0;
		}

		/** stdout and stderr together, in that order (what a terminal would show, near enough). */
		String output() {
			return this.stdout + this.stderr;
		}

		@Override
		public String toString() {
			return "kubectl " + String.join(" ", this.args) + " (exit " + this.exitCode + ")\n" + output();
		}

	}

	/** Runs kubectl with {@code args}; the result whatever the exit code, an AssertionError past the deadline. */
	static Result run(Duration timeout, List<String> args) {
		return run(timeout, args, "");
	}

	/** Runs kubectl with {@code args} and {@code stdin} as its standard input. */
	static Result run(Duration timeout, List<String> args, String stdin) {
		if (!Files.isRegularFile(KUBECONFIG) || !Files.isExecutable(BINARY)) {
			throw new AssertionError("no local cluster (" + LocalCluster.ROOT.relativize(KUBECONFIG) + " or "
					+ LocalCluster.ROOT.relativize(BINARY) + " missing): this suite tests a running cluster; "
					+ "scripts/verify-cluster.sh brings one up and runs it");
		}
		List<String> command = new ArrayList<>();
		command.add(BINARY.toString());
		command.add("--kubeconfig=" + KUBECONFIG);
		command.addAll(args);
		try {
			Process process = new ProcessBuilder(command).directory(LocalCluster.ROOT.toFile()).start();
			try (var input = process.getOutputStream()) {
				input.write(stdin.getBytes(StandardCharsets.UTF_8));
			}
			CompletableFuture<String> stdout = read(process.getInputStream());
			CompletableFuture<String> stderr = read(process.getErrorStream());
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within " + timeout);
			}
			return new Result(process.exitValue(), stdout.join(), stderr.join(), List.copyOf(args));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot run " + BINARY, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Result run(String... args) {
		return run(DEFAULT_TIMEOUT, Arrays.asList(args));
	}

	/** Runs kubectl and returns its stdout; a non-zero exit is an AssertionError showing what it printed. */
	static String ok(Duration timeout, String... args) {
		Result result = run(timeout, Arrays.asList(args));
		if (!result.ok()) {
			throw new AssertionError(result.toString());
		}
		return result.stdout();
	}

	static String ok(String... args) {
		return ok(DEFAULT_TIMEOUT, args);
	}

	/**
	 * {@code kubectl exec TARGET -c CONTAINER -- COMMAND...} in the default namespace; the result whatever the
	 * command's exit code.
	 */
	static Result exec(Duration timeout, String target, String container, String... command) {
		List<String> args = new ArrayList<>(List.of("exec", target, "-c", container, "--"));
		args.addAll(Arrays.asList(command));
		return run(timeout, args);
	}

	/** {@code kubectl exec deploy/curl -c curl -- sh -c SCRIPT}: a shell loop in the in-mesh client. */
	static String curlPod(Duration timeout, String script) {
		Result result = exec(timeout, "deploy/curl", "curl", "sh", "-c", script);
		if (!result.ok()) {
			throw new AssertionError(result.toString());
		}
		return result.stdout();
	}

	/** The names of the Pods matching {@code selector} in the default namespace, sorted. */
	static List<String> podNames(String selector) {
		return ok("get", "pods", "-l", selector, "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}")
			.lines()
			.filter(line -> !line.isBlank())
			.sorted()
			.toList();
	}

	private static CompletableFuture<String> read(InputStream stream) {
		return CompletableFuture.supplyAsync(() -> {
			try (stream) {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, READERS);
	}

}
