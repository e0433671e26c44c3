package org.meshguide.captcha.core.gen;

import java.util.List;

/**
 * Every library generator by name, as the trainer, the benchmark and the tests refer to them.
 */
public final class Generators {

	private Generators() {
	}

	public static List<CaptchaGenerator> all() {
		return List.of(new HutoolGenerator(true), new EasyCaptchaGenerator(true), new KaptchaGenerator(true),
				new CageGenerator(true), new HutoolGenerator(false), new EasyCaptchaGenerator(false),
				new KaptchaGenerator(false), new CageGenerator(false));
	}

	/**
	 * @param name a name from {@link #all()}, {@code easy-math:FONT} / {@code easy-text:FONT} for one font, or
	 * {@code hutool-math:KIND} / {@code hutool-text:KIND} for one of line, circle, shear
	 */
	public static CaptchaGenerator named(String name) {
		if (name.startsWith("easy-") && name.contains(":")) {
			return new EasyCaptchaGenerator(name.startsWith("easy-math:"), name.substring(name.indexOf(':') + 1));
		}
		if (name.startsWith("hutool-") && name.contains(":")) {
			return new HutoolGenerator(name.startsWith("hutool-math:"), name.substring(name.indexOf(':') + 1));
		}
		return all().stream()
			.filter((generator) -> generator.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no generator " + name + "; known: "
					+ all().stream().map(CaptchaGenerator::name).toList()));
	}

}
