package org.meshguide.captcha.trainer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.GradientPaint;
import java.awt.GraphicsEnvironment;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import com.wf.captcha.base.Captcha;
import org.meshguide.captcha.core.Vocabulary;
import org.meshguide.captcha.testkit.gen.CaptchaGenerator;
import org.meshguide.captcha.testkit.gen.Sample;
import org.meshguide.captcha.testkit.gen.Texts;

/**
 * Captchas no library draws: the logical fonts, seventy-seven more installed families (plain, handwriting, script,
 * blackletter, pixel, OCR, comic), slanted or narrowed or widened, and easy-captcha's fonts, any
 * colour (pastel included) on white, light, gradient or dark backgrounds, grids, stripes, hatching or clutter
 * of short strokes and rings behind the text, glyphs in one slot each across the width or in a run from
 * overlapping to widely spaced, rotated, filled, hollow, thickened, with a drop shadow, knocked out of a box
 * or disc, made of dots or rimmed, lines, curves,
 * dots, waves along either axis, shears that bend or slant the whole line, lenses, text running off the
 * right, top or bottom edge, every arithmetic notation; one in four crowded and stretched to fill the image
 * with ghost outlines. Entirely seeded. This is what teaches
 * the model what a captcha is rather than what one library's captchas look like: the
 * leave-one-generator-out figure in captcha-trainer/docs/experiments.md measures how well that works. Leaving
 * easy-captcha out also leaves its fonts out of here.
 */
final class SyntheticGenerator implements CaptchaGenerator {

	private static final String[] EASY_FONTS = { "actionj.ttf", "epilog.ttf", "fresnel.ttf", "headache.ttf",
			"lexo.ttf", "prefix.ttf", "progbot.ttf", "ransom.ttf", "robot.ttf", "scandal.ttf" };

	private static final String[] LOGICAL_FONTS = { Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG };

	/**
	 * Installed fonts no captcha library here uses (the libraries draw in DejaVu, which the logical fonts
	 * map to, or in easy-captcha's own): shapes the model has to read without having seen them in a library.
	 */
	private static final String[] SYSTEM_FONTS = { "DejaVu Sans Condensed", "DejaVu Sans Light",
			"DejaVu Serif Condensed", "Liberation Sans", "Liberation Serif", "Liberation Mono", "Noto Sans CJK SC",
			"Noto Serif CJK SC", "Noto Sans Mono CJK SC" };

	/**
	 * Handwriting, script, comic, blackletter, pixel, OCR, rounded, stencil-like and display faces from
	 * Debian's font packages (the Debian package in each comment): what makes decorative captcha fonts
	 * readable is having seen many unlike shapes of each character, not the fonts of one library.
	 */
	private static final String[] DECORATIVE_FONTS = { "Averia GWF", "Averia Sans GWF", "Averia Serif GWF", // fonts-averia-*-gwf
			"Blankenburg_UNZ1A", // fonts-blankenburg
			"Breip", // fonts-breip
			"C-64", // fonts-sixtyfour
			"Comfortaa", // fonts-comfortaa
			"Comic Neue", // fonts-comic-neue
			"DkgHandwriting", // fonts-dkg-handwriting
			"Domestic Manners", "Dustismo", "Dustismo Roman", "El Abogado Loco", "It wasn't me", "Junkyard",
			"Penguin Attack", "Wargames", // fonts-dustin
			"Ecolier_court", // fonts-ecolier-court
			"Humor Sans", // fonts-humor-sans
			"Isabella", // fonts-isabella
			"Kristi", // fonts-kristi
			"Leckerli One", // fonts-leckerli-one
			"Lobster Two", // fonts-lobster
			"Linden Hill", // fonts-lindenhill
			"OCRA", // fonts-ocr-a
			"OCR B ", // fonts-ocr-b (the family name ends in a space)
			"Radis Sans", // fonts-radisnoir
			"Rufscript", // fonts-rufscript
			"StayPuft", // fonts-staypuft
			"Yanone Kaffeesatz", // fonts-yanone-kaffeesatz
			"femkeklaver", // fonts-femkeklaver
			"mononoki", // fonts-mononoki
			"Fantasque Sans Mono", // fonts-fantasque-sans
			"IBM 3270", // fonts-3270
			"Jura", // fonts-jura
			"[F500]", // fonts-f500
			"Tomson Talks", // fonts-tomsontalks
			"Ptolemy", // fonts-gotico-antiqua
			"Z003", "URW Bookman", "URW Gothic", "C059", "P052", "Nimbus Sans Narrow", // fonts-urw-base35
			"TeX Gyre Adventor", "TeXGyreSchola", "TeXGyreChorus", // fonts-texgyre
			"Old Standard TT", // fonts-oldstandard
			"Vollkorn", // fonts-vollkorn
			"Linux Libertine O", "Linux Biolinum O", // fonts-linuxlibertine
			"Goudy Bookletter 1911", // fonts-goudybookletter
			"Cabin", // fonts-cabin
			"Cantarell", // fonts-cantarell
			"Dosis", // fonts-dosis
			"Quicksand", // fonts-quicksand
			"League Spartan", // fonts-league-spartan
			"Hack", // fonts-hack
			"Inconsolata", // fonts-inconsolata
			"FreeSans", "FreeSerif", "FreeMono", // fonts-freefont-ttf
			"Accanthis ADF Std", // fonts-adf-accanthis
			"Gillius ADF", "Gillius ADF Cond", // fonts-adf-gillius
			"Berenis ADF Pro", // fonts-adf-berenis
			"M PLUS 1", "M PLUS 1 Code" // fonts-mplus
	};

