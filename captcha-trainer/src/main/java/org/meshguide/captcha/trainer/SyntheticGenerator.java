package org.meshguide.captcha.trainer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.CubicCurve2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.wf.captcha.base.Captcha;
import org.meshguide.captcha.core.Vocabulary;
import org.meshguide.captcha.core.gen.CaptchaGenerator;
import org.meshguide.captcha.core.gen.Sample;
import org.meshguide.captcha.core.gen.Texts;

/**
 * Captchas no library draws: every font we have, any colour on light or dark backgrounds, rotated and
 * overlapping glyphs, lines, curves, dots, waves, every arithmetic notation. Entirely seeded. This is what
 * teaches the model what a captcha is rather than what one library's captchas look like: the
 * leave-one-generator-out figure in docs/13-captcha-service.md measures how well that works.
 */
final class SyntheticGenerator implements CaptchaGenerator {

	private static final String[] EASY_FONTS = { "actionj.ttf", "epilog.ttf", "fresnel.ttf", "headache.ttf",
			"lexo.ttf", "prefix.ttf", "progbot.ttf", "ransom.ttf", "robot.ttf", "scandal.ttf" };

	private static final String[] LOGICAL_FONTS = { Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG };

	private final boolean math;

	private final List<Font> fonts = new ArrayList<>();

	SyntheticGenerator(boolean math) {
		this.math = math;
		for (String name : LOGICAL_FONTS) {
			for (int style : new int[] { Font.PLAIN, Font.BOLD, Font.ITALIC }) {
				this.fonts.add(new Font(name, style, 10));
			}
		}
		for (String file : EASY_FONTS) {
			try (InputStream in = Captcha.class.getResourceAsStream("/" + file)) {
				this.fonts.add(Font.createFont(Font.TRUETYPE_FONT, in));
			}
			catch (IOException | FontFormatException ex) {
				throw new IllegalStateException("easy-captcha ships " + file, ex);
			}
		}
	}

	@Override
	public String name() {
		return this.math ? "synthetic-math" : "synthetic-text";
	}

	@Override
	public Sample next(Random random) {
		String text = this.math ? mathText(random) : textText(random);
		int height = 32 + random.nextInt(59);
		int width = Math.max((int) (height * 1.8), 100 + random.nextInt(141));
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
				random.nextBoolean() ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
				random.nextBoolean() ? RenderingHints.VALUE_TEXT_ANTIALIAS_ON : RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
		boolean dark = random.nextInt(7) == 0;
		paintBackground(g, random, width, height, dark);
		if (random.nextBoolean()) {
			paintNoise(g, random, width, height, dark, 0.5f);
		}
		paintText(g, random, text, width, height, dark);
		paintNoise(g, random, width, height, dark, 1f);
		g.dispose();
		if (random.nextInt(4) == 0) {
			image = wave(image, random);
		}
		return new Sample(image, Vocabulary.label(text));
	}

	private static String mathText(Random random) {
		int operands = (random.nextInt(5) == 0) ? 3 : 2;
		String ops = "+-×x*÷";
		boolean spaced = random.nextInt(4) == 0;
		StringBuilder text = new StringBuilder();
		int max = (random.nextBoolean()) ? 10 : 100;
		int previous = random.nextInt(max);
		text.append(previous);
		for (int i = 1; i < operands; i++) {
			char op = ops.charAt(random.nextInt(ops.length()));
			int next = random.nextInt(max);
			if (op == '÷') {
				// divisions in captchas come out even: rewrite the previous operand as a multiple of the divisor
				next = 1 + random.nextInt(9);
				int quotient = random.nextInt(10);
				text.setLength(text.length() - Integer.toString(previous).length());
				previous = quotient * next;
				text.append(previous);
			}
			text.append(spaced ? " " + op + " " : String.valueOf(op)).append(next);
			previous = next;
		}
		switch (random.nextInt(4)) {
			case 0 -> text.append(spaced ? " = ?" : "=?");
			case 1 -> text.append("=");
			case 2 -> text.append("=?");
			default -> {
				// no suffix: some captchas show only the expression
			}
		}
		return text.toString();
	}

