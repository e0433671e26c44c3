package org.meshguide.captcha.testkit.gen;

import java.awt.Font;
import java.util.List;
import java.util.Random;

import cn.hutool.captcha.AbstractCaptcha;
import cn.hutool.captcha.CircleCaptcha;
import cn.hutool.captcha.LineCaptcha;
import cn.hutool.captcha.ShearCaptcha;
import cn.hutool.captcha.generator.CodeGenerator;
import org.meshguide.captcha.core.Vocabulary;

/**
 * hutool-captcha's line, circle and shear captchas, in the sizes and interference counts applications use.
 * The font is hutool's default, the JVM's SansSerif: which file that is depends on the machine's fonts
 * (install {@code fonts-dejavu-core} for the same results everywhere).
 */
public final class HutoolGenerator implements CaptchaGenerator {

	/** hutool's three captcha kinds, in the order {@link #next} picks them. */
	static final List<String> KINDS = List.of("line", "circle", "shear");

	private final boolean math;

	private final String kind;

	/** Line, circle and shear captchas, one of the three at random: how the training data has them. */
	public HutoolGenerator(boolean math) {
		this(math, null);
	}

	/** Captchas of one kind only, to measure them one by one ({@code hutool-math:shear}). */
	public HutoolGenerator(boolean math, String kind) {
		if (kind != null && !KINDS.contains(kind)) {
			throw new IllegalArgumentException("hutool has no captcha kind " + kind + "; it has " + KINDS);
		}
		this.math = math;
		this.kind = kind;
	}

	@Override
	public String name() {
		return (this.math ? "hutool-math" : "hutool-text") + ((this.kind != null) ? ":" + this.kind : "");
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.hutoolMath(random) : Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		int height = 40 + random.nextInt(61);
		int width = Math.max(2 * height, 120 + random.nextInt(121));
		CodeGenerator fixed = new FixedCode(text);
		int pick = random.nextInt(KINDS.size());
		AbstractCaptcha captcha = switch ((this.kind != null) ? KINDS.indexOf(this.kind) : pick) {
			case 0 -> new LineCaptcha(width, height, fixed, 20 + random.nextInt(131));
			case 1 -> new CircleCaptcha(width, height, fixed, 5 + random.nextInt(36));
			default -> new ShearCaptcha(width, height, fixed, 1 + random.nextInt(4));
		};
		captcha.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, (int) (height * (0.6 + 0.2 * random.nextDouble()))));
		captcha.createCode();
		return new Sample(captcha.getImage(), Vocabulary.label(captcha.getCode()));
	}

	private record FixedCode(String text) implements CodeGenerator {

		@Override
		public String generate() {
			return this.text;
		}

		@Override
		public boolean verify(String code, String userInputCode) {
			return code.equals(userInputCode);
		}

	}

}
