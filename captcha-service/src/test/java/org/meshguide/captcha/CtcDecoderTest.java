package org.meshguide.captcha;

import java.util.Arrays;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CtcDecoderTest {

	private static final boolean[] ALL = all();

	private static final Pattern ANYTHING = Pattern.compile(".*");

	private static final Pattern MATH = Pattern.compile("\\d{1,4}(?:[-+×x*÷]\\d{1,4}){1,3}=?\\??");

	@Test
	void mergesRepeatsButNotAcrossABlank() {
		assertThat(CtcDecoder.decode(columns("33-3-x-99-=?"), ALL, ANYTHING, 16).text()).isEqualTo("33x9=?");
	}

	@Test
	void readsOnlyWhatTheProfileAllows() {
		float[][] logits = columns("a7");
		// the second best class of the 'a' column is '4'
		logits[0][Vocabulary.classOf('4')] = 5;
		boolean[] digits = new boolean[Vocabulary.classes()];
		for (char c : "0123456789".toCharArray()) {
			digits[Vocabulary.classOf(c)] = true;
		}
		assertThat(CtcDecoder.decode(logits, digits, ANYTHING, 16).text()).isEqualTo("47");
	}

	@Test
	void aFaintOperatorIsReadWhenThePatternNeedsOne() {
		// "7", then a column where blank wins but '-' is the runner-up, then "1=?": best path reads "71=?"
		float[][] logits = columns("7-1=?");
		logits[1][Vocabulary.classOf('-')] = 8;
		assertThat(CtcDecoder.decode(logits, ALL, ANYTHING, 16).text()).isEqualTo("71=?");
		assertThat(CtcDecoder.decode(logits, ALL, MATH, 16).text()).isEqualTo("7-1=?");
	}

	@Test
	void withoutAnyReadingThatFitsThePatternTheBestPathIsReturnedWithNoConfidence() {
		CtcDecoder.Reading reading = CtcDecoder.decode(columns("8x-=?"), ALL, MATH, 16);
		assertThat(reading.text()).isEqualTo("8x=?");
		assertThat(reading.confidence()).isZero();
	}

	@Test
	void confidenceIsTheProbabilityOfTheText() {
		double perColumn = Math.exp(10) / (Math.exp(10) + Vocabulary.classes() - 1);
		CtcDecoder.Reading reading = CtcDecoder.decode(columns("12"), ALL, ANYTHING, 16);
		assertThat(reading.text()).isEqualTo("12");
		assertThat(reading.confidence()).isCloseTo(perColumn * perColumn, within(1e-6));
	}

	@Test
	void theBeamKeepsTheMostProbablePrefixesAndAWiderOneFindsWhatTheBestPathMisses() {
		// two columns of 'a' 0.4, blank 0.6: the best path is blank-blank (0.36), but "a" has three alignments
		// (a-, -a, aa: 0.24 + 0.24 + 0.16 = 0.64); a beam of one keeps only "" after the first column
		float[][] logits = new float[2][Vocabulary.classes()];
		for (float[] column : logits) {
			Arrays.fill(column, -100);
			column[Vocabulary.BLANK] = (float) Math.log(0.6);
			column[Vocabulary.classOf('a')] = (float) Math.log(0.4);
		}
		assertThat(CtcDecoder.decode(logits, ALL, ANYTHING, 1).text()).isEmpty();
		CtcDecoder.Reading wide = CtcDecoder.decode(logits, ALL, ANYTHING, 2);
		assertThat(wide.text()).isEqualTo("a");
		assertThat(wide.confidence()).isCloseTo(0.64, within(1e-6));
	}

	/** One column per character of the spec, '-' meaning blank: that class at 10, every other at 0. */
	private static float[][] columns(String spec) {
		float[][] logits = new float[spec.length()][Vocabulary.classes()];
		for (int t = 0; t < spec.length(); t++) {
			char c = spec.charAt(t);
			logits[t][(c == '-') ? Vocabulary.BLANK : Vocabulary.classOf(c)] = 10;
		}
		return logits;
	}

	private static boolean[] all() {
		boolean[] all = new boolean[Vocabulary.classes()];
		Arrays.fill(all, true);
		return all;
	}

}
