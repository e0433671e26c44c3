package org.meshguide.captcha.core.gen;

import java.awt.Font;
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

	private final boolean math;

	public HutoolGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "hutool-math" : "hutool-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.hutoolMath(random) : Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		int height = 40 + random.nextInt(61);
		int width = Math.max(2 * height, 120 + random.nextInt(121));
		CodeGenerator fixed = new FixedCode(text);
		AbstractCaptcha captcha = switch (random.nextInt(3)) {
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
