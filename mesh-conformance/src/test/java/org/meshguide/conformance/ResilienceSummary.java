package org.meshguide.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One row per scenario and setting in .run/resilience/summary.tsv, the table scripts/resilience.sh prints at
 * the end of a run (and again with --report): the figures the guide's resilience chapter shows.
 */
final class ResilienceSummary {

	static final Path FILE = LocalMesh.ROOT.resolve(".run/resilience/summary.tsv");

	private ResilienceSummary() {
	}

	/**
	 * @param number the scenario's number in issue 37 (1 to 9; 10 for hostile input): the table's order
	 * @param scenario the fault, as the guide names it
	 * @param setting what the mesh had applied
	 * @param sent requests sent during the fault
	 * @param errors of those, the ones not answered 200
	 * @param recovery how long until the faulty part served again, or "-"
	 * @param requirement what the test requires, in a few words
	 * @param pass whether the requirement held
	 */
	static void row(int number, String scenario, String setting, long sent, long errors, String recovery,
			String requirement, boolean pass) {
		String line = String.join("\t", String.valueOf(number), scenario, setting, String.valueOf(sent),
				String.format("%d (%.2f %%)", errors, LoadRun.share(errors, sent)), recovery, requirement,
				pass ? "PASS" : "FAIL") + "\n";
		try {
			Files.createDirectories(FILE.getParent());
			Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new AssertionError("cannot write " + FILE, ex);
		}
	}

}
