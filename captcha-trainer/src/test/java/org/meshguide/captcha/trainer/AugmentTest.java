package org.meshguide.captcha.trainer;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training data is "entirely seeded" only if the augmentation is: the same seed must give the same pixels,
 * whichever distortions the seed picks. The blur is a hand-written kernel, so its arithmetic is checked too.
 */
class AugmentTest {

	@Test
	void theSameSeedGivesTheSamePixelsAndEverySeedKeepsTheImageSize() {
		BufferedImage captcha = strokes();
		for (int seed = 0; seed < 40; seed++) {
			BufferedImage once = Augment.apply(captcha, new Random(seed));
			BufferedImage again = Augment.apply(captcha, new Random(seed));
			assertThat(pixels(again)).as("seed %d", seed).isEqualTo(pixels(once));
			assertThat(once.getWidth()).isEqualTo(captcha.getWidth());
			assertThat(once.getHeight()).isEqualTo(captcha.getHeight());
		}
		assertThat(pixels(Augment.apply(captcha, new Random(1)))).isNotEqualTo(pixels(Augment.apply(captcha, new Random(2))));
	}

	@Test
	void blurLeavesAFlatImageFlatAndSpreadsADotSymmetricallyWithoutLosingInk() {
		BufferedImage flat = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
		fill(flat, new Color(180, 90, 30));
		assertThat(pixels(Augment.blur(flat, 1.3, 0.7))).containsOnly(new Color(180, 90, 30).getRGB() & 0xffffff);

		BufferedImage dot = new BufferedImage(31, 21, BufferedImage.TYPE_INT_RGB);
		fill(dot, Color.WHITE);
		dot.setRGB(15, 10, Color.BLACK.getRGB());
		BufferedImage blurred = Augment.blur(dot, 1.0, 1.0);

		int centre = blurred.getRGB(15, 10) & 0xff;
		assertThat(centre).isBetween(1, 254);
		assertThat(blurred.getRGB(14, 10)).isEqualTo(blurred.getRGB(16, 10)).isEqualTo(blurred.getRGB(15, 9))
			.isEqualTo(blurred.getRGB(15, 11));
		assertThat(blurred.getRGB(14, 10) & 0xff).isGreaterThan(centre);
		long ink = 0;
		for (int rgb : blurred.getRGB(0, 0, 31, 21, null, 0, 31)) {
			ink += 255 - (rgb & 0xff);
		}
		// each of the 25 pixels the kernel reaches rounds by at most half a level in each pass
		assertThat(ink).isBetween(255L - 25, 255L + 25);
	}

	private static BufferedImage strokes() {
		BufferedImage image = new BufferedImage(120, 40, BufferedImage.TYPE_INT_RGB);
		fill(image, new Color(250, 245, 230));
		Graphics2D g = image.createGraphics();
		g.setColor(new Color(40, 60, 160));
		for (int x = 10; x < 110; x += 20) {
			g.fillRect(x, 8, 6, 24);
			g.drawLine(x, 30, x + 14, 10);
		}
		g.dispose();
		return image;
	}

	private static void fill(BufferedImage image, Color color) {
		Graphics2D g = image.createGraphics();
		g.setColor(color);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		g.dispose();
	}

	private static int[] pixels(BufferedImage image) {
		int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] &= 0xffffff;
		}
		return pixels;
	}

}
