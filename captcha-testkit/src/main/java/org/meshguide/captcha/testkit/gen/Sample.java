package org.meshguide.captcha.testkit.gen;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/**
 * A rendered captcha and its answer key as the model should read it ({@link org.meshguide.captcha.core.Vocabulary#label}).
 */
public record Sample(BufferedImage image, String label) {

	/**
	 * A captcha drawn on a transparent canvas (patchca, SimpleCaptcha), flattened onto white as a web page
	 * shows it, so that every image the trainer augments (JPEG included) is opaque RGB.
	 */
	static Sample onWhite(BufferedImage drawn, String label) {
		BufferedImage opaque = new BufferedImage(drawn.getWidth(), drawn.getHeight(), BufferedImage.TYPE_INT_RGB);
		Graphics2D g = opaque.createGraphics();
		try {
			g.drawImage(drawn, 0, 0, Color.WHITE, null);
		}
		finally {
			g.dispose();
		}
		return new Sample(opaque, label);
	}

	/** A captcha a library only hands out encoded (easy-captcha, Happy-Captcha, Wicket), decoded as a client would. */
	static Sample fromPng(byte[] png, String label) {
		try {
			return new Sample(ImageIO.read(new ByteArrayInputStream(png)), label);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
