package org.meshguide.captcha;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Preprocessing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The working copy the reader's looks start from: bounded whatever the upload's size, unchanged for what
 * captchas usually are.
 */
class ImageDecoderTest {

	private static final int MAX_WIDTH = ImageDecoder.WORKING_SCALE * Preprocessing.WIDTH;

	private static final int MAX_HEIGHT = ImageDecoder.WORKING_SCALE * Preprocessing.HEIGHT;

	@Test
	void aCaptchaSizedImageInACommonLayoutIsTakenAsItIs() {
		BufferedImage captcha = new BufferedImage(200, 80, BufferedImage.TYPE_3BYTE_BGR);
		assertThat(ImageDecoder.workingCopy(captcha)).isSameAs(captcha);
	}

	@Test
	void aLargeSixteenBitImageBecomesABoundedRgbCopyWithItsAspectRatio() {
		BufferedImage large = sixteenBitRgba(1999, 1000);
		BufferedImage copy = ImageDecoder.workingCopy(large);
		assertThat(copy.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
		assertThat(copy.getWidth()).isLessThanOrEqualTo(MAX_WIDTH);
		assertThat(copy.getHeight()).isLessThanOrEqualTo(MAX_HEIGHT);
		assertThat((double) copy.getWidth() / copy.getHeight()).isCloseTo(1999.0 / 1000, Offset.offset(0.02));
	}

	@Test
	void aSmallImageInAnUnusualLayoutIsConvertedAtItsOwnSizeOntoWhite() {
		BufferedImage transparent = sixteenBitRgba(120, 40);
		BufferedImage copy = ImageDecoder.workingCopy(transparent);
		assertThat(copy.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
		assertThat(copy.getWidth()).isEqualTo(120);
		assertThat(copy.getHeight()).isEqualTo(40);
		assertThat(new Color(copy.getRGB(5, 5))).isEqualTo(Color.WHITE);
	}

	@Test
	void thinStrokesSurviveTheScalingDown() {
		BufferedImage wide = new BufferedImage(2000, 600, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = wide.createGraphics();
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, 2000, 600);
		g.setColor(Color.BLACK);
		g.fillRect(1000, 0, 4, 600);
		g.dispose();
		BufferedImage copy = ImageDecoder.workingCopy(wide);
		int darkest = 255;
		for (int x = 0; x < copy.getWidth(); x++) {
			darkest = Math.min(darkest, new Color(copy.getRGB(x, copy.getHeight() / 2)).getRed());
		}
		assertThat(darkest).as("darkest pixel of a 4 px stroke after scaling 2000 px down to %d", copy.getWidth())
			.isLessThan(200);
	}

	/** A fully transparent 16-bit-per-channel RGBA image, the layout ImageIO gives such a PNG (TYPE_CUSTOM). */
	private static BufferedImage sixteenBitRgba(int width, int height) {
		ColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
				Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
		WritableRaster raster = model.createCompatibleWritableRaster(width, height);
		BufferedImage image = new BufferedImage(model, raster, false, null);
		assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_CUSTOM);
		return image;
	}

}