	/** The Debian packages the two lists above come from, for the error that names what is missing. */
	private static final String FONT_PACKAGES = "fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-noto-cjk "
			+ "fonts-averia-gwf fonts-averia-sans-gwf fonts-averia-serif-gwf fonts-blankenburg fonts-breip "
			+ "fonts-sixtyfour fonts-comfortaa fonts-comic-neue fonts-dkg-handwriting fonts-dustin fonts-ecolier-court "
			+ "fonts-humor-sans fonts-isabella fonts-kristi fonts-leckerli-one fonts-lobster fonts-lindenhill "
			+ "fonts-ocr-a fonts-ocr-b fonts-radisnoir fonts-rufscript fonts-staypuft fonts-yanone-kaffeesatz "
			+ "fonts-femkeklaver fonts-mononoki fonts-fantasque-sans fonts-3270 fonts-jura fonts-f500 "
			+ "fonts-tomsontalks fonts-gotico-antiqua fonts-urw-base35 fonts-texgyre fonts-oldstandard "
			+ "fonts-vollkorn fonts-linuxlibertine fonts-goudybookletter fonts-cabin fonts-cantarell fonts-dosis "
			+ "fonts-quicksand fonts-league-spartan fonts-hack fonts-inconsolata fonts-freefont-ttf "
			+ "fonts-adf-accanthis fonts-adf-gillius fonts-adf-berenis fonts-mplus";

	/** A glyph's average advance as a fraction of the font size, for laying text out before measuring it. */
	private static final float ADVANCE = 0.62f;

	private final boolean math;

	private final OffRightEdge offRightEdge;

	/**
	 * Three groups drawn from with equal chance, so that seventy-seven installed families do not crowd out the
	 * logical fonts the libraries draw in: logical, installed, easy-captcha's (unless left out).
	 */
	private final List<List<Font>> fonts = new ArrayList<>();

	SyntheticGenerator(boolean math, boolean easyFonts, OffRightEdge offRightEdge) {
		this(math, easyFonts, Stream.concat(Arrays.stream(SYSTEM_FONTS), Arrays.stream(DECORATIVE_FONTS)).toList(),
				offRightEdge);
	}

	/** With other installed font families than the training data's, for a machine without them (CI). */
	SyntheticGenerator(boolean math, boolean easyFonts, List<String> families, OffRightEdge offRightEdge) {
		this.math = math;
		this.offRightEdge = offRightEdge;
		this.fonts.add(styled(Arrays.asList(LOGICAL_FONTS)));
		Set<String> installed = Set.of(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames());
		for (String family : families) {
			// Java would quietly draw a missing family in its default font, and the data would silently change
			if (!installed.contains(family)) {
				throw new IllegalStateException(
						"font family '" + family + "' is not installed: apt-get install " + FONT_PACKAGES);
			}
		}
		this.fonts.add(styled(families));
		if (easyFonts) {
			List<Font> easy = new ArrayList<>();
			for (String file : EASY_FONTS) {
				try (InputStream in = Captcha.class.getResourceAsStream("/" + file)) {
					easy.add(Font.createFont(Font.TRUETYPE_FONT, in));
				}
				catch (IOException | FontFormatException ex) {
					throw new IllegalStateException("easy-captcha ships " + file, ex);
				}
			}
			this.fonts.add(easy);
		}
	}