	private static String textText(Random random) {
		String text = Texts.alphanumeric(random, Texts.HUTOOL_CHARS, 4, 6);
		return random.nextBoolean() ? text : Texts.alphanumeric(random, Texts.EASY_CHARS, 4, 6);
	}

	private static void paintBackground(Graphics2D g, Random random, int width, int height, boolean dark) {
		Color a = dark ? randomColor(random, 0, 90) : randomColor(random, 190, 256);
		Color b = dark ? randomColor(random, 0, 90) : randomColor(random, 190, 256);
		g.setPaint(random.nextBoolean() ? a : new GradientPaint(0, 0, a, width, height * random.nextFloat(), b));
		g.fillRect(0, 0, width, height);
	}

	private void paintText(Graphics2D g, Random random, String text, int width, int height, boolean dark) {
		boolean oneFont = random.nextBoolean();
		Font base = this.fonts.get(random.nextInt(this.fonts.size()));
		float size = height * (0.5f + 0.35f * random.nextFloat());
		// shrink until the text fits the width (rotation and spacing aside)
		float advance = text.length() * size * 0.62f;
		if (advance > width * 0.92f) {
			size *= width * 0.92f / advance;
		}
		float spacing = 0.75f + 0.35f * random.nextFloat();
		float x = width * 0.02f + random.nextFloat() * Math.max(1, width - text.length() * size * 0.62f * spacing - width * 0.04f);
		Color fixed = dark ? randomColor(random, 150, 256) : randomColor(random, 0, 150);
		boolean oneColour = random.nextBoolean();
		for (char c : text.toCharArray()) {
			Font font = oneFont ? base : this.fonts.get(random.nextInt(this.fonts.size()));
			if (!font.canDisplay(c)) {
				font = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
			}
			font = font.deriveFont(size * (0.85f + 0.3f * random.nextFloat()));
			g.setFont(font);
			g.setColor(oneColour ? fixed : (dark ? randomColor(random, 150, 256) : randomColor(random, 0, 150)));
			int charWidth = g.getFontMetrics().charWidth(c);
			float baseline = height * 0.5f + size * 0.35f + (random.nextFloat() - 0.5f) * height * 0.25f;
			double angle = Math.toRadians((random.nextDouble() - 0.5) * 50);
			AffineTransform saved = g.getTransform();
			g.rotate(angle, x + charWidth / 2.0, baseline - size / 3.0);
			g.drawString(String.valueOf(c), x, baseline);
			g.setTransform(saved);
			x += charWidth * spacing;
		}
	}

	private static void paintNoise(Graphics2D g, Random random, int width, int height, boolean dark, float amount) {
		int lines = (int) (random.nextInt(6) * amount);
		for (int i = 0; i < lines; i++) {
			g.setColor(dark ? randomColor(random, 100, 256) : randomColor(random, 0, 220));
			g.setStroke(new BasicStroke(1 + random.nextInt(3)));
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

	private static BufferedImage wave(BufferedImage image, Random random) {
		int width = image.getWidth();
		int height = image.getHeight();
		BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		double amplitude = 1 + random.nextDouble() * height * 0.08;
		double period = width * (0.3 + random.nextDouble());
		double phase = random.nextDouble() * Math.PI * 2;
		for (int x = 0; x < width; x++) {
			int dy = (int) Math.round(amplitude * Math.sin(2 * Math.PI * x / period + phase));
			for (int y = 0; y < height; y++) {
				out.setRGB(x, y, image.getRGB(x, Math.floorMod(y + dy, height)));
			}
		}
		return out;
	}

	private static Color randomColor(Random random, int from, int to) {
		return new Color(from + random.nextInt(to - from), from + random.nextInt(to - from), from + random.nextInt(to - from));
	}

}
