package org.meshguide.conformance;

/**
 * One line per measured figure, on the console of the test run: the guide's tables quote these lines.
 */
public final class Report {

	private Report() {
	}

	public static void line(String format, Object... args) {
		System.out.println("[conformance] " + String.format(format, args));
	}

	static void resilience(String format, Object... args) {
		System.out.println("[resilience] " + String.format(format, args));
	}

}
