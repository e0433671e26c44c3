package org.meshguide.captcha.testkit.gen;

import java.util.Random;

import org.apache.wicket.extensions.markup.html.captcha.CaptchaImageResource;
import org.meshguide.captcha.core.Vocabulary;

/**
 * Apache Wicket's {@code CaptchaImageResource} (wicket-extensions): each character in Helvetica, Arial or
 * Courier, rotated up to ±35° and sheared, drawn in XOR mode, then a thick XOR ellipse that inverts whatever
 * it crosses, then grey noise on every pixel. Wicket makes up 10-14 lowercase letters when given no text;
 * applications hand it their own, so math captchas are {@link Texts#anyMath} and text captchas 4-6
 * lowercase letters and digits (the same 36 as hutool's). Its random numbers come from the seeded {@link Random}.
 */
public final class WicketCaptchaGenerator implements CaptchaGenerator {

	private final boolean math;

	public WicketCaptchaGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "wicket-math" : "wicket-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.anyMath(random) : Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		SeededCaptcha captcha = SeededCaptcha.create(text, 32 + random.nextInt(25), 5 + random.nextInt(26),
				random.nextLong());
		return Sample.fromPng(captcha.png(), Vocabulary.label(text));
	}

	/**
	 * The resource with a seeded generator: Wicket asks for its generator from its constructor, before a
	 * subclass field could hold a seed, so the seed waits in a thread-local.
	 */
	private static final class SeededCaptcha extends CaptchaImageResource {

		private static final ThreadLocal<Long> SEED = new ThreadLocal<>();

		private SeededCaptcha(String text, int fontSize, int margin) {
			super(text, fontSize, margin);
		}

		static SeededCaptcha create(String text, int fontSize, int margin, long seed) {
			SEED.set(seed);
			try {
				return new SeededCaptcha(text, fontSize, margin);
			}
			finally {
				SEED.remove();
			}
		}

		@Override
		protected Random newRandomNumberGenerator() {
			return new Random(SEED.get());
		}

		byte[] png() {
			return render();
		}

	}

}
