package org.meshguide.captcha.testkit.gen;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;

import com.wf.captcha.ArithmeticCaptcha;
import com.wf.captcha.SpecCaptcha;
import com.wf.captcha.base.Captcha;
import org.meshguide.captcha.core.Vocabulary;

/**
 * easy-captcha's {@code ArithmeticCaptcha} ({@code 8x9=?}) and {@code SpecCaptcha}, with its ten bundled
 * fonts. The text is set before rendering, so easy-captcha never needs its JavaScript engine to compute the
 * answer (that engine is gone from Java 17 unless nashorn-core is added).
 */
public final class EasyCaptchaGenerator implements CaptchaGenerator {

	/**
	 * easy-captcha's ten fonts, read once: its own setFont(int) reads the font file again, into a new temporary
	 * file, on every call.
	 */
	private static final List<String> FONT_NAMES = List.of("actionj", "epilog", "fresnel", "headache", "lexo",
			"prefix", "progbot", "ransom", "robot", "scandal");

	private static final List<Font> FONTS = FONT_NAMES.stream().map(EasyCaptchaGenerator::font).toList();

	private final boolean math;

	private final String fontName;

	/** Each image in one of the ten fonts, at random: how the training data has them. */
	public EasyCaptchaGenerator(boolean math) {
		this(math, null);
	}

	/**
	 * Every image in one font, to measure the fonts one by one: "fresnel" has no glyphs for {@code + - =} (it
	 * draws the same box for all three), so no reader can tell its {@code 3+4} from its {@code 3-4}.
	 */
	public EasyCaptchaGenerator(boolean math, String fontName) {
		if (fontName != null && !FONT_NAMES.contains(fontName)) {
			throw new IllegalArgumentException("easy-captcha has no font " + fontName + "; it has " + FONT_NAMES);
		}
		this.math = math;
		this.fontName = fontName;
	}

	@Override
	public String name() {
		return (this.math ? "easy-math" : "easy-text") + ((this.fontName != null) ? ":" + this.fontName : "");
	}

	@Override
	public Sample next(Random random) {
		int width = 110 + random.nextInt(51);
		int height = 40 + random.nextInt(21);
		Captcha captcha;
		String text;
		if (this.math) {
			text = Texts.easyMath(random, (random.nextInt(5) == 0) ? 3 : 2);
			captcha = new SeededArithmetic(width, height, text);
		}
		else {
			text = Texts.alphanumeric(random, Texts.EASY_CHARS, 4, 6);
			captcha = new SeededSpec(width, height, text);
		}
		// drawn even for a fixed font, so that both kinds see the same texts and sizes for the same seed
		int font = random.nextInt(FONTS.size());
		if (this.fontName != null) {
			font = FONT_NAMES.indexOf(this.fontName);
		}
		captcha.setFont(FONTS.get(font).deriveFont(Font.BOLD, 26f + random.nextInt(11)));
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		captcha.out(png);
		return Sample.fromPng(png.toByteArray(), Vocabulary.label(text));
	}

	private static Font font(String name) {
		try (InputStream in = Captcha.class.getResourceAsStream("/" + name + ".ttf")) {
			return Font.createFont(Font.TRUETYPE_FONT, in);
		}
		catch (IOException | FontFormatException ex) {
			throw new IllegalStateException("easy-captcha 1.6.2 ships " + name + ".ttf", ex);
		}
	}

	// A non-null answer (Captcha.chars) stops checkAlpha() from drawing, and evaluating, a text of its own.

	private static final class SeededArithmetic extends ArithmeticCaptcha {

		SeededArithmetic(int width, int height, String expression) {
			super(width, height);
			setArithmeticString(expression);
			this.chars = expression;
		}

	}

	private static final class SeededSpec extends SpecCaptcha {

		SeededSpec(int width, int height, String text) {
			super(width, height, text.length());
			this.chars = text;
		}

	}

}
