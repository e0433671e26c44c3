package org.meshguide.captcha.core;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Turns any captcha image into the model's input: one "ink" channel of {@value #HEIGHT} × {@value #WIDTH}.
 * The trainer and the service both call this, so the model sees at serving time exactly what it learnt on.
 * <p>
 * Ink is {@code 1 - min(R, G, B)}: dark and saturated strokes are ink whatever their hue, which beats grey
 * levels on captchas that draw each character in a random colour. Images are stretched to the input size
 * (captchas come in every aspect ratio; the training data does too), read on light background (on a dark one,
 * judged by the median pixel, ink is {@code max(R, G, B)}), and contrast-stretched, so pale text on a pale
 * background still spans the whole range.
 */
public final class Preprocessing {

	public static final int HEIGHT = 48;

	public static final int WIDTH = 160;

	private Preprocessing() {
	}

	/** @return {@value #HEIGHT} rows of {@value #WIDTH} values in [0, 1], row-major */
	public static float[] ink(BufferedImage image) {
		BufferedImage scaled = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = scaled.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
			g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
			// transparent pixels (PNG alpha, GIF transparency) are background, and background is white
			g.drawImage(image, 0, 0, WIDTH, HEIGHT, Color.WHITE, null);
		}
		finally {
			g.dispose();
		}
		int[] rgb = scaled.getRGB(0, 0, WIDTH, HEIGHT, null, 0, WIDTH);
		int[] brightness = new int[256];
		for (int p : rgb) {
			brightness[max(p)]++;
		}
		// the background covers most of a captcha, so the median pixel is background
		int median = 0;
		int seen = brightness[0];
		while (seen < rgb.length / 2) {
			seen += brightness[++median];
		}
		// on a dark background the strokes are the bright and saturated pixels: max(R, G, B) is their ink
		boolean darkBackground = median < 128;
		float[] ink = new float[rgb.length];
		float lo = Float.MAX_VALUE;
		float hi = -Float.MAX_VALUE;
		for (int i = 0; i < rgb.length; i++) {
			ink[i] = darkBackground ? max(rgb[i]) / 255f : 1f - min(rgb[i]) / 255f;
			lo = Math.min(lo, ink[i]);
			hi = Math.max(hi, ink[i]);
		}
		if (hi - lo > 0.05f) {
			float range = hi - lo;
			for (int i = 0; i < ink.length; i++) {
				ink[i] = (ink[i] - lo) / range;
			}
		}
		return ink;
	}

	private static int min(int rgb) {
		return Math.min((rgb >> 16) & 0xff, Math.min((rgb >> 8) & 0xff, rgb & 0xff));
	}

	private static int max(int rgb) {
		return Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff));
	}

}
