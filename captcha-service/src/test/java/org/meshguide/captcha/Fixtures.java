package org.meshguide.captcha;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import org.meshguide.captcha.core.Preprocessing;

/**
 * Captchas easy-captcha, SimpleCaptcha and JCaptcha drew, kept as files so that a test gets the same bytes every run (the
 * libraries' noise cannot be seeded), and a blank image; integration-tests' CaptchaIT uploads the same math file through
 * the gateway.
 */
final class Fixtures {

	static final Fixture MATH = new Fixture("easy-arithmetic-3x4.png", "3x4=?");

	static final long MATH_RESULT = 12;

	static final Fixture TEXT = new Fixture("easy-spec-xakbc.png", "xakbc");

	/**
	 * A library the model never saw, on a dense dark grid: the median pixel is grid, so the first reading takes
	 * the background for dark and reads "=" (probability 0); the second look's reversed view reads it right.
	 */
	static final Fixture GRID = new Fixture("simplecaptcha-grid-92x85.png", "92×85=?");

	static final long GRID_RESULT = 7820;

	/**
	 * JCaptcha's "funky" background, noise over a gradient from red to green, that the model never saw: against
	 * the whole image's background every pixel is ink, and the four views that measure ink so read "0×41=?"; ink
	 * measured against the colour around each pixel reads it right.
	 */
	static final Fixture FUNKY = new Fixture("jcaptcha-funky-80-plus-11.png", "80+11=?");

	/** How many views the committed model (stretched, ink against the image's background) reads an unsure image in. */
	static final int ALL_VIEWS = 1 + CaptchaReader.secondLook(Preprocessing.Input.DEFAULT, true).size();

	/** Nothing to read: white, the size of the model's input. */
	static final Fixture BLANK = new Fixture("blank-white-160x48.png", "");

	private Fixtures() {
	}

	record Fixture(String file, String text) {

		byte[] bytes() {
			try (InputStream in = Fixtures.class.getResourceAsStream("/captcha/" + this.file)) {
				if (in == null) {
					throw new IllegalStateException("no test resource captcha/" + this.file);
				}
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		BufferedImage image() {
			try {
				return ImageIO.read(new ByteArrayInputStream(bytes()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
