package org.meshguide.captcha.trainer;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The geometric distortions captcha libraries apply to their text, in generic, randomised form: short sine
 * waves along either axis (kaptcha's and Cage's ripples), long ones that bend or slant the whole line (hutool's
 * shear) and a lens that bulges or pinches one region (fish eyes).
 */
final class Warps {

	private Warps() {
	}

	/** Shifts each column up or down (vertical) or each row sideways, by a sine of the position. */
	static BufferedImage wave(BufferedImage image, Random random, boolean vertical) {
		int width = image.getWidth();
		int height = image.getHeight();
		int across = vertical ? height : width;
		int along = vertical ? width : height;
		double amplitude = 1 + random.nextDouble() * across * (vertical ? 0.08 : 0.03);
		double period = along * (0.3 + random.nextDouble());
		double phase = random.nextDouble() * Math.PI * 2;
		return shift(image, vertical, true, amplitude, period, phase);
	}

	/**
	 * Shifts each row sideways or each column up or down along a sine so long (one to eight times the image)
	 * that the text bends or slants as a whole, by a slope of up to 0.6. Where the shift uncovers the image
	 * it repeats the edge: wrapping round would move the end of the text before its start.
	 */
	static BufferedImage shear(BufferedImage image, Random random, boolean vertical) {
		int width = image.getWidth();
		int height = image.getHeight();
		int across = vertical ? height : width;
		int along = vertical ? width : height;
		double wavelength = along * Math.exp(random.nextDouble() * Math.log(8));
		double slope = (vertical ? 0.05 + 0.35 * random.nextDouble() : 0.1 + 0.5 * random.nextDouble());
		double amplitude = Math.min(slope * wavelength / (2 * Math.PI), across * (vertical ? 0.35 : 0.6));
		double phase = random.nextDouble() * Math.PI * 2;
		return shift(image, vertical, false, amplitude, wavelength, phase);
	}

	/**
	 * Moves each column (vertical) or row by a sine of its position; what the move uncovers wraps round
	 * from the other side or repeats the edge.
	 */
	private static BufferedImage shift(BufferedImage image, boolean vertical, boolean wrap, double amplitude,
			double wavelength, double phase) {
		int width = image.getWidth();
		int height = image.getHeight();
		int along = vertical ? width : height;
		int[] shifts = new int[along];
		for (int position = 0; position < along; position++) {
			shifts[position] = (int) Math.round(amplitude * Math.sin(2 * Math.PI * position / wavelength + phase));
		}
		BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		for (int x = 0; x < width; x++) {
			for (int y = 0; y < height; y++) {
				int shift = shifts[vertical ? x : y];
				int sx = vertical ? x : wrap ? Math.floorMod(x + shift, width) : clamp(x + shift, width);
				int sy = vertical ? (wrap ? Math.floorMod(y + shift, height) : clamp(y + shift, height)) : y;
				out.setRGB(x, y, image.getRGB(sx, sy));
			}
		}
		return out;
	}

	/** A radial lens somewhere on the image: strength above 0 magnifies its centre, below 0 shrinks it. */
	static BufferedImage lens(BufferedImage image, Random random) {
		int width = image.getWidth();
		int height = image.getHeight();
		double cx = width * (0.15 + 0.7 * random.nextDouble());
		double cy = height * (0.3 + 0.4 * random.nextDouble());
		double radius = height * (0.5 + 0.6 * random.nextDouble());
		double strength = (random.nextDouble() - 0.35) * 0.9;
		BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		for (int x = 0; x < width; x++) {
			for (int y = 0; y < height; y++) {
				double dx = x - cx;
				double dy = y - cy;
				double r = Math.sqrt(dx * dx + dy * dy) / radius;
				double scale = (r < 1) ? 1 - strength * (1 - r) * (1 - r) : 1;
				int sx = clamp((int) Math.round(cx + dx * scale), width);
				int sy = clamp((int) Math.round(cy + dy * scale), height);
				out.setRGB(x, y, image.getRGB(sx, sy));
			}
		}
		return out;
	}

	private static int clamp(int value, int size) {
		return Math.max(0, Math.min(size - 1, value));
	}

}
