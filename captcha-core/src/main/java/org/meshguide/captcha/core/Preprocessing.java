package org.meshguide.captcha.core;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Turns any captcha image into the model's input: one "ink" channel of {@value #HEIGHT} × {@value #WIDTH}.
 * The trainer and the service both call this, so the model sees at serving time exactly what it learnt on.
 * <p>
 * Ink is {@code 1 - min(R, G, B)}: dark and saturated strokes are ink whatever their hue, which beats grey
 * levels on captchas that draw each character in a random colour. Images are stretched to the input size
 * (captchas come in every aspect ratio; the training data does too), read on light background (on a dark one,
 * judged by the median pixel, ink is {@code max(R, G, B)}), and contrast-stretched, so pale text on a pale
 * background still spans the whole range. Training sees every image {@link View#AS_IS}; the other
 * {@link View}s are for a second look at an image whose first reading was unsure (captcha-service).
 */
public final class Preprocessing {

	public static final int HEIGHT = 48;

	public static final int WIDTH = 160;

	private Preprocessing() {
	}

	/** Which way round ink is read: as the median pixel says, or the other way. */
	public enum Polarity {

		/** light background unless the median pixel is dark: what training uses */
		JUDGED,

		/**
		 * the opposite of {@link #JUDGED}: for the captchas where the median misleads, a dense dark grid on a
		 * light background or dark text on a background that is mostly dark noise
		 */
		REVERSED

	}

	/**
	 * One way of looking at a captcha: the polarity ink is read with, and a margin of background around the
	 * image, as a fraction of its width and height on each side (the text then fills less of the input).
	 *
	 * @param polarity which way round ink is read
	 * @param marginX background added left and right, each a fraction of the image's width
	 * @param marginY background added above and below, each a fraction of the image's height
	 */
	public record View(Polarity polarity, double marginX, double marginY) {

		/** What training shows the model: the image stretched over the whole input, polarity as judged. */
		public static final View AS_IS = new View(Polarity.JUDGED, 0, 0);

		public View {
			if (marginX < 0 || marginX > 1 || marginY < 0 || marginY > 1) {
				throw new IllegalArgumentException("margins are fractions of the image, 0 to 1: " + marginX + ", " + marginY);
			}
		}

	}

	/** @return {@value #HEIGHT} rows of {@value #WIDTH} values in [0, 1], row-major */
	public static float[] ink(BufferedImage image) {
		return ink(image, View.AS_IS);
	}

	/** @return {@value #HEIGHT} rows of {@value #WIDTH} values in [0, 1], row-major, of the image seen as the view */
	public static float[] ink(BufferedImage image, View view) {
		int[] rgb = scaled(image, view);
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
		boolean darkBackground = (median < 128) == (view.polarity() == Polarity.JUDGED);
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

	/**
	 * The image stretched over the input, or, with margins, over the middle of it: padding after scaling rather
	 * than before keeps the memory a view costs at one input's worth, whatever the upload's size. The margins get
	 * the image's own background, the median pixel of its top and bottom rows.
	 */
	private static int[] scaled(BufferedImage image, View view) {
		int left = (int) Math.round(WIDTH * view.marginX() / (1 + 2 * view.marginX()));
		int top = (int) Math.round(HEIGHT * view.marginY() / (1 + 2 * view.marginY()));
		BufferedImage scaled = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = scaled.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
			g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
			// transparent pixels (PNG alpha, GIF transparency) are background, and background is white
			g.drawImage(image, left, top, WIDTH - 2 * left, HEIGHT - 2 * top, Color.WHITE, null);
			if (left > 0 || top > 0) {
				g.setColor(new Color(edgeMedian(scaled, left, top)));
				g.fillRect(0, 0, WIDTH, top);
				g.fillRect(0, HEIGHT - top, WIDTH, top);
				g.fillRect(0, 0, left, HEIGHT);
				g.fillRect(WIDTH - left, 0, left, HEIGHT);
			}
		}
		finally {
			g.dispose();
		}
		return scaled.getRGB(0, 0, WIDTH, HEIGHT, null, 0, WIDTH);
	}

	/** The pixel of median brightness among the first and last rows of the image drawn inside the margins. */
	private static int edgeMedian(BufferedImage scaled, int left, int top) {
		int width = WIDTH - 2 * left;
		Integer[] edge = new Integer[2 * width];
		for (int x = 0; x < width; x++) {
			edge[x] = scaled.getRGB(left + x, top);
			edge[width + x] = scaled.getRGB(left + x, HEIGHT - top - 1);
		}
		Arrays.sort(edge, Comparator.comparingInt(Preprocessing::max));
		return edge[edge.length / 2];
	}

	private static int min(int rgb) {
		return Math.min((rgb >> 16) & 0xff, Math.min((rgb >> 8) & 0xff, rgb & 0xff));
	}

	private static int max(int rgb) {
		return Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff));
	}

}
