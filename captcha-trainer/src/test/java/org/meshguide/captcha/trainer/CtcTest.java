package org.meshguide.captcha.trainer;

import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The CTC loss is written by hand (DJL has none), so it is checked against the definition rather than against
 * itself: minus the log of the summed probability of every alignment that collapses to the label, all
 * 44^4 of them enumerated for four columns.
 */
class CtcTest {

	private static final int CLASSES = Vocabulary.classes();

	private static final int STEPS = 4;

	@Test
	void lossIsMinusTheLogOfTheProbabilityOfEveryAlignmentOfTheLabel() {
		// a repeated character needs a blank between its two alignments; labels of unequal length are padded
		List<String> labels = List.of("1", "11", "+2", "a=?");
		float[] logits = new float[labels.size() * CLASSES * STEPS];
		Random random = new Random(20251127);
		for (int i = 0; i < logits.length; i++) {
			logits[i] = (float) (3 * random.nextGaussian());
		}
		double expected = 0;
		for (int n = 0; n < labels.size(); n++) {
			expected -= Math.log(probabilityOfAllAlignments(logits, n, labels.get(n)));
		}
		expected /= labels.size();

		try (NDManager manager = NDManager.newBaseManager()) {
			var array = manager.create(logits, new Shape(labels.size(), CLASSES, 1, STEPS));
			float fromStrings = Ctc.loss(array, labels).getFloat();
			float fromClasses = Ctc.loss(array, Ctc.encode(manager, labels)).getFloat();

			assertThat((double) fromStrings).isCloseTo(expected, within(1e-3 * Math.max(1, Math.abs(expected))));
			assertThat(fromClasses).isEqualTo(fromStrings);
		}
	}

	@Test
	void bestPathMergesRepeatsAndDropsBlanksButKeepsACharacterRepeatedAcrossABlank() {
		int zero = Vocabulary.classOf('0');
		int one = Vocabulary.classOf('1');
		int[] best = { zero, zero, Vocabulary.BLANK, zero, one, one, Vocabulary.BLANK, Vocabulary.BLANK };
		float[] logits = new float[2 * CLASSES * best.length];
		for (int t = 0; t < best.length; t++) {
			// sample 1 of the batch; sample 0 stays all zeros (every class equally likely: class 0, blank, wins)
			logits[(CLASSES + best[t]) * best.length + t] = 5;
		}
		assertThat(Ctc.decode(logits, CLASSES, best.length, 1)).isEqualTo("001");
		assertThat(Ctc.decode(logits, CLASSES, best.length, 0)).isEmpty();
	}

	/** Sums, over all CLASSES^STEPS paths, the probability of those that collapse to {@code label}. */
	private static double probabilityOfAllAlignments(float[] logits, int sample, String label) {
		double[][] probability = new double[STEPS][CLASSES];
		for (int t = 0; t < STEPS; t++) {
			double sum = 0;
			for (int c = 0; c < CLASSES; c++) {
				probability[t][c] = Math.exp(logits[(sample * CLASSES + c) * STEPS + t]);
				sum += probability[t][c];
			}
			for (int c = 0; c < CLASSES; c++) {
				probability[t][c] /= sum;
			}
		}
		double total = 0;
		int[] path = new int[STEPS];
		for (long index = 0; index < (long) Math.pow(CLASSES, STEPS); index++) {
			long rest = index;
			double p = 1;
			for (int t = 0; t < STEPS; t++) {
				path[t] = (int) (rest % CLASSES);
				rest /= CLASSES;
				p *= probability[t][path[t]];
			}
			if (collapse(path).equals(label)) {
				total += p;
			}
		}
		return total;
	}

	private static String collapse(int[] path) {
		StringBuilder text = new StringBuilder();
		int previous = Vocabulary.BLANK;
		for (int c : path) {
			if (c != previous && c != Vocabulary.BLANK) {
				text.append(Vocabulary.charOf(c));
			}
			previous = c;
		}
		return text.toString();
	}

}
