package org.meshguide.captcha.core;

import java.util.Locale;

/**
 * The characters the model can output, in the order of its output classes. Class 0 is the CTC blank
 * ("no character here"), character {@code i} of {@link #CHARS} is class {@code i + 1}. Letters are lower case
 * only: the text captchas of the libraries the model is trained on are checked case-insensitively, and
 * telling {@code o} from {@code O} in a 20-pixel glyph is guessing.
 * <p>
 * The trainer writes this string into the ONNX model's metadata and the service refuses a model whose
 * vocabulary differs, so a model and a service can never disagree silently about what class 17 means.
 */
public final class Vocabulary {

	public static final String CHARS = "0123456789abcdefghijklmnopqrstuvwxyz+-×*÷=?";

	public static final int BLANK = 0;

	private Vocabulary() {
	}

	public static int classes() {
		return CHARS.length() + 1;
	}

	/** The class of a character, or -1 when the model cannot output it. */
	public static int classOf(char c) {
		int index = CHARS.indexOf(c);
		return (index < 0) ? -1 : index + 1;
	}

	public static char charOf(int cls) {
		return CHARS.charAt(cls - 1);
	}

	/**
	 * What a captcha's answer key becomes as a training label: no whitespace (hutool pads operands with
	 * spaces), lower case.
	 */
	public static String label(String displayed) {
		String label = displayed.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
		for (int i = 0; i < label.length(); i++) {
			if (classOf(label.charAt(i)) < 0) {
				throw new IllegalArgumentException("'" + label.charAt(i) + "' of \"" + displayed + "\" is not in the vocabulary");
			}
		}
		return label;
	}

}
