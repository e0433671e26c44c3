package org.meshguide.captcha.core;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns any captcha image into the model's input: one "ink" channel of {@value #HEIGHT} × {@value #WIDTH}.
 * The trainer and the service both call this, so the model sees at serving time exactly what it learnt on.
 * <p>
 * Ink is {@code 1 - min(R, G, B)}: dark and saturated strokes are ink whatever their hue, which beats grey
 * levels on captchas that draw each character in a random colour. Images are stretched to the input size
 * (captchas come in every aspect ratio; the training data does too) or, for a model trained so, padded to keep
 * their aspect ratio ({@link Fit}), read on light background (on a dark one, judged by the median pixel, ink is
 * {@code max(R, G, B)}), and contrast-stretched, so pale text on a pale background still spans the whole range.
 * Training sees every image as its {@link Fit} does; the other {@link View}s are for a second look at an image
 * whose first reading was unsure (captcha-service).
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

	/** How an image is fitted into the input: the model was trained with one of these and must be read with it. */
	public enum Fit {

		/** stretched over the whole input, whatever its aspect ratio */
		STRETCH,

		/**
		 * at its own aspect ratio, centred: background added on the sides of an image narrower than the input,
		 * above and below a wider one, at most the image's own width or height on each side
		 */
		LETTERBOX,

		/**
		 * an image narrower than the input as {@link #LETTERBOX} does, with background on its sides; a wider one
		 * stretched (squeezed) as {@link #STRETCH} does
		 */
		PILLARBOX;

		/** @return how the trainer's {@code --fit} and a model's {@code fit} metadata spell this fit */
		public String option() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** @return the fit called {@code name}, in any case: what a model's metadata and the trainer's option say */
		public static Optional<Fit> named(String name) {
			return Arrays.stream(values()).filter((fit) -> fit.name().equalsIgnoreCase(name)).findFirst();
		}

		/** @return how the model trained with this fit sees the image at first look */
		public View view(BufferedImage image) {
			double aspect = (double) image.getWidth() / image.getHeight();
			double input = (double) WIDTH / HEIGHT;
			if (this == STRETCH || this == PILLARBOX && aspect >= input) {
				return View.AS_IS;
			}
			return aspect < input ? new View(Polarity.JUDGED, Math.min(1, (input / aspect - 1) / 2), 0)
					: new View(Polarity.JUDGED, 0, Math.min(1, (aspect / input - 1) / 2));
		}

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

		/** The image stretched over the whole input, polarity as judged: what a model fitted by stretching is shown. */
		public static final View AS_IS = new View(Polarity.JUDGED, 0, 0);

		/**
		 * This view with another on top: the other's polarity, and both margins, which add up because each is a
		 * fraction of the image (at most 1). How a second look is taken at an image a model reads letterboxed.
		 */
		public View and(View other) {
			return new View(other.polarity(), Math.min(1, this.marginX + other.marginX()),
					Math.min(1, this.marginY + other.marginY()));
		}

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