	private static List<Font> styled(List<String> families) {
		List<Font> styled = new ArrayList<>();
		for (String family : families) {
			for (int style : new int[] { Font.PLAIN, Font.BOLD, Font.ITALIC }) {
				styled.add(new Font(family, style, 10));
			}
		}
		return styled;
	}

	private Font anyFont(Random random) {
		List<Font> group = this.fonts.get(random.nextInt(this.fonts.size()));
		return group.get(random.nextInt(group.size()));
	}

	@Override
	public String name() {
		return this.math ? "synthetic-math" : "synthetic-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? Texts.anyMath(random) : textText(random);
		int height = 32 + random.nextInt(59);
		int width = Math.max((int) (height * 1.8), 100 + random.nextInt(141));
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
				random.nextBoolean() ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
				random.nextBoolean() ? RenderingHints.VALUE_TEXT_ANTIALIAS_ON : RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
		boolean dark = random.nextInt(7) == 0;
		// crowded text is hard enough on its own: mostly on a clean background, with less noise
		boolean crowded = random.nextInt(4) == 0;
		paintBackground(g, random, width, height, dark);
		if (random.nextInt(crowded ? 6 : 3) == 0) {
			paintClutter(g, random, width, height, dark);
		}
		else if (random.nextInt(crowded ? 4 : 2) == 0) {
			paintNoise(g, random, width, height, dark, 0.5f);
		}
		if (crowded) {
			paintCrowded(g, random, text, width, height, dark);
		}
		else {
			paintText(g, random, text, width, height, dark);
		}
		// from a clean image to a thoroughly spoilt one
		paintNoise(g, random, width, height, dark, random.nextFloat() * (crowded ? 0.4f : 1));
		if (random.nextInt(8) == 0) {
			g.setColor(randomColor(random, 0, 160));
			g.drawRect(0, 0, width - 1, height - 1);
		}
		g.dispose();
		if (random.nextInt(4) == 0) {
			image = Warps.wave(image, random, true);
		}
		if (random.nextInt(6) == 0) {
			image = Warps.wave(image, random, false);
		}
		if (random.nextInt(6) == 0) {
			image = Warps.lens(image, random);
		}
		if (random.nextInt(5) == 0) {
			image = Warps.shear(image, random, random.nextBoolean());
		}
		return new Sample(image, Vocabulary.label(text));
	}

	private static String textText(Random random) {
		String text = Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		return random.nextBoolean() ? text : Texts.alphanumeric(random, Texts.EASY_CHARS, 4, 6);
	}

	private static void paintBackground(Graphics2D g, Random random, int width, int height, boolean dark) {
		Color a = dark ? randomColor(random, 0, 90) : randomColor(random, 190, 256);
		Color b = dark ? randomColor(random, 0, 90) : randomColor(random, 190, 256);
		if (!dark && random.nextInt(4) == 0) {
			// plain white, as most libraries draw it
			a = Color.WHITE;
			b = a;
		}
		g.setPaint(random.nextBoolean() ? a : new GradientPaint(0, 0, a, width, height * random.nextFloat(), b));
		g.fillRect(0, 0, width, height);
		if (random.nextInt(3) == 0) {
			paintPattern(g, random, width, height, dark);
		}
	}

	/**
	 * Many small things behind the text: up to 150 short strokes or 40 rings, in any colour. Captchas that
	 * rely on clutter rather than distortion look like this.
	 */
	private static void paintClutter(Graphics2D g, Random random, int width, int height, boolean dark) {
		boolean strokes = random.nextBoolean();
		int count = strokes ? 10 + random.nextInt(141) : 5 + random.nextInt(36);
		g.setStroke(new BasicStroke(1 + random.nextInt(2) * 0.5f));
		for (int i = 0; i < count; i++) {
			g.setColor(textColour(random, dark));
			int x = random.nextInt(width);
			int y = random.nextInt(height);
			if (strokes) {
				g.drawLine(x, y, x + random.nextInt(width / 6 + 1) - width / 12, y + random.nextInt(height / 4 + 1) - height / 8);
			}
			else {
				int w = 2 + random.nextInt(Math.max(3, height / 2));
				int h = 2 + random.nextInt(Math.max(3, height / 2));
				g.drawOval(x - w / 2, y - h / 2, w, h);
			}
		}
	}

