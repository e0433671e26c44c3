package org.meshguide.captcha.testkit.gen;

import java.util.Random;

/**
 * Captcha texts in the formats the libraries produce, drawn from a seeded {@link Random}.
 */
public final class Texts {

	/** hutool's default {@code RandomGenerator} base. */
	public static final String HUTOOL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

	/** easy-captcha's {@code TYPE_DEFAULT} alphabet: no 0/O, 1/I/l, i, o. */
	public static final String EASY_CHARS = "23456789ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz";

	/** kaptcha's default {@code kaptcha.textproducer.char.string}. */
	public static final String KAPTCHA_CHARS = "abcde2345678gfynmnpwx";

	/** patchca's {@code RandomWordFactory} default characters. */
	public static final String PATCHCA_CHARS = "absdegkmnpwx23456789";

	/** SimpleCaptcha's {@code DefaultTextProducer} characters. */
	public static final String SIMPLECAPTCHA_CHARS = "abcdefghkmnprwxy2345678";

	private Texts() {
	}

	/** hutool {@code MathGenerator}: two operands below 100, each padded with spaces to 2, {@code +-*}, "=". */
	public static String hutoolMath(Random random) {
		return pad(random.nextInt(100)) + "+-*".charAt(random.nextInt(3)) + pad(random.nextInt(100)) + "=";
	}

	/** easy-captcha {@code ArithmeticCaptcha}: digits 0–9, {@code +-x}, "=?". */
	public static String easyMath(Random random, int operands) {
		StringBuilder text = new StringBuilder().append(random.nextInt(10));
		for (int i = 1; i < operands; i++) {
			text.append("+-x".charAt(random.nextInt(3))).append(random.nextInt(10));
		}
		return text.append("=?").toString();
	}

	/** Happy-Captcha {@code CaptchaType.ARITHMETIC}: a digit, one of {@code + - * x}, a digit, "=?". */
	public static String happyMath(Random random) {
		return "" + random.nextInt(10) + "+-*x".charAt(random.nextInt(4)) + random.nextInt(10) + "=?";
	}

	/**
	 * The usual kaptcha arithmetic text producer (kaptcha has none built in): small operands, the typeset
	 * {@code ×} and {@code ÷}, divisions that come out even.
	 */
	public static String kaptchaMath(Random random) {
		char op = "+-×÷".charAt(random.nextInt(4));
		int b = (op == '÷') ? 1 + random.nextInt(9) : random.nextInt(21);
		int a = (op == '÷') ? b * random.nextInt(10) : random.nextInt(21);
		return a + String.valueOf(op) + b + "=?";
	}

	/**
	 * Arithmetic as applications write it for libraries that only draw text (Cage, or a hand-made
	 * generator): one or two operators of {@code + - × x * ÷}, operands up to two digits, divisions that come
	 * out even, spaced or not, ending in "=?", "=" or nothing.
	 */
	public static String anyMath(Random random) {
		int operands = (random.nextInt(5) == 0) ? 3 : 2;
		String ops = "+-×x*÷";
		boolean spaced = random.nextInt(4) == 0;
		StringBuilder text = new StringBuilder();
		int max = (random.nextBoolean()) ? 10 : 100;
		int previous = random.nextInt(max);
		text.append(previous);
		for (int i = 1; i < operands; i++) {
			char op = ops.charAt(random.nextInt(ops.length()));
			int next = random.nextInt(max);
			if (op == '÷') {
				// rewrite the previous operand as a multiple of the divisor
				next = 1 + random.nextInt(9);
				int quotient = random.nextInt(10);
				text.setLength(text.length() - Integer.toString(previous).length());
				previous = quotient * next;
				text.append(previous);
			}
			text.append(spaced ? " " + op + " " : String.valueOf(op)).append(next);
			previous = next;
		}
		switch (random.nextInt(4)) {
			case 0 -> text.append(spaced ? " = ?" : "=?");
			case 1 -> text.append("=");
			case 2 -> text.append("=?");
			default -> {
				// no suffix: some captchas show only the expression
			}
		}
		return text.toString();
	}

	public static String alphanumeric(Random random, String alphabet, int minLength, int maxLength) {
		int length = minLength + random.nextInt(maxLength - minLength + 1);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return text.toString();
	}

	private static String pad(int number) {
		String digits = Integer.toString(number);
		return (digits.length() < 2) ? digits + " " : digits;
	}

}
