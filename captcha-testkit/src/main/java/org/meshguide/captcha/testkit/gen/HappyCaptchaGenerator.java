package org.meshguide.captcha.testkit.gen;

import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import com.ramostear.captcha.common.Fonts;
import com.ramostear.captcha.core.Captcha;
import org.meshguide.captcha.core.Vocabulary;

/**
 * Happy-Captcha ({@code com.ramostear:Happy-Captcha}), its still-image style: lines, ovals and Bézier curves
 * in random colours behind evenly spaced italic glyphs, each in its own colour, in one of the fonts it ships
 * (Microsoft YaHei, Comfortaa, Press Start 2P). Its arithmetic is {@code digit op digit=?} with {@code + - * x};
 * its text the mixed-case alphabet easy-captcha also uses. The library draws the characters it is given, so
 * the seeded {@link Random} picks them and Happy-Captcha's own generator only the noise and colours.
 */
public final class HappyCaptchaGenerator implements CaptchaGenerator {

	private final boolean math;

	public HappyCaptchaGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "happy-math" : "happy-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.happyMath(random) : Texts.alphanumeric(random, Texts.EASY_CHARS, 4, 6);
		Captcha captcha = new Captcha(130 + random.nextInt(71), 40 + random.nextInt(21));
		captcha.setFont(font(random.nextInt(3)));
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		captcha.drawImage(text.toCharArray(), png);
		return Sample.fromPng(png.toByteArray(), Vocabulary.label(text));
	}

	private static Font font(int which) {
		return switch (which) {
			case 0 -> Fonts.getInstance().defaultFont();
			case 1 -> Fonts.getInstance().enFont1();
			default -> Fonts.getInstance().enFont2();
		};
	}

}