	/** Grids, stripes, hatching and squiggles behind the text: lines everywhere, none of them characters. */
	private static void paintPattern(Graphics2D g, Random random, int width, int height, boolean dark) {
		int kind = random.nextInt(4);
		int gap = 3 + random.nextInt(10);
		boolean oneColour = random.nextBoolean();
		Color colour = dark ? randomColor(random, 60, 200) : randomColor(random, 0, 230);
		g.setStroke(new BasicStroke(1 + random.nextInt(2) * 0.5f));
		switch (kind) {
			case 0, 1 -> {
				// a grid (0) or stripes along one axis (1)
				boolean rows = kind == 0 || random.nextBoolean();
				boolean columns = kind == 0 || !rows;
				for (int y = random.nextInt(gap); rows && y < height; y += gap) {
					g.setColor(oneColour ? colour : randomColor(random, 0, 256));
					g.drawLine(0, y, width, y);
				}
				for (int x = random.nextInt(gap); columns && x < width; x += gap) {
					g.setColor(oneColour ? colour : randomColor(random, 0, 256));
					g.drawLine(x, 0, x, height);
				}
			}
			case 2 -> {
				int slope = random.nextBoolean() ? height : -height;
				for (int x = -height; x < width + height; x += gap) {
					g.setColor(oneColour ? colour : randomColor(random, 0, 256));
					g.drawLine(x, 0, x + slope, height);
				}
			}
			default -> {
				int curves = 5 + random.nextInt(20);
				for (int i = 0; i < curves; i++) {
					g.setColor(oneColour ? colour : randomColor(random, 0, 256));
					g.draw(new CubicCurve2D.Float(random.nextInt(width), random.nextInt(height), random.nextInt(width),
							random.nextInt(height), random.nextInt(width), random.nextInt(height), random.nextInt(width),
							random.nextInt(height)));
				}
			}
		}
	}

