package org.meshguide.captcha;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes the answer of an arithmetic captcha: 2–4 whole numbers of up to 4 digits joined by
 * {@code + - × x * ÷}, optionally followed by {@code =}, {@code ?} or {@code =?}, whitespace anywhere between.
 * Multiplication and division bind tighter, as in the JavaScript easy-captcha evaluates its own text with.
 * Anything else is refused: the text comes from a model, and it is never handed to a script engine.
 */
final class Arithmetic {

	private static final String OPERATOR = "[-+×x*÷]";

	private static final Pattern EXPRESSION = Pattern
		.compile("\\s*\\d{1,4}(?:\\s*" + OPERATOR + "\\s*\\d{1,4}){1,3}\\s*(?:=\\s*\\?|=|\\?)?\\s*");

	private static final Pattern TOKEN = Pattern.compile("\\d{1,4}|" + OPERATOR);

	private Arithmetic() {
	}

	/**
	 * @throws IllegalArgumentException saying why the text has no answer
	 */
	static long evaluate(String text) {
		if (!EXPRESSION.matcher(text).matches()) {
			throw new IllegalArgumentException("it is not an arithmetic expression");
		}
		List<String> tokens = new ArrayList<>();
		Matcher matcher = TOKEN.matcher(text);
		while (matcher.find()) {
			tokens.add(matcher.group());
		}
		// products and quotients first, left to right; then the sum of the signed terms
		List<Long> terms = new ArrayList<>();
		List<Character> signs = new ArrayList<>();
		long term = Long.parseLong(tokens.get(0));
		for (int i = 1; i < tokens.size(); i += 2) {
			char op = tokens.get(i).charAt(0);
			long operand = Long.parseLong(tokens.get(i + 1));
			switch (op) {
				case '×', 'x', '*' -> term *= operand;
				case '÷' -> term = divide(term, operand);
				default -> {
					terms.add(term);
					signs.add(op);
					term = operand;
				}
			}
		}
		terms.add(term);
		long result = terms.get(0);
		for (int i = 0; i < signs.size(); i++) {
			result = (signs.get(i) == '+') ? result + terms.get(i + 1) : result - terms.get(i + 1);
		}
		return result;
	}

	private static long divide(long dividend, long divisor) {
		if (divisor == 0) {
			throw new IllegalArgumentException("it divides by zero");
		}
		if (dividend % divisor != 0) {
			throw new IllegalArgumentException(dividend + " ÷ " + divisor + " is not a whole number");
		}
		return dividend / divisor;
	}

}
