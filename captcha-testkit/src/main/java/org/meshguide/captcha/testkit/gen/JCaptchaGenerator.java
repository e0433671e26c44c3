package org.meshguide.captcha.testkit.gen;

import java.awt.Color;
import java.awt.Font;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.octo.captcha.CaptchaException;
import com.octo.captcha.component.image.backgroundgenerator.BackgroundGenerator;
import com.octo.captcha.component.image.backgroundgenerator.FunkyBackgroundGenerator;
import com.octo.captcha.component.image.backgroundgenerator.GradientBackgroundGenerator;
import com.octo.captcha.component.image.backgroundgenerator.MultipleShapeBackgroundGenerator;
import com.octo.captcha.component.image.backgroundgenerator.UniColorBackgroundGenerator;
import com.octo.captcha.component.image.color.ColorGenerator;
import com.octo.captcha.component.image.color.RandomRangeColorGenerator;
import com.octo.captcha.component.image.fontgenerator.FontGenerator;
import com.octo.captcha.component.image.fontgenerator.RandomFontGenerator;
import com.octo.captcha.component.image.fontgenerator.TwistedAndShearedRandomFontGenerator;
import com.octo.captcha.component.image.fontgenerator.TwistedRandomFontGenerator;
import com.octo.captcha.component.image.textpaster.BaffleRandomTextPaster;
import com.octo.captcha.component.image.textpaster.DecoratedRandomTextPaster;
import com.octo.captcha.component.image.textpaster.DoubleRandomTextPaster;
import com.octo.captcha.component.image.textpaster.LineRandomTextPaster;
import com.octo.captcha.component.image.textpaster.NonLinearTextPaster;
import com.octo.captcha.component.image.textpaster.RandomTextPaster;
import com.octo.captcha.component.image.textpaster.TextPaster;
import com.octo.captcha.component.image.textpaster.textdecorator.BaffleTextDecorator;
import com.octo.captcha.component.image.textpaster.textdecorator.LineTextDecorator;
import com.octo.captcha.component.image.textpaster.textdecorator.TextDecorator;
import com.octo.captcha.component.image.wordtoimage.ComposedWordToImage;
import org.meshguide.captcha.core.Vocabulary;

/**
 * JCaptcha ({@code com.octo.captcha:jcaptcha-all}, the library kaptcha's "gimpy" names come from), composed
 * the way its engines compose it: one of its font generators (a few plain faces, any installed font twisted,
 * or twisted and sheared), one of its backgrounds (funky, gradient, shapes, plain) and one of its text pasters
 * (random, baffled, lined, doubled, non-linear, decorated with rings or lines). Its engines' filter-based deformations are left out:
 * they run old jhlabs {@code ImageFilter}s through AWT's image producer, which fails on Java 17 (a
 * {@code NullPointerException} per image, printed by the producer thread, and an undeformed image). JCaptcha
 * draws words, not sums, so math captchas are the expressions an application would hand it
 * ({@link Texts#anyMath}), text captchas lower-case letters and digits.
 */
public final class JCaptchaGenerator implements CaptchaGenerator {

	/**
	 * The faces JCaptcha's list engines name (Debian maps them to its logical fonts). Passed as fonts: the
	 * constructor that takes names reads them as prefixes of fonts to leave out.
	 */
	private static final String[] FONTS = { "Arial", "Tahoma", "Verdana", "Lucida Sans" };

	/** Its four backgrounds, in the order {@link #next} picks them. */
	static final List<String> BACKGROUNDS = List.of("funky", "gradient", "shapes", "plain");

	private static final int ATTEMPTS = 4;

	/**
	 * Its twisted font generators draw from every installed font that has {@code a-z0-9}, the characters its own
	 * word lists need; about one in twenty of those here lacks an operator ({@code ×}, {@code ÷}, even {@code +})
	 * and would draw a box for it under a label that says otherwise. JCaptcha filters fonts in
	 * {@code initializeFonts}, so that is where the operators are added, as an application drawing sums would.
	 */
	private static final String DRAWN = "abcdefghijklmnopqrstuvwxyz0123456789+-=?*x×÷";

	/** Checked once: asking 470 fonts about 44 characters took most of each image's 100 ms. */
	private static volatile Font[] fontsDrawingEverything;

	private final boolean math;

	private final String background;

	public JCaptchaGenerator(boolean math) {
		this(math, null);
	}

	/** Captchas on one background only, to measure them one by one ({@code jcaptcha-math:funky}). */
	public JCaptchaGenerator(boolean math, String background) {
		if (background != null && !BACKGROUNDS.contains(background)) {
			throw new IllegalArgumentException("JCaptcha has no background " + background + "; it has " + BACKGROUNDS);
		}
		this.math = math;
		this.background = background;
	}

