package org.meshguide.captcha.testkit.gen;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.util.Properties;
import java.util.Random;

import com.google.code.kaptcha.impl.DefaultKaptcha;
import com.google.code.kaptcha.util.Config;
import org.meshguide.captcha.core.Vocabulary;

/**
 * kaptcha's {@code DefaultKaptcha} with each of its distortions (water ripple, shadow, fish eye), with and
 * without its noise curve.
 */
public final class KaptchaGenerator implements CaptchaGenerator {

	private static final String[] GIMPY = { "com.google.code.kaptcha.impl.WaterRipple",
			"com.google.code.kaptcha.impl.ShadowGimpy", "com.google.code.kaptcha.impl.FishEyeGimpy" };

	/** kaptcha's default {@code kaptcha.textproducer.font.names}. */
	private static final String[] FONTS = { "Arial", "Courier" };

	private final boolean math;

	public KaptchaGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "kaptcha-math" : "kaptcha-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.kaptchaMath(random) : Texts.alphanumeric(random, Texts.KAPTCHA_CHARS, 4, 6);
		int height = 45 + random.nextInt(26);
		int width = 150 + random.nextInt(71);
		Properties settings = new Properties();
		settings.setProperty("kaptcha.image.width", Integer.toString(width));
		settings.setProperty("kaptcha.image.height", Integer.toString(height));
		settings.setProperty("kaptcha.border", random.nextBoolean() ? "yes" : "no");
		int space = 1 + random.nextInt(5);
		int size = fittingSize(text, (int) (height * (0.55 + 0.2 * random.nextDouble())), space, width);
		settings.setProperty("kaptcha.textproducer.font.size", Integer.toString(size));
		settings.setProperty("kaptcha.textproducer.char.space", Integer.toString(space));
		settings.setProperty("kaptcha.textproducer.font.color",
				random.nextInt(80) + "," + random.nextInt(80) + "," + random.nextInt(160));
		settings.setProperty("kaptcha.obscurificator.impl", GIMPY[random.nextInt(GIMPY.length)]);
		if (random.nextBoolean()) {
			settings.setProperty("kaptcha.noise.impl", "com.google.code.kaptcha.impl.NoNoise");
		}
		DefaultKaptcha kaptcha = new DefaultKaptcha();
		kaptcha.setConfig(new Config(settings));
		return new Sample(kaptcha.createImage(text), Vocabulary.label(text));
	}

	/**
	 * kaptcha centres the text but does not shrink it: a font too large for the width cuts off the last
	 * characters, and no application would ship a captcha whose "=?" is missing.
	 */
	private static int fittingSize(String text, int size, int space, int width) {
		FontRenderContext context = new FontRenderContext(null, true, true);
		for (int candidate = size; candidate > 12; candidate--) {
			Font[] fonts = new Font[FONTS.length];
			for (int i = 0; i < FONTS.length; i++) {
				fonts[i] = new Font(FONTS[i], Font.BOLD, candidate);
			}
			double total = space * (text.length() - 1);
			for (char c : text.toCharArray()) {
				double widest = 0;
				for (Font font : fonts) {
					widest = Math.max(widest, font.createGlyphVector(context, new char[] { c }).getVisualBounds().getWidth());
				}
				total += widest;
			}
			if (total <= width * 0.9) {
				return candidate;
			}
		}
		return 12;
	}

}
