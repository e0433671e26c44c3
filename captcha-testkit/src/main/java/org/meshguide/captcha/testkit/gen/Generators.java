package org.meshguide.captcha.testkit.gen;

import java.util.List;

/**
 * Every library generator by name, as the trainer, the benchmark and the tests refer to them.
 */
public final class Generators {

	private Generators() {
	}

	/**
	 * The four libraries the model trains on, then five it has never seen (patchca, Happy-Captcha,
	 * SimpleCaptcha, Wicket, JCaptcha): added after model v5 was trained and before anyone looked at how it reads
	 * them, so they measure generalisation without the leave-one-out figures' caveat that the synthetic captchas
	 * were designed with the left-out library in view (JCaptcha much later than the others, the same way).
	 */
	public static List<CaptchaGenerator> all() {
		return List.of(new HutoolGenerator(true), new EasyCaptchaGenerator(true), new KaptchaGenerator(true),
				new CageGenerator(true), new HutoolGenerator(false), new EasyCaptchaGenerator(false),
				new KaptchaGenerator(false), new CageGenerator(false), new PatchcaGenerator(true),
				new HappyCaptchaGenerator(true), new SimpleCaptchaGenerator(true), new WicketCaptchaGenerator(true),
				new PatchcaGenerator(false), new HappyCaptchaGenerator(false), new SimpleCaptchaGenerator(false),
				new WicketCaptchaGenerator(false), new JCaptchaGenerator(true), new JCaptchaGenerator(false));
	}

	/**
	 * @param name a name from {@link #all()}, {@code easy-math:FONT} / {@code easy-text:FONT} for one font,
	 * {@code hutool-math:KIND} / {@code hutool-text:KIND} for one of line, circle, shear, or
	 * {@code jcaptcha-math:BACKGROUND} / {@code jcaptcha-text:BACKGROUND} for one of funky, gradient, shapes, plain
	 */
	public static CaptchaGenerator named(String name) {
		int colon = name.indexOf(':');
		if (colon > 0) {
			String variant = name.substring(colon + 1);
			return switch (name.substring(0, colon)) {
				case "easy-math", "easy-text" -> new EasyCaptchaGenerator(name.startsWith("easy-math:"), variant);
				case "hutool-math", "hutool-text" -> new HutoolGenerator(name.startsWith("hutool-math:"), variant);
				case "jcaptcha-math", "jcaptcha-text" -> new JCaptchaGenerator(name.startsWith("jcaptcha-math:"), variant);
				default -> throw new IllegalArgumentException("no generator " + name
						+ "; only easy-math, easy-text, hutool-math, hutool-text, jcaptcha-math and jcaptcha-text have :variants");
			};
		}
		return all().stream()
			.filter((generator) -> generator.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no generator " + name + "; known: "
					+ all().stream().map(CaptchaGenerator::name).toList()));
	}

}
