package org.meshguide.captcha.testkit.gen;

import java.awt.Color;
import java.util.List;
import java.util.Random;

import com.github.bingoohuang.patchca.color.ColorFactory;
import com.github.bingoohuang.patchca.color.RandomColorFactory;
import com.github.bingoohuang.patchca.color.SingleColorFactory;
import com.github.bingoohuang.patchca.custom.ConfigurableCaptchaService;
import com.github.bingoohuang.patchca.filter.FilterFactory;
import com.github.bingoohuang.patchca.filter.predefined.CurvesRippleFilterFactory;
import com.github.bingoohuang.patchca.filter.predefined.DiffuseRippleFilterFactory;
import com.github.bingoohuang.patchca.filter.predefined.DoubleRippleFilterFactory;
import com.github.bingoohuang.patchca.filter.predefined.MarbleRippleFilterFactory;
import com.github.bingoohuang.patchca.filter.predefined.WobbleRippleFilterFactory;
import com.github.bingoohuang.patchca.font.RandomFontFactory;
import com.github.bingoohuang.patchca.text.renderer.AbstractTextRenderer;
import com.github.bingoohuang.patchca.text.renderer.BestFitTextRenderer;
import com.github.bingoohuang.patchca.text.renderer.RandomYBestFitTextRenderer;
import com.github.bingoohuang.patchca.word.WordBean;
import com.github.bingoohuang.patchca.word.WordFactory;
import org.meshguide.captcha.core.Vocabulary;

/**
 * patchca ({@code com.github.bingoohuang:patchca}, a fork of the original patchca): the text fitted to the
 * width by its best-fit renderers, then bent by one of its five filter chains (curves and ripple, double
 * ripple, wobble, diffuse, marble). Its own arithmetic words use Chinese numerals, which the model does not
 * read, so math captchas are the expressions an application would hand it ({@link Texts#anyMath}); text
 * captchas use its default alphabet.
 */
public final class PatchcaGenerator implements CaptchaGenerator {

	private final boolean math;

	public PatchcaGenerator(boolean math) {
		this.math = math;
	}

	@Override
	public String name() {
		return this.math ? "patchca-math" : "patchca-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.anyMath(random) : Texts.alphanumeric(random, Texts.PATCHCA_CHARS, 4, 6);
		ConfigurableCaptchaService service = new ConfigurableCaptchaService();
		service.setWidth(140 + random.nextInt(121));
		service.setHeight(50 + random.nextInt(31));
		// its default black or its random dark blues, and a third of the time a dark colour an application set
		ColorFactory colors = random.nextBoolean() ? new SingleColorFactory() : new RandomColorFactory();
		if (random.nextInt(3) == 0) {
			colors = new SingleColorFactory(new Color(random.nextInt(120), random.nextInt(120), random.nextInt(120)));
		}
		service.setColorFactory(colors);
		RandomFontFactory fonts = new RandomFontFactory(List.of("Verdana", "Tahoma", "Arial", "Serif"));
		fonts.setMinSize(service.getHeight() / 2);
		fonts.setMaxSize(service.getHeight() * 3 / 4);
		fonts.setRandomStyle(true);
		service.setFontFactory(fonts);
		AbstractTextRenderer renderer = random.nextBoolean() ? new BestFitTextRenderer() : new RandomYBestFitTextRenderer();
		renderer.setLeftMargin(10);
		renderer.setRightMargin(10);
		service.setTextRenderer(renderer);
		service.setFilterFactory(filters(random.nextInt(5), colors));
		service.setWordFactory(new FixedWord(text));
		return Sample.onWhite(service.getCaptcha().getImage(), Vocabulary.label(text));
	}

	private static FilterFactory filters(int which, ColorFactory colors) {
		return switch (which) {
			case 0 -> new CurvesRippleFilterFactory(colors);
			case 1 -> new DoubleRippleFilterFactory();
			case 2 -> new WobbleRippleFilterFactory();
			case 3 -> new DiffuseRippleFilterFactory();
			default -> new MarbleRippleFilterFactory();
		};
	}

	/** The word an application chose, handed to patchca the way its own word factories hand theirs. */
	private record FixedWord(String text) implements WordFactory {

		@Override
		public WordBean getNextWord() {
			return new WordBean(this.text, this.text, "");
		}

		@Override
		public String[] getSupportedFontFamilies() {
			return new String[] { "Verdana", "Tahoma" };
		}

	}

}
