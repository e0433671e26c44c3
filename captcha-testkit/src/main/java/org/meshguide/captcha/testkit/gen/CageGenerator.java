package org.meshguide.captcha.testkit.gen;

import java.awt.Color;
import java.util.Random;

import com.github.cage.Cage;
import com.github.cage.image.ConstantColorGenerator;
import com.github.cage.image.EffectConfig;
import com.github.cage.image.Painter;
import com.github.cage.image.ScaleConfig;
import org.meshguide.captcha.core.Vocabulary;

/**
 * Cage ({@code com.github.cage}): text outlined, blurred, rippled and rotated by its {@code Painter}, in its
 * default random colours or in black like its Yahoo-style {@code YCage}. Cage has no arithmetic of its own, so
 * math captchas are the expressions an application would hand it ({@link Texts#anyMath}). Every random choice,
 * Cage's own included, comes from the seeded {@link Random}.
 */
public final class CageGenerator implements CaptchaGenerator {

	private final boolean math;

	public CageGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "cage-math" : "cage-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.anyMath(random) : Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		int height = 45 + random.nextInt(36);
		int width = Math.max(2 * height, 140 + random.nextInt(151));
		EffectConfig effects = new EffectConfig(random.nextInt(4) != 0, random.nextBoolean(), random.nextBoolean(),
				random.nextBoolean(), new ScaleConfig(0.55f + 0.3f * random.nextFloat(), 0.55f + 0.3f * random.nextFloat()));
		Painter painter = new Painter(width, height, null, null, effects, random);
		Cage cage = new Cage(painter, null, random.nextBoolean() ? new ConstantColorGenerator(Color.BLACK) : null, null,
				null, null, random);
		return new Sample(cage.drawImage(text), Vocabulary.label(text));
	}

}
