package org.meshguide.captcha;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an upload into pixels, refusing before any pixel is decoded what is not a PNG, JPEG, GIF or BMP
 * (whatever the client said it was: the bytes decide) and any image larger than the limits, whose header
 * alone can promise gigabytes of pixels in a few hundred bytes. Animated GIFs: the first frame.
 */
final class ImageDecoder {

	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

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
				return reader.read(0);
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
