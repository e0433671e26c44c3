package org.meshguide.captcha.trainer;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * What happens to a captcha between the library that drew it and the service: a screenshot that is a little
 * rotated, scaled or cropped, a little out of focus, and JPEG compression (the seed's own example uploads a
 * .jfif). Plus, on a few images, a wave, shear or lens from {@link Warps}.
 */
final class Augment {

	private Augment() {
	}

	static BufferedImage apply(BufferedImage image, Random random) {
		BufferedImage out = image;
		if (random.nextBoolean()) {
			out = affine(out, random);
		}
		// now and then another library's distortion, so that no look belongs to one library only
		if (random.nextInt(8) == 0) {
			out = Warps.wave(out, random, random.nextBoolean());
		}
		if (random.nextInt(10) == 0) {
			out = Warps.shear(out, random, random.nextBoolean());
		}
		if (random.nextInt(10) == 0) {
			out = Warps.lens(out, random);
		}
		// nothing else in training is soft-edged: every generator draws crisp strokes
		if (random.nextInt(6) == 0) {
			out = blur(out, 0.4 + 1.1 * random.nextDouble(), 0.4 + 1.1 * random.nextDouble());
		}
		if (random.nextInt(3) == 0) {
			out = jpeg(out, 0.3f + 0.6f * random.nextFloat());
		}
		return out;
	}

	private static BufferedImage affine(BufferedImage image, Random random) {
		int width = image.getWidth();
		int height = image.getHeight();
		BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = out.createGraphics();
		g.setColor(new Color(image.getRGB(0, 0)));
		g.fillRect(0, 0, width, height);
		g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
		AffineTransform transform = new AffineTransform();
		transform.translate(width / 2.0 + (random.nextDouble() - 0.5) * width * 0.08,
				height / 2.0 + (random.nextDouble() - 0.5) * height * 0.1);
		transform.rotate(Math.toRadians((random.nextDouble() - 0.5) * 10));
		transform.scale(0.85 + 0.25 * random.nextDouble(), 0.85 + 0.25 * random.nextDouble());
		transform.translate(-width / 2.0, -height / 2.0);
		g.drawImage(image, transform, null);
		g.dispose();
		return out;
	}

	/** A Gaussian blur, its spread chosen separately across and down (a wider one across smears like motion). */
	static BufferedImage blur(BufferedImage image, double sigmaX, double sigmaY) {
		int width = image.getWidth();
		int height = image.getHeight();
		int[] pixels = image.getRGB(0, 0, width, height, null, 0, width);
		int[] across = convolve(pixels, width, height, kernel(sigmaX), 1, width);
		int[] down = convolve(across, width, height, kernel(sigmaY), width, 1);
		BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		out.setRGB(0, 0, width, height, down, 0, width);
		return out;
	}

	private static double[] kernel(double sigma) {
		int radius = (int) Math.ceil(2 * sigma);
		double[] weights = new double[2 * radius + 1];
		double sum = 0;
		for (int i = -radius; i <= radius; i++) {
			weights[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
			sum += weights[i + radius];
		}
		for (int i = 0; i < weights.length; i++) {
			weights[i] /= sum;
		}
		return weights;
	}

	/** One pass of a 1-D kernel along rows ({@code step} 1) or columns ({@code step} width), edges clamped. */
	private static int[] convolve(int[] pixels, int width, int height, double[] weights, int step, int lineStep) {
		int radius = weights.length / 2;
		int length = (step == 1) ? width : height;
		int lines = (step == 1) ? height : width;
		int[] out = new int[pixels.length];
		for (int line = 0; line < lines; line++) {
			int start = line * lineStep;
			for (int i = 0; i < length; i++) {
				double r = 0;
				double g = 0;
				double b = 0;
				for (int k = -radius; k <= radius; k++) {
					int rgb = pixels[start + Math.min(length - 1, Math.max(0, i + k)) * step];
					double w = weights[k + radius];
					r += w * ((rgb >> 16) & 0xff);
					g += w * ((rgb >> 8) & 0xff);
					b += w * (rgb & 0xff);
				}
				out[start + i * step] = ((int) Math.round(r) << 16) | ((int) Math.round(g) << 8) | (int) Math.round(b);
			}
		}
		return out;
	}

	static BufferedImage jpeg(BufferedImage image, float quality) {
		BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
		Graphics2D g = rgb.createGraphics();
		g.drawImage(image, 0, 0, Color.WHITE, null);
		g.dispose();
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionQuality(quality);
			writer.setOutput(out);
			writer.write(null, new IIOImage(rgb, null, null), param);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			writer.dispose();
		}
		try {
			return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
