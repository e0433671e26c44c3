package org.meshguide.captcha.trainer;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.testkit.gen.CaptchaGenerator;
import org.meshguide.captcha.testkit.gen.Generators;
import org.meshguide.captcha.testkit.gen.RenderedGenerator;
import org.meshguide.captcha.testkit.gen.Sample;

/**
 * Draws a few captchas of every generator side by side, one row per generator, for the guide (what each
 * library's captchas look like; the model sees them as {@link Preprocessing} makes them, which {@code --ink} shows).
 * <pre>
 * --out FILE       default ../docs/img/captcha-samples.png (run from captcha-trainer/)
 * --per N          captchas per generator (default 3)
 * --seed N         default 7001, the benchmark's
 * --foreign DIR    also the other languages' libraries rendered into DIR (their held-out set), first files
 * --generators G,… only these generators ({@link Generators#named}, so variants such as jcaptcha-math:funky too)
 * --ink B,…        after each captcha, the model's input made of it with each of these backgrounds
 *                  ({@link Preprocessing.Background}: image, local), ink dark on white
 * </pre>
 */
public final class SampleSheet {

	private static final int LABEL_WIDTH = 150;

	private static final int CELL_WIDTH = 160;

	private static final int CELL_HEIGHT = 56;

	private SampleSheet() {
	}

	public static void main(String[] args) throws IOException {
		List<String> words = Args.words(args);
		Path out = Path.of(Args.option(words, "out", "../docs/img/captcha-samples.png"));
		int per = Integer.parseInt(Args.option(words, "per", "3"));
		long seed = Long.parseLong(Args.option(words, "seed", "7001"));
		String foreign = Args.option(words, "foreign", "");
		String named = Args.option(words, "generators", "");
		List<CaptchaGenerator> generators = new ArrayList<>(named.isEmpty() ? Generators.all()
				: Arrays.stream(named.split(",")).map(Generators::named).toList());
		if (!foreign.isEmpty()) {
			generators.addAll(RenderedGenerator.in(Path.of(foreign)).values());
		}
		List<Preprocessing.Background> inks = Arrays.stream(Args.option(words, "ink", "").split(","))
			.filter((name) -> !name.isEmpty())
			.map((name) -> Preprocessing.Background.named(name)
				.orElseThrow(() -> new IllegalArgumentException("--ink wants image or local; got " + name)))
			.toList();
		int cells = per * (1 + inks.size());
		BufferedImage sheet = new BufferedImage(LABEL_WIDTH + cells * CELL_WIDTH, generators.size() * CELL_HEIGHT,
				BufferedImage.TYPE_INT_RGB);
		Graphics2D g = sheet.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
			for (int row = 0; row < generators.size(); row++) {
				CaptchaGenerator generator = generators.get(row);
				int top = row * CELL_HEIGHT;
				g.setColor(Color.DARK_GRAY);
				g.drawString(generator.name(), 6, top + CELL_HEIGHT / 2 + 5);
				Random random = new Random(seed);
				for (int i = 0; i < per; i++) {
					Sample sample = (generator instanceof RenderedGenerator files) ? files.sample(i) : generator.next(random);
					int left = LABEL_WIDTH + i * (1 + inks.size()) * CELL_WIDTH;
					draw(g, sample.image(), left, top);
					for (int k = 0; k < inks.size(); k++) {
						float[] ink = Preprocessing.ink(sample.image(), Preprocessing.View.AS_IS, inks.get(k));
						draw(g, inputImage(ink), left + (k + 1) * CELL_WIDTH, top);
					}
				}
			}
		}
		finally {
			g.dispose();
		}
		Files.createDirectories(out.toAbsolutePath().getParent());
		ImageIO.write(sheet, "png", out.toFile());
		System.out.printf("%d generators, %d each: %s (%d KiB)%n", generators.size(), per, out, Files.size(out) / 1024);
	}

	/** The model's input as a picture: ink dark, background white. */
	private static BufferedImage inputImage(float[] ink) {
		BufferedImage image = new BufferedImage(Preprocessing.WIDTH, Preprocessing.HEIGHT, BufferedImage.TYPE_INT_RGB);
		for (int i = 0; i < ink.length; i++) {
			int grey = Math.round(255 * (1 - ink[i]));
			image.setRGB(i % Preprocessing.WIDTH, i / Preprocessing.WIDTH, grey * 0x010101);
		}
		return image;
	}

	/** Scaled to fit a cell with its aspect ratio kept, as a web page would show it at that height. */
	private static void draw(Graphics2D g, BufferedImage image, int left, int top) {
		double scale = Math.min((CELL_WIDTH - 8) / (double) image.getWidth(), (CELL_HEIGHT - 6) / (double) image.getHeight());
		int width = (int) Math.round(image.getWidth() * scale);
		int height = (int) Math.round(image.getHeight() * scale);
		g.drawImage(image, left + 4, top + (CELL_HEIGHT - height) / 2, width, height, Color.WHITE, null);
	}

}