	@Override
	public String name() {
		return (this.math ? "jcaptcha-math" : "jcaptcha-text") + ((this.background != null) ? ":" + this.background : "");
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.anyMath(random) : Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		int width = 160 + random.nextInt(81);
		int height = 60 + random.nextInt(41);
		int fontKind = random.nextInt(3);
		int pick = random.nextInt(BACKGROUNDS.size());
		int backgroundKind = (this.background != null) ? BACKGROUNDS.indexOf(this.background) : pick;
		int pasterKind = random.nextInt(6);
		ColorGenerator ink = darkColours(random);
		// its pasters place the text at random and overrun the right edge when the font is large for the width,
		// with the twisted fonts most (their glyphs are wider than the metrics say)
		double size = Math.min(height * (0.4 + 0.2 * random.nextDouble()), width / (text.length() * 0.9));
		// a paster throws when the word does not fit; a smaller font is what an application would set
		CaptchaException lastFailure = null;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++, size *= 0.8) {
			int min = (int) Math.max(12, size * 0.8);
			int max = (int) Math.max(min + 1, size);
			ComposedWordToImage drawing = new ComposedWordToImage(fonts(fontKind, min, max),
					background(backgroundKind, width, height, random), paster(pasterKind, text.length(), ink, random));
			try {
				return new Sample(drawing.getImage(text), Vocabulary.label(text));
			}
			catch (CaptchaException ex) {
				lastFailure = ex;
			}
		}
		throw new IllegalStateException("JCaptcha could not fit '" + text + "' in " + width + "x" + height, lastFailure);
	}

	private static FontGenerator fonts(int kind, int min, int max) {
		return switch (kind) {
			case 0 -> new RandomFontGenerator(min, max,
					Arrays.stream(FONTS).map((name) -> new Font(name, Font.PLAIN, max)).toArray(Font[]::new));
			case 1 -> new TwistedRandomFontGenerator(min, max) {
				@Override
				protected List<Font> initializeFonts(Font[] fonts) {
					return super.initializeFonts(drawingEverything(fonts));
				}
			};
			default -> new TwistedAndShearedRandomFontGenerator(min, max) {
				@Override
				protected List<Font> initializeFonts(Font[] fonts) {
					return super.initializeFonts(drawingEverything(fonts));
				}
			};
		};
	}

	/** {@code installed} is always the JVM's installed fonts (the generators ask AWT for all of them). */
	private static Font[] drawingEverything(Font[] installed) {
		Font[] fonts = fontsDrawingEverything;
		if (fonts == null) {
			fonts = Arrays.stream(installed).filter((font) -> font.canDisplayUpTo(DRAWN) == -1).toArray(Font[]::new);
			fontsDrawingEverything = fonts;
		}
		return fonts;
	}

	private static BackgroundGenerator background(int kind, int width, int height, Random random) {
		return switch (kind) {
			case 0 -> new FunkyBackgroundGenerator(width, height);
			case 1 -> new GradientBackgroundGenerator(width, height, light(random), light(random));
			// its default shapes are black and white, which hides dark text entirely; applications pick colours
			case 2 -> new MultipleShapeBackgroundGenerator(width, height, light(random), light(random),
					4 + random.nextInt(8), 4 + random.nextInt(8), 6 + random.nextInt(10), 6 + random.nextInt(10),
					light(random), light(random), 4 + random.nextInt(8));
			default -> new UniColorBackgroundGenerator(width, height, light(random));
		};
	}

	private static TextPaster paster(int kind, int length, ColorGenerator ink, Random random) {
		Color white = Color.WHITE;
		return switch (kind) {
			case 0 -> new RandomTextPaster(length, length, ink, true);
			case 1 -> new BaffleRandomTextPaster(length, length, ink, true, 1 + random.nextInt(3), white);
			case 2 -> new LineRandomTextPaster(length, length, ink, true, 1 + random.nextInt(3), ink);
			case 3 -> new DoubleRandomTextPaster(length, length, ink, true);
			case 4 -> new NonLinearTextPaster(length, length, ink, true);
			default -> new DecoratedRandomTextPaster(length, length, ink, true, new TextDecorator[] {
					random.nextBoolean() ? new BaffleTextDecorator(1 + random.nextInt(2), white)
							: new LineTextDecorator(1 + random.nextInt(2), ink) });
		};
	}

	private static ColorGenerator darkColours(Random random) {
		int top = 60 + random.nextInt(80);
		return new RandomRangeColorGenerator(new int[] { 0, top }, new int[] { 0, top }, new int[] { 0, top });
	}

	private static Color light(Random random) {
		return new Color(170 + random.nextInt(86), 170 + random.nextInt(86), 170 + random.nextInt(86));
	}

}
