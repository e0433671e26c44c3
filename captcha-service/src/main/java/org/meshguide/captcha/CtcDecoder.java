package org.meshguide.captcha;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.meshguide.captcha.core.Vocabulary;

/**
 * Reads the model's per-column class scores as text: CTC prefix beam search, restricted to the texts the
 * profile's pattern accepts. A captcha's text has a known shape (an arithmetic captcha is number, operator,
 * number...), and the model often gives a faint operator a fair probability without it winning its column;
 * searching only among well-formed texts turns that into the right reading instead of a dropped character.
 * Only the classes of the profile's alphabet are considered at all.
 */
final class CtcDecoder {

	/** Extensions below this probability in a column are not worth a beam. */
	private static final double MIN_PROBABILITY = 1e-3;

	/**
	 * @param text the most probable text the pattern accepts; when no beam reaches one, the best-path text
	 * (which the pattern then refuses)
	 * @param confidence the probability of that text under the model, summed over every alignment
	 */
	record Reading(String text, double confidence) {
	}

	private CtcDecoder() {
	}

	/**
	 * @param logits per column, a score per class
	 * @param allowed per class, whether the profile accepts it; the blank is always allowed
	 * @param pattern the texts the profile accepts
	 * @param beamWidth how many prefixes to keep per column
	 */
	static Reading decode(float[][] logits, boolean[] allowed, Pattern pattern, int beamWidth) {
		Map<String, Boolean> viable = new HashMap<>();
		Map<String, Beam> beams = new HashMap<>();
		beams.put("", new Beam(1, 0));
		StringBuilder bestPath = new StringBuilder();
		int previousBest = Vocabulary.BLANK;
		for (float[] column : logits) {
			double[] p = probabilities(column, allowed);
			int best = argmax(p);
			if (best != previousBest && best != Vocabulary.BLANK) {
				bestPath.append(Vocabulary.charOf(best));
			}
			previousBest = best;
			Map<String, Beam> next = new HashMap<>();
			for (Map.Entry<String, Beam> entry : beams.entrySet()) {
				String prefix = entry.getKey();
				Beam beam = entry.getValue();
				next.computeIfAbsent(prefix, (k) -> new Beam(0, 0)).blank += beam.total() * p[Vocabulary.BLANK];
				char last = prefix.isEmpty() ? 0 : prefix.charAt(prefix.length() - 1);
				for (int c = 1; c < p.length; c++) {
					if (p[c] < MIN_PROBABILITY) {
						continue;
					}
					char ch = Vocabulary.charOf(c);
					if (ch == last) {
						// the same character again: either this column continues it, or a blank separated a repeat
						next.computeIfAbsent(prefix, (k) -> new Beam(0, 0)).nonBlank += beam.nonBlank * p[c];
					}
					String extended = prefix + ch;
					if (!viable.computeIfAbsent(extended, (text) -> couldMatch(pattern, text))) {
						continue;
					}
					double from = (ch == last) ? beam.blank : beam.total();
					next.computeIfAbsent(extended, (k) -> new Beam(0, 0)).nonBlank += from * p[c];
				}
			}
			beams = prune(next, beamWidth);
		}
		return beams.entrySet()
			.stream()
			.filter((entry) -> pattern.matcher(entry.getKey()).matches())
			.max(Comparator.comparingDouble((entry) -> entry.getValue().total()))
			.map((entry) -> new Reading(entry.getKey(), entry.getValue().total()))
			.orElseGet(() -> new Reading(bestPath.toString(), 0));
	}

	/** Softmax over the blank and the allowed classes; the others get 0. */
	private static double[] probabilities(float[] column, boolean[] allowed) {
		double max = column[Vocabulary.BLANK];
		for (int c = 1; c < column.length; c++) {
			if (allowed[c]) {
				max = Math.max(max, column[c]);
			}
		}
		double[] p = new double[column.length];
		double sum = 0;
		for (int c = 0; c < column.length; c++) {
			if (c == Vocabulary.BLANK || allowed[c]) {
				p[c] = Math.exp(column[c] - max);
				sum += p[c];
			}
		}
		for (int c = 0; c < p.length; c++) {
			p[c] /= sum;
		}
		return p;
	}

	private static int argmax(double[] p) {
		int best = 0;
		for (int c = 1; c < p.length; c++) {
			if (p[c] > p[best]) {
				best = c;
			}
		}
		return best;
	}

	/** Whether some continuation of {@code text} could still match: a complete match, or input ran out first. */
	private static boolean couldMatch(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		return matcher.matches() || matcher.hitEnd();
	}

	/**
	 * The {@code width} most probable prefixes. A cutoff from sorting the probabilities alone, rather than
	 * sorting the entries: this runs once per column for every reading, and an unsure image has hundreds of
	 * candidates per column. Ties at the cutoff are kept in the map's order, as a stable sort would.
	 */
	private static Map<String, Beam> prune(Map<String, Beam> beams, int width) {
		if (beams.size() <= width) {
			return beams;
		}
		double[] totals = new double[beams.size()];
		int i = 0;
		for (Beam beam : beams.values()) {
			totals[i++] = beam.total();
		}
		Arrays.sort(totals);
		double cutoff = totals[totals.length - width];
		int above = 0;
		for (double total : totals) {
			if (total > cutoff) {
				above++;
			}
		}
		int tiesToKeep = width - above;
		Map<String, Beam> kept = new HashMap<>();
		for (Map.Entry<String, Beam> entry : beams.entrySet()) {
			double total = entry.getValue().total();
			if (total > cutoff || (total == cutoff && tiesToKeep-- > 0)) {
				kept.put(entry.getKey(), entry.getValue());
			}
		}
		return kept;
	}

	/** Probability of a prefix over the alignments seen so far, split by whether the last column was blank. */
	private static final class Beam {

		double blank;

		double nonBlank;

		Beam(double blank, double nonBlank) {
			this.blank = blank;
			this.nonBlank = nonBlank;
		}

		double total() {
			return this.blank + this.nonBlank;
		}

	}

}
