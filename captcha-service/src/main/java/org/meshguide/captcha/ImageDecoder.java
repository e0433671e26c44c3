package org.meshguide.captcha;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.meshguide.captcha.core.Preprocessing;

/**
 * Decodes an upload into pixels, refusing before any pixel is decoded what is not a PNG, JPEG, GIF or BMP
 * (whatever the client said it was: the bytes decide) and any image larger than the limits, whose header
 * alone can promise gigabytes of pixels in a few hundred bytes. Animated GIFs: the first frame. What it returns
 * is a {@link #workingCopy working copy}, bounded in size whatever the limits allow.
 */
final class ImageDecoder {

	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

	static final int WORKING_SCALE = 4;

	static {
		// no temporary files per decode: the uploads are small and already in memory
		ImageIO.setUseCache(false);
	}

	private ImageDecoder() {
	}

	static BufferedImage decode(byte[] bytes, CaptchaProperties limits) {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
			ImageReader reader = readerFor(in);
			try {
				reader.setInput(in, true, true);
				int width = reader.getWidth(0);
				int height = reader.getHeight(0);
				if (width > limits.maxWidth() || height > limits.maxHeight()
						|| (long) width * height > limits.maxPixels()) {
					throw CaptchaException.dimensions(width, height, limits);
				}
				return workingCopy(reader.read(0));
			}
			finally {
				reader.dispose();
			}
		}
		catch (CaptchaException ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			// ImageIO reports corrupt input with IIOException but also with unchecked exceptions of all kinds
			throw CaptchaException.undecodable(ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
	}

	/**
	 * The image as the reader's looks take it, at most {@value #WORKING_SCALE} times the model's input each way:
	 * every look scales the image down to the input again, and from a large image, or one in an unusual pixel
	 * layout (16 bits a channel), each of up to eight looks costs a quarter of a second of CPU. Scaled down here
	 * once, in halving steps so no stroke is skipped, onto white like the looks draw transparency; an image within
	 * the bound in a common layout is returned as it is.
	 */
	static BufferedImage workingCopy(BufferedImage image) {
		int maxWidth = WORKING_SCALE * Preprocessing.WIDTH;
		int maxHeight = WORKING_SCALE * Preprocessing.HEIGHT;
		double scale = Math.min(1.0,
				Math.min((double) maxWidth / image.getWidth(), (double) maxHeight / image.getHeight()));
		if (scale == 1.0 && image.getType() != BufferedImage.TYPE_CUSTOM) {
			return image;
		}
		int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
		int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
		BufferedImage current = image;
		do {
			int stepWidth = Math.max(width, current.getWidth() / 2);
			int stepHeight = Math.max(height, current.getHeight() / 2);
			BufferedImage next = new BufferedImage(stepWidth, stepHeight, BufferedImage.TYPE_INT_RGB);
			Graphics2D g = next.createGraphics();
			try {
				g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
				g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
				g.drawImage(current, 0, 0, stepWidth, stepHeight, Color.WHITE, null);
			}
			finally {
				g.dispose();
			}
			current = next;
		}
		while (current.getWidth() > width || current.getHeight() > height);
		return current;
	}

	private static ImageReader readerFor(ImageInputStream in) {
		Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
		String other = null;
		while (readers.hasNext()) {
			ImageReader reader = readers.next();
			String format;
			try {
				format = reader.getFormatName().toLowerCase(Locale.ROOT);
			}
			catch (IOException ex) {
				continue;
			}
			if (FORMATS.contains(format)) {
				return reader;
			}
			other = (other != null) ? other : format;
			reader.dispose();
		}
		throw CaptchaException.notAnImage((other != null) ? "a " + other + " image is not accepted" : "not an image");
	}

}
