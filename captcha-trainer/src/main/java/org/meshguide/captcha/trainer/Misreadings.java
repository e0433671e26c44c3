package org.meshguide.captcha.trainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a model gets wrong, counted by kind rather than shown by example: each misreading is aligned with its
 * label and each edit tallied: a character missed, one read that is not there, one read as another. A handful
 * of kinds covering most edits says what to work on; many small ones say no single lever will do.
 */
final class Misreadings {

	private final Map<String, Integer> counts = new LinkedHashMap<>();

	private int misread;

	private int edits;

	void add(String label, String reading) {
		List<String> found = edits(label, reading);
		if (found.isEmpty()) {
			return;
		}
		this.misread++;
		this.edits += found.size();
		found.forEach((edit) -> this.counts.merge(edit, 1, Integer::sum));
	}

	/**
	 * The edits that turn the label into the reading, with as many characters as possible matched (a misread
	 * character costs what a missed plus an extra one do, so {@code 17+58 → 171+8} is an extra 1 and a missed 5,
	 * not two misread), and a misread character rather than a missed and an extra one side by side.
	 */
	static List<String> edits(String label, String reading) {
		int[][] cost = new int[label.length() + 1][reading.length() + 1];
		for (int i = 0; i <= label.length(); i++) {
			for (int j = 0; j <= reading.length(); j++) {
				cost[i][j] = (i == 0) ? j : (j == 0) ? i
						: Math.min(cost[i - 1][j - 1] + substitution(label.charAt(i - 1), reading.charAt(j - 1)),
								Math.min(cost[i - 1][j], cost[i][j - 1]) + 1);
			}
		}
		List<String> edits = new ArrayList<>();
		int i = label.length();
		int j = reading.length();
		while (i > 0 || j > 0) {
			if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + substitution(label.charAt(i - 1), reading.charAt(j - 1))) {
				if (label.charAt(i - 1) != reading.charAt(j - 1)) {
					edits.add(0, "`" + label.charAt(i - 1) + "` read as `" + reading.charAt(j - 1) + "`");
				}
				i--;
				j--;
			}
			else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
				edits.add(0, "`" + label.charAt(i - 1) + "` missed");
				i--;
			}
			else {
				edits.add(0, "extra `" + reading.charAt(j - 1) + "`");
				j--;
			}
		}
		return edits;
	}

	/** A match costs nothing; a misread character as much as a missed plus an extra one. */
	private static int substitution(char labelled, char read) {
		return (labelled == read) ? 0 : 2;
	}

	/** One line: how many readings were wrong, by how many edits, and the commonest kinds with their counts. */
	String summary(int kinds) {
		if (this.misread == 0) {
			return "none";
		}
		String top = this.counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
			.limit(kinds)
			.map((entry) -> entry.getKey() + " " + entry.getValue())
			.collect(Collectors.joining(", "));
		return String.format(Locale.ROOT, "%d misread, %d edits: %s", this.misread, this.edits, top);
	}

}
