package org.meshguide.captcha.testkit.gen;

import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.util.List;
import java.util.Random;

import cn.apiclub.captcha.Captcha;
import cn.apiclub.captcha.backgrounds.BackgroundProducer;
import cn.apiclub.captcha.backgrounds.FlatColorBackgroundProducer;
import cn.apiclub.captcha.backgrounds.GradiatedBackgroundProducer;
import cn.apiclub.captcha.backgrounds.SquigglesBackgroundProducer;
import cn.apiclub.captcha.gimpy.BlockGimpyRenderer;
import cn.apiclub.captcha.gimpy.DropShadowGimpyRenderer;
import cn.apiclub.captcha.gimpy.FishEyeGimpyRenderer;
import cn.apiclub.captcha.gimpy.GimpyRenderer;
import cn.apiclub.captcha.gimpy.RippleGimpyRenderer;
import cn.apiclub.captcha.noise.CurvedLineNoiseProducer;
import cn.apiclub.captcha.noise.StraightLineNoiseProducer;
import cn.apiclub.captcha.text.renderer.ColoredEdgesWordRenderer;
import cn.apiclub.captcha.text.renderer.DefaultWordRenderer;
import cn.apiclub.captcha.text.renderer.WordRenderer;
import org.meshguide.captcha.core.Vocabulary;

/**
 * SimpleCaptcha ({@code cn.apiclub.tool:simplecaptcha}, the SourceForge SimpleCaptcha on Maven Central):
 * its builder's text renderers (plain or coloured edges, bold Arial or Courier), backgrounds (flat, gradient,
 * squiggles), one of its "gimpy" distortions (ripple, fish-eye, block, drop shadow) or none, and a curved or
 * straight noise line. It has no arithmetic producer, so math captchas are the expressions an
 * application would hand it ({@link Texts#anyMath}); text captchas use its default five lowercase characters
 * and digits.
 */
public final class SimpleCaptchaGenerator implements CaptchaGenerator {

	/** Its renderers' default fonts. */
	private static final List<Font> FONTS = List.of(new Font("Arial", Font.BOLD, 40), new Font("Courier", Font.BOLD, 40));

	private final boolean math;

	public SimpleCaptchaGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "simplecaptcha-math" : "simplecaptcha-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.anyMath(random) : Texts.alphanumeric(random, Texts.SIMPLECAPTCHA_CHARS, 4, 6);
		// its renderers draw at the size of its default fonts from 5 % in and never shrink the text: the image
		// is as high as its examples and wide enough for the text in the wider font
		int height = 50 + random.nextInt(11);
		int width = Math.max(200, Math.max(20 + 26 * text.replace(" ", "").length(), fitting(text)))
				+ random.nextInt(30);
		List<Color> colors = random.nextBoolean() ? List.of(Color.BLACK)
				: List.of(new Color(random.nextInt(150), random.nextInt(150), random.nextInt(150)));
		int gimpy = random.nextInt(5);
		// hollow letters vanish in the fish-eye grid
		WordRenderer renderer = (random.nextInt(4) != 0 || gimpy == 2) ? new DefaultWordRenderer(colors, FONTS)
				: new ColoredEdgesWordRenderer(colors, FONTS);
		Captcha.Builder builder = new Captcha.Builder(width, height).addText(() -> text, renderer)
			.addBackground(background(random));
		if (gimpy > 0) {
			builder.gimp(gimpy(gimpy));
		}
		if (random.nextBoolean()) {
			builder.addNoise(random.nextBoolean() ? new CurvedLineNoiseProducer()
					: new StraightLineNoiseProducer(Color.BLACK, 2 + random.nextInt(3)));
		}
		if (random.nextBoolean()) {
			builder.addBorder();
		}
		return Sample.onWhite(builder.build().getImage(), Vocabulary.label(text));
	}

	/**
	 * The width its coloured-edges renderer needs: it lays the whole string out, spaces included, so the
	 * natural advance must fit after the 5 % margin (the plain renderer advances by ink only and needs less).
	 */
	private static int fitting(String text) {
		FontRenderContext context = new FontRenderContext(null, true, false);
		double advance = FONTS.stream().mapToDouble((font) -> new TextLayout(text, font, context).getAdvance()).max()
			.orElseThrow();
		return (int) Math.ceil(advance / 0.95) + 4;
	}

	private static BackgroundProducer background(Random random) {
		return switch (random.nextInt(3)) {
			case 0 -> new FlatColorBackgroundProducer(new Color(200 + random.nextInt(56), 200 + random.nextInt(56),
					200 + random.nextInt(56)));
			case 1 -> new GradiatedBackgroundProducer();
			default -> new SquigglesBackgroundProducer();
		};
	}

	/** Its shear and stretch renderers are left out: they often push the text over itself or out of the image. */
	private static GimpyRenderer gimpy(int which) {
		return switch (which) {
			case 1 -> new RippleGimpyRenderer();
			case 2 -> new FishEyeGimpyRenderer();
			case 3 -> new BlockGimpyRenderer();
			default -> new DropShadowGimpyRenderer();
		};
	}

}