	private void paintText(Graphics2D g, Random random, String text, int width, int height, boolean dark) {
		boolean oneFont = random.nextBoolean();
		Font base = anyFont(random);
		float size = height * (0.4f + 0.55f * random.nextFloat());
		// one text in six places its characters at random heights without measuring them, as libraries that do
		// not measure their font draw them: large, and some run off the top or bottom edge; the label keeps them
		boolean offEdge = random.nextInt(6) == 0;
		if (offEdge) {
			size = Math.max(size, height * (0.6f + 0.2f * random.nextFloat()));
		}
		// spread: one slot per character across the whole width (hutool, easy-captcha); otherwise a run of
		// text anywhere, from overlapping to widely spaced
		boolean spread = random.nextInt(3) == 0;
		float spacing = spread ? 1 : 0.65f + 0.65f * random.nextFloat();
		float slot = width * 0.96f / text.length();
		// shrink until the text fits the width (rotation aside)
		float advance = text.length() * size * ADVANCE * (spread ? 1 : spacing);
		if (advance > width * 0.92f) {
			size *= width * 0.92f / advance;
		}
		// where a run of text ends, estimated before the glyphs are measured
		float run = text.length() * size * ADVANCE * spacing;
		float x = spread ? width * 0.02f : width * 0.02f + random.nextFloat() * Math.max(1, width - run - width * 0.04f);
		// some texts run off the right edge (by default one in six, by up to 0.45 of a character), as libraries
		// that do not measure their text draw it; the label keeps the character
		if (random.nextInt(offRightEdge.oneIn()) == 0) {
			float overflow = size * ADVANCE * offRightEdge.depth() * random.nextFloat();
			if (spread) {
				slot = (width * 0.98f + overflow) / text.length();
			}
			else {
				x = width + overflow - run;
			}
		}
		// the whole face slanted or narrowed or widened: faces unlike any installed one
		AffineTransform face = new AffineTransform();
		if (random.nextInt(3) == 0) {
			face.shear((random.nextDouble() - 0.5) * 0.8, 0);
		}
		if (random.nextInt(3) == 0) {
			face.scale(0.7 + 0.6 * random.nextDouble(), 1);
		}
		Color fixed = textColour(random, dark);
		boolean oneColour = random.nextBoolean();
		Effect effect = Effect.pick(random);
		Color shadow = dark ? randomColor(random, 100, 200) : randomColor(random, 60, 200);
		int shadowX = 1 + random.nextInt(4);
		int shadowY = 1 + random.nextInt(4);
		float stroke = 1 + random.nextInt(3);
		// for knockout glyphs: a box, rounded box or disc around each one, the glyph itself a hole in it
		int block = random.nextInt(3);
		float pad = size * (0.05f + 0.15f * random.nextFloat());
		Color hole = dark ? randomColor(random, 0, 60) : randomColor(random, 225, 256);
		float dotGap = Math.max(2, size * (0.1f + 0.08f * random.nextFloat()));
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			Font font = oneFont ? base : anyFont(random);
			if (!font.canDisplay(c)) {
				font = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
			}
			font = font.deriveFont(size * (0.85f + 0.3f * random.nextFloat()));
			Color colour = oneColour ? fixed : textColour(random, dark);
			float baseline = height * 0.5f + size * 0.35f + (random.nextFloat() - 0.5f) * height * 0.25f;
			if (offEdge && Character.isLetterOrDigit(c) && random.nextBoolean()) {
				// up to 40 % of a digit's height (about 0.72 of the font size) beyond the edge; not an operator,
				// which sits so near the baseline that running off the bottom would hide it whole
				float digitHeight = size * 0.72f;
				float cut = digitHeight * 0.4f * random.nextFloat();
				baseline = random.nextBoolean() ? digitHeight - cut : height + cut;
			}
			double angle = Math.toRadians((random.nextDouble() - 0.5) * 50);
			GlyphVector glyph = font.createGlyphVector(g.getFontRenderContext(), String.valueOf(c));
			float charWidth = glyph.getGlyphMetrics(0).getAdvance();
			if (spread) {
				x = width * 0.02f + i * slot + (slot - charWidth) / 2 + (random.nextFloat() - 0.5f) * slot * 0.3f;
			}
			AffineTransform place = AffineTransform.getRotateInstance(angle, x + charWidth / 2.0, baseline - size / 3.0);
			place.translate(x, baseline);
			place.concatenate(face);
			Shape outline = place.createTransformedShape(glyph.getOutline());
			switch (effect) {
				case SHADOW -> {
					g.setColor(shadow);
					g.fill(AffineTransform.getTranslateInstance(shadowX, shadowY).createTransformedShape(outline));
					g.setColor(colour);
					g.fill(outline);
				}
				case OUTLINE -> {
					g.setColor(colour);
					g.setStroke(new BasicStroke(stroke * 0.75f));
					g.draw(outline);
				}
				case BOLD -> {
					g.setColor(colour);
					g.fill(outline);
					g.setStroke(new BasicStroke(stroke));
					g.draw(outline);
				}
				case KNOCKOUT -> {
					Rectangle2D box = outline.getBounds2D();
					double bx = box.getX() - pad;
					double by = box.getY() - pad;
					double bw = box.getWidth() + 2 * pad;
					double bh = box.getHeight() + 2 * pad;
					g.setColor(colour);
					g.fill(switch (block) {
						case 0 -> new Rectangle2D.Double(bx, by, bw, bh);
						case 1 -> new RoundRectangle2D.Double(bx, by, bw, bh, bw / 2, bh / 2);
						default -> new Ellipse2D.Double(bx - pad, by - pad, bw + 2 * pad, bh + 2 * pad);
					});
					g.setColor(hole);
					g.fill(outline);
				}
				case DOTS -> {
					g.setColor(colour);
					Rectangle2D box = outline.getBounds2D();
					double radius = dotGap * 0.45;
					for (double dy = box.getMinY(); dy <= box.getMaxY(); dy += dotGap) {
						for (double dx = box.getMinX(); dx <= box.getMaxX(); dx += dotGap) {
							if (outline.contains(dx, dy)) {
								g.fill(new Ellipse2D.Double(dx - radius, dy - radius, 2 * radius, 2 * radius));
							}
						}
					}
				}
				case RIM -> {
					g.setColor(tint(colour, dark));
					g.fill(outline);
					g.setColor(colour);
					g.setStroke(new BasicStroke(stroke + 1));
					g.draw(outline);
				}
				default -> {
					g.setColor(colour);
					g.fill(outline);
				}
			}
			x += charWidth * (float) face.getScaleX() * spacing;
		}
	}

	/**
	 * Text crowded and stretched to fill most of the image: each glyph overlapping the next by up to 70 % of its
	 * advance, the whole line then scaled on each axis separately to 75–98 % of the width and 45–90 % of the
	 * height, filled or hollow, with up to three copies of its outline a few pixels off. The other layouts keep
	 * glyphs mostly apart at their own proportions; captchas that rely on crowding rather than clutter (Cage
	 * among the libraries here) do neither.
	 */
	private void paintCrowded(Graphics2D g, Random random, String text, int width, int height, boolean dark) {
		Font base = anyFont(random).deriveFont(40f);
		boolean oneFont = random.nextInt(3) != 0;
		float overlap = 0.5f * random.nextFloat();
		List<Shape> glyphs = new ArrayList<>();
		Rectangle2D bounds = null;
		float x = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			Font font = oneFont ? base : anyFont(random).deriveFont(40f);
			if (!font.canDisplay(c)) {
				font = new Font(Font.SANS_SERIF, Font.PLAIN, 40);
			}
			GlyphVector glyph = font.createGlyphVector(g.getFontRenderContext(), String.valueOf(c));
			float advance = glyph.getGlyphMetrics(0).getAdvance();
			AffineTransform place = AffineTransform.getTranslateInstance(x, (random.nextFloat() - 0.5f) * 8);
			place.rotate(Math.toRadians((random.nextDouble() - 0.5) * 30), advance / 2.0, -13);
			Shape outline = place.createTransformedShape(glyph.getOutline());
			glyphs.add(outline);
			bounds = (bounds == null) ? outline.getBounds2D() : bounds.createUnion(outline.getBounds2D());
			x += advance * (1 - overlap * (0.6f + 0.8f * random.nextFloat()));
		}
		double boxWidth = width * (0.75 + 0.23 * random.nextDouble());
		double boxHeight = height * (0.45 + 0.45 * random.nextDouble());
		AffineTransform fit = AffineTransform.getTranslateInstance((width - boxWidth) * random.nextDouble(),
				(height - boxHeight) * random.nextDouble());
		fit.scale(boxWidth / Math.max(1, bounds.getWidth()), boxHeight / Math.max(1, bounds.getHeight()));
		fit.translate(-bounds.getX(), -bounds.getY());
		Color colour = textColour(random, dark);
		boolean hollow = random.nextInt(4) == 0;
		g.setStroke(new BasicStroke(1 + random.nextInt(3)));
		g.setColor(colour);
		for (Shape glyph : glyphs) {
			Shape shape = fit.createTransformedShape(glyph);
			if (hollow) {
				g.draw(shape);
			}
			else {
				g.fill(shape);
			}
		}
		int ghosts = random.nextInt(4);
		for (int k = 0; k < ghosts; k++) {
			AffineTransform shift = AffineTransform.getTranslateInstance((1 + random.nextInt(4)) * (random.nextBoolean() ? 1 : -1),
					(1 + random.nextInt(3)) * (random.nextBoolean() ? 1 : -1));
			shift.concatenate(fit);
			g.setColor(random.nextBoolean() ? colour : textColour(random, dark));
			g.setStroke(new BasicStroke(1 + random.nextInt(2)));
			for (Shape glyph : glyphs) {
				g.draw(shift.createTransformedShape(glyph));
			}
		}
	}

	/** Halfway to the background: the fill inside a rim. */
	private static Color tint(Color colour, boolean dark) {
		int towards = dark ? 0 : 255;
		return new Color((colour.getRed() + towards) / 2, (colour.getGreen() + towards) / 2,
				(colour.getBlue() + towards) / 2);
	}

	/**
	 * How the glyphs are painted: mostly filled, sometimes with a drop shadow, hollow, thickened, knocked out
	 * of a box or disc (the glyph a hole), made of dots, or a pale fill inside a thick rim. Decorative captcha
	 * fonts are mostly one of these, which no number of ordinary fonts teaches.
	 */
	private enum Effect {

		FILL, SHADOW, OUTLINE, BOLD, KNOCKOUT, DOTS, RIM;

		static Effect pick(Random random) {
			int roll = random.nextInt(26);
			return (roll < 11) ? FILL : (roll < 15) ? SHADOW : (roll < 17) ? OUTLINE : (roll < 20) ? BOLD
					: (roll < 22) ? KNOCKOUT : (roll < 24) ? DOTS : RIM;
		}

	}

	private static void paintNoise(Graphics2D g, Random random, int width, int height, boolean dark, float amount) {
		int lines = (int) (random.nextInt(6) * amount);
		for (int i = 0; i < lines; i++) {
			g.setColor(dark ? randomColor(random, 100, 256) : randomColor(random, 0, 220));
			g.setStroke(new BasicStroke(1 + random.nextInt(4)));
			if (random.nextBoolean()) {
				g.drawLine(random.nextInt(width), random.nextInt(height), random.nextInt(width), random.nextInt(height));
			}
			else {
				g.draw(new CubicCurve2D.Float(0, random.nextInt(height), random.nextInt(width), random.nextInt(height),
						random.nextInt(width), random.nextInt(height), width, random.nextInt(height)));
			}
		}
		int circles = (int) (random.nextInt(12) * amount);
		g.setStroke(new BasicStroke(1));
		for (int i = 0; i < circles; i++) {
			g.setColor(randomColor(random, dark ? 80 : 0, dark ? 256 : 230));
			int r = 2 + random.nextInt(Math.max(3, height / 4));
			g.drawOval(random.nextInt(width), random.nextInt(height), r, r);
		}
		int dots = (int) (random.nextInt(width * height / 30) * amount);
		for (int i = 0; i < dots; i++) {
			g.setColor(randomColor(random, 0, 256));
			g.fillRect(random.nextInt(width), random.nextInt(height), 1 + random.nextInt(2), 1 + random.nextInt(2));
		}
	}

	/**
	 * Dark text on light backgrounds half the time; otherwise any colour that still shows (its darkest
	 * channel below 200, so even pastel yellow or pink qualifies), as libraries that pick random colours draw it.
	 */
	private static Color textColour(Random random, boolean dark) {
		if (dark) {
			return randomColor(random, 150, 256);
		}
		if (random.nextBoolean()) {
			return randomColor(random, 0, 150);
		}
		Color colour;
		do {
			colour = randomColor(random, 0, 256);
		}
		while (Math.min(colour.getRed(), Math.min(colour.getGreen(), colour.getBlue())) >= 200);
		return colour;
	}

	private static Color randomColor(Random random, int from, int to) {
		return new Color(from + random.nextInt(to - from), from + random.nextInt(to - from), from + random.nextInt(to - from));
	}

	/**
	 * How often a text runs off the right edge (one in {@code oneIn}) and how far at most, in average character
	 * advances ({@code depth}). The default is what the generator always drew before the trainer's
	 * {@code --off-right} could change it, so older models' training data can still be drawn again.
	 */
	record OffRightEdge(int oneIn, float depth) {

		static final OffRightEdge DEFAULT = new OffRightEdge(6, 0.45f);

		OffRightEdge {
			if (oneIn < 1 || !(depth >= 0 && depth <= 1)) {
				throw new IllegalArgumentException(
						"--off-right wants ONE_IN,DEPTH: one text in ONE_IN (1 or more) runs off the right edge by up to "
								+ "DEPTH (0 to 1) of a character; got " + oneIn + "," + depth);
			}
		}

		static OffRightEdge parse(String option) {
			String[] parts = option.split(",", -1);
			if (parts.length == 2) {
				try {
					return new OffRightEdge(Integer.parseInt(parts[0].strip()), Float.parseFloat(parts[1].strip()));
				}
				catch (NumberFormatException ex) {
					throw wrong(option, ex);
				}
			}
			throw wrong(option, null);
		}

		/** As {@code --off-right} is written: "6,0.45". */
		String option() {
			return oneIn + "," + depth;
		}

		private static IllegalArgumentException wrong(String option, NumberFormatException cause) {
			return new IllegalArgumentException(
					"--off-right wants ONE_IN,DEPTH (the default is " + DEFAULT.option() + "); got " + option, cause);
		}

	}

}
