package org.meshguide.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes of the running local mesh, one at a time: faults and recoveries go through scripts/mesh.sh
 * ({@code kill NAME SIGNAL}, {@code start NAME}, {@code stop NAME}), which knows how each is started and when it
 * is back; this class only reads what that script records (.run/mesh/pids, processes.tsv) and what /proc and the
 * JDK's jcmd say about a process.
 */
final class MeshProcesses {

	static final String DATA_SERVICE_1 = "data-service-1";

	/** The JVMs of the mesh whose heap the hostile-input and Zipkin tests watch. */
	static final List<String> APPS = List.of("gateway-service", "business-v1", "business-v2", "data-service-1",
			"data-service-2", "captcha-service");

	private static final Path RUN = LocalMesh.ROOT.resolve(".run/mesh");

	private static final Pattern HEAP_USED = Pattern.compile("(?:generation|space|heap)\\s+total \\d+K, used (\\d+)K");

	private MeshProcesses() {
	}

	/** Every process of the mesh by name, in start order (zipkin, istiod, the Envoys, the apps). */
	static List<String> names() {
		try {
			return Files.readAllLines(RUN.resolve("config/processes.tsv"))
				.stream()
				.map(line -> line.substring(0, line.indexOf('\t')))
				.toList();
		}
		catch (IOException ex) {
			throw new AssertionError("no local mesh here (" + RUN + "); start it: scripts/mesh.sh up", ex);
		}
	}

	static String kill(String name, String signal) {
		return LocalMesh.mesh("kill", name, signal);
	}

	/** Starts a process that is not running and returns once it is back (see scripts/mesh.sh start). */
	static String start(String name) {
		return LocalMesh.mesh("start", name);
	}

	/** An app: what deleting its pod does (see scripts/mesh.sh stop); returns once it has exited. */
	static String stop(String name) {
		return LocalMesh.mesh("stop", name);
	}

	/** The pid recorded for {@code name}, or -1 when it has none (not started, or exited). */
	static long pid(String name) {
		Path file = RUN.resolve("pids/" + name + ".pid");
		try {
			return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : -1;
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
	}

	/** R, S, T (stopped by SIGSTOP)... as /proc shows it, or "gone" (exited, or a zombie). */
	static String state(String name) {
		long pid = pid(name);
		if (pid < 0) {
			return "gone";
		}
		String stat = procStat(pid);
		if (stat == null) {
			return "gone";
		}
		String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
		return "Z".equals(state) ? "gone" : state;
	}

	/**
	 * Who each process is: pid and the kernel's start time, so a process that crashed and was started again
	 * (even under a reused pid) does not pass for the same one.
	 */
	static Map<String, String> identities() {
		Map<String, String> identities = new LinkedHashMap<>();
		for (String name : names()) {
			long pid = pid(name);
			String stat = (pid < 0) ? null : procStat(pid);
			identities.put(name, (stat == null) ? "gone"
					: pid + "@" + stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
		}
		return identities;
	}

	/**
	 * Puts the mesh back as scripts/mesh.sh up left it after a test that broke something: resumes stopped
	 * processes, starts missing ones (an app after its sidecar, back in its service), removes applied samples.
	 */
	static void restoreAll() {
		List<String> restored = new ArrayList<>();
		for (String name : names()) {
			String state = state(name);
			if ("T".equals(state)) {
				kill(name, "CONT");
				restored.add(name + " resumed");
			}
		}
		for (String name : names()) {
			if ("gone".equals(state(name))) {
				start(name);
				restored.add(name + " started");
			}
		}
		for (String name : outOfService()) {
			start(name);
			restored.add(name + " back in its service");
		}
		LocalMesh.reset();
		if (!restored.isEmpty()) {
			Report.resilience("restored the mesh after the test: %s", String.join(", ", restored));
		}
	}

	/** Apps that scripts/mesh.sh stop took out of their service and nothing has put back. */
	static List<String> outOfService() {
		Path dir = RUN.resolve("config/out-of-service");
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (var files = Files.list(dir)) {
			return files.map(file -> file.getFileName().toString().replaceFirst("\\.yaml$", "")).sorted().toList();
		}
		catch (IOException ex) {
			throw new AssertionError("cannot list " + dir, ex);
		}
	}

	/** Resident memory of the process, in KiB (/proc/PID/status VmRSS). */
	static long rssKib(String name) {
		long pid = pid(name);
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("\\D", ""));
				}
			}
		}
		catch (IOException ex) {
			throw new AssertionError(name + " (pid " + pid + ") is not running", ex);
		}
		throw new AssertionError("no VmRSS for " + name + " (pid " + pid + ")");
	}

	/**
	 * The live heap of a JVM of the mesh in KiB: a full collection (jcmd GC.run), then the used size of every
	 * generation (jcmd GC.heap_info): what the process keeps, not the garbage it happens to carry.
	 */
	static long liveHeapKib(String name) {
		long pid = pid(name);
		jcmd(pid, "GC.run");
		String info = jcmd(pid, "GC.heap_info");
		Matcher used = HEAP_USED.matcher(info);
		long total = 0;
		boolean any = false;
		while (used.find()) {
			total += Long.parseLong(used.group(1));
			any = true;
		}
		if (!any) {
			throw new AssertionError("cannot read the heap of " + name + " from jcmd GC.heap_info:\n" + info);
		}
		return total;
	}

	private static String jcmd(long pid, String command) {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		try {
			Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.waitFor() != 0) {
				throw new AssertionError("jcmd " + pid + " " + command + " failed:\n" + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new AssertionError("cannot run " + jcmd, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String procStat(long pid) {
		try {
			return Files.readString(Path.of("/proc/" + pid + "/stat"));
		}
		catch (IOException ex) {
			return null;
		}
	}

}
