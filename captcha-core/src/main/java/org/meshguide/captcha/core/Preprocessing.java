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
 * A model may instead have been trained to measure ink against the colour around each pixel ({@link Background}),
 * which gradients and colourful noise do not fool. Training sees every image as its {@link Input} does; a {@link Look}
 * is another way of seeing it, for a second look at an image whose first reading was unsure (captcha-service).
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
	 * What a pixel's ink is measured against. A model is trained with one of these and must be read with it (its
	 * {@code background} metadata; models without it, v5 among them, were trained with {@link #IMAGE}).
	 */
	public enum Background {

		/**
		 * one background for the whole image, light or dark as its median pixel says ({@link Polarity}): ink is
		 * {@code 1 - min(R, G, B)} on light, {@code max(R, G, B)} on dark
		 */
		IMAGE,

		/**
		 * the colour around the pixel, the commonest colour in each half of each strip of {@value #STRIP} input
		 * columns, blended between their centres: ink is the largest difference of a channel from it. On a plain
		 * white or black background that is {@link #IMAGE}'s ink; on a gradient or a colourful noise it still
		 * finds the strokes, whichever way round they are. {@link View#polarity()} plays no part.
		 */
		LOCAL;

		/** Width of the strips of the input that {@link #LOCAL} takes the background's colour from, in pixels. */
		public static final int STRIP = 32;

		/** Levels a channel is quantised to when {@link #LOCAL} looks for a strip's commonest colour. */
		public static final int LEVELS = 8;

		/** @return how the trainer's {@code --background} and a model's {@code background} metadata spell this */
		public String option() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** @return the background called {@code name}, in any case */
		public static Optional<Background> named(String name) {
			return Preprocessing.named(values(), name);
		}

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
			return Preprocessing.named(values(), name);
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
	 * How a model was trained to turn an image into its input, which it must be read with: written into the model as
	 * its {@code fit} and {@code background} metadata.
	 *
	 * @param fit how an image is fitted into the input
	 * @param background what a pixel's ink is measured against
	 */
	public record Input(Fit fit, Background background) {

		/** What the service's v5 and every model without {@code fit} or {@code background} metadata were trained with. */
		public static final Input DEFAULT = new Input(Fit.STRETCH, Background.IMAGE);

		/** @return the image as the model saw every training image */
		public float[] ink(BufferedImage image) {
			return ink(image, new Look(View.AS_IS, this.background));
		}

		/** @return the image seen another way, the look's view on top of the fit: a second look */
		public float[] ink(BufferedImage image, Look look) {
			return Preprocessing.ink(image, this.fit.view(image).and(look.view()), look.background());
		}

		/**
		 * @return whether the look shows this model something other than its first look: a margin does, and so does
		 * another background; a reversed polarity does only when ink is measured against the {@link Background#IMAGE
		 * image's} background, the {@link Background#LOCAL local} one has no polarity
		 */
		public boolean differs(Look look) {
			View view = look.view();
			return view.marginX() > 0 || view.marginY() > 0 || look.background() != this.background
					|| look.background() == Background.IMAGE && view.polarity() != Polarity.JUDGED;
		}

	}

	/**
	 * A way of seeing a captcha on top of the model's {@link Fit}, for a second look at an image whose first reading
	 * was unsure: the view, and what ink is measured against.
	 *
	 * @param view polarity and margins, added to the fit's
	 * @param background what a pixel's ink is measured against
	 */
	public record Look(View view, Background background) {

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

	/**
	 * @return {@value #HEIGHT} rows of {@value #WIDTH} values in [0, 1], row-major, of the image seen as the view,
	 * ink measured against the background
	 */
	public static float[] ink(BufferedImage image, View view, Background background) {
		int[] rgb = scaled(image, view);
		return contrastStretched(background == Background.LOCAL ? againstLocalBackground(rgb) : againstMedian(rgb, view));
	}

	private static float[] againstMedian(int[] rgb, View view) {
		int[] brightness = new int[256];
		for (int p : rgb) {
			brightness[max(p)]++;
		}
		// the background covers most of a captcha, so the median pixel is background
		int median = median(brightness, rgb.length);
		// on a dark background the strokes are the bright and saturated pixels: max(R, G, B) is their ink
		boolean darkBackground = (median < 128) == (view.polarity() == Polarity.JUDGED);
		float[] ink = new float[rgb.length];
		for (int i = 0; i < rgb.length; i++) {
			ink[i] = darkBackground ? max(rgb[i]) / 255f : 1f - min(rgb[i]) / 255f;
		}
		return ink;
	}

	/**
	 * The background in each half (top, bottom) of each {@value Background#STRIP}-column strip is its commonest
	 * colour: the mean of its pixels in the fullest bin of {@value Background#LEVELS} levels a channel, the other
	 * half's pixels counting half as much. A median would take the colour of the strokes where a dense grid or bold
	 * text covers half a strip in several colours; the commonest colour is still the paper's. The other half's vote
	 * keeps a half that bold text fills from taking the text's colour, while a gradient from top to bottom, stronger
	 * than it, still gives each half its own colour. Between the centres the background is blended bilinearly, so no
	 * edge shows in the ink.
	 */
	private static float[] againstLocalBackground(int[] rgb) {
		int strips = WIDTH / Background.STRIP;
		int halves = 2;
		int halfHeight = HEIGHT / halves;
		int shift = Integer.numberOfTrailingZeros(256 / Background.LEVELS);
		int bits = Integer.numberOfTrailingZeros(Background.LEVELS);
		int bins = Background.LEVELS * Background.LEVELS * Background.LEVELS;
		float[][][] background = new float[halves][strips][3];
		for (int strip = 0; strip < strips; strip++) {
			int[][] counts = new int[halves][bins];
			long[][][] sums = new long[halves][bins][3];
			for (int y = 0; y < HEIGHT; y++) {
				int half = y / halfHeight;
				for (int x = strip * Background.STRIP; x < (strip + 1) * Background.STRIP; x++) {
					int p = rgb[y * WIDTH + x];
					int bin = 0;
					for (int c = 0; c < 3; c++) {
						bin = (bin << bits) | (channel(p, c) >> shift);
					}
					counts[half][bin]++;
					for (int c = 0; c < 3; c++) {
						sums[half][bin][c] += channel(p, c);
					}
				}
			}
			for (int half = 0; half < halves; half++) {
				int other = 1 - half;
				int commonest = 0;
				double best = -1;
				for (int bin = 0; bin < bins; bin++) {
					double weight = counts[half][bin] + 0.5 * counts[other][bin];
					if (weight > best) {
						best = weight;
						commonest = bin;
					}
				}
				// the other half's votes alone may have chosen a colour this half does not have
				int own = counts[half][commonest] > 0 ? half : other;
				for (int c = 0; c < 3; c++) {
					background[half][strip][c] = (float) sums[own][commonest][c] / counts[own][commonest];
				}
			}
		}
		float[] ink = new float[rgb.length];
		for (int y = 0; y < HEIGHT; y++) {
			float down = Math.max(0, Math.min(halves - 1, (y + 0.5f) / halfHeight - 0.5f));
			for (int x = 0; x < WIDTH; x++) {
				float at = Math.max(0, Math.min(strips - 1, (x + 0.5f) / Background.STRIP - 0.5f));
				int left = (int) at;
				int right = Math.min(strips - 1, left + 1);
				float weight = at - left;
				int p = rgb[y * WIDTH + x];
				float distance = 0;
				for (int c = 0; c < 3; c++) {
					float top = (1 - weight) * background[0][left][c] + weight * background[0][right][c];
					float bottom = (1 - weight) * background[1][left][c] + weight * background[1][right][c];
					float around = (1 - down) * top + down * bottom;
					distance = Math.max(distance, Math.abs(channel(p, c) - around));
				}
				ink[y * WIDTH + x] = distance / 255f;
			}
		}
		return ink;
	}

	/**
	 * @return the constant spelt {@code name}, in any case: how the trainer's options and a model's metadata name a
	 * {@link Fit} or a {@link Background}
	 */
	private static <E extends Enum<E>> Optional<E> named(E[] values, String name) {
		return Arrays.stream(values).filter((value) -> value.name().equalsIgnoreCase(name)).findFirst();
	}

	/** @return red, green or blue (0, 1, 2) of a packed RGB pixel */
	private static int channel(int rgb, int c) {
		return (rgb >> (16 - 8 * c)) & 0xff;
	}

	private static int median(int[] histogram, int count) {
		int value = 0;
		int seen = histogram[0];
		while (seen < (count + 1) / 2) {
			seen += histogram[++value];
		}
		return value;
	}

	/** Pale text on a pale background still spans the whole range. */
	private static float[] contrastStretched(float[] ink) {
		float lo = Float.MAX_VALUE;
		float hi = -Float.MAX_VALUE;
		for (float value : ink) {
			lo = Math.min(lo, value);
			hi = Math.max(hi, value);
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
