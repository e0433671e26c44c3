package org.meshguide.captcha.trainer;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.testkit.gen.Sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The synthetic captchas are the one part of the training data this project draws itself, so nothing but
 * these tests says that an image shows its label. Training draws in 77 installed font families from Debian
 * packages that CI does not install; these tests draw in DejaVu, which CI does, with everything else (layouts,
 * effects, warps, easy-captcha's fonts) as in training.
 */
class SyntheticGeneratorTest {

	private static final List<String> CI_FONTS = List.of("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono");

	private static final Path SERVICE_MODEL = Path.of("../captcha-service/src/main/resources/model/captcha.onnx");

	/** Arithmetic: digits, the operators in any notation, an optional "=" or "=?" at the end. */
	private static final String MATH = "\\d+([-+×x*÷]\\d+){1,2}(=\\??)?";

	@Test
	void theSameSeedDrawsTheSameCaptchasPixelForPixel() {
		for (boolean math : new boolean[] { true, false }) {
			List<Sample> first = draw(math, 40, 20251127);
			List<Sample> again = draw(math, 40, 20251127);
			List<Sample> other = draw(math, 40, 20251128);

			for (int i = 0; i < first.size(); i++) {
				assertThat(again.get(i).label()).isEqualTo(first.get(i).label());
				assertThat(pixels(again.get(i).image())).as("sample %d", i).isEqualTo(pixels(first.get(i).image()));
			}
			assertThat(other.stream().map(Sample::label).toList()).isNotEqualTo(first.stream().map(Sample::label).toList());
		}
	}

	@Test
	void labelsAreWhatEachProfileReads() {
		assertThat(draw(true, 300, 7)).extracting(Sample::label).allMatch((label) -> label.matches(MATH));
		assertThat(draw(false, 300, 7)).extracting(Sample::label)
			.allMatch((label) -> label.matches("[0-9a-z]{4,6}"), "4 to 6 letters and digits");
	}

	/**
	 * The service's model learnt to read these captchas (in more fonts): if it reads many, the images show their
	 * labels. Most of them are meant to be hard and some to be beyond reading (text run off the edge, crowded
	 * glyphs under heavy clutter), so the model gets the expression (the benchmark's "answer right" rule) of about
	 * 29 % of these 1000, best-path decoding, standard error 1.4 points; the seed is fixed, so the figure moves
	 * only when the generator does. The threshold, 26 %, is 2.2 standard errors under it and 2.7 above what a
	 * generator scores whose labels say 7 wherever it drew a 1 (22.4 %): a generator that draws something other
	 * than its label fails.
	 */
	@Test
	void theServicesModelReadsTheExpressionOfManyOfThem() throws Exception {
		List<Sample> samples = draw(true, 1000, 20251129);

		double read = (double) readCorrectly(samples) / samples.size();

		assertThat(read).isGreaterThan(0.26);
	}

	/**
	 * --off-right decides how many texts run off the right edge. Text that does puts ink in the image's rightmost
	 * columns, where otherwise there is mostly background and clutter, which vary a lot (standard deviation about
	 * 55 per captcha, so the standard error of each mean below is about 1.7). Over 1000 captchas each, with every
	 * text run off by up to a character the rightmost twentieth of the model's input holds about a quarter more
	 * ink than with almost none run off (about 95 against 75, summed per captcha). The threshold, 10 % more, is
	 * about 5 standard errors of the difference under that; if the option changed nothing, both would be the same.
	 */
	@Test
	void textsRunOffTheRightEdgeAsOftenAndAsFarAsAsked() {
		double always = rightmostInk(new SyntheticGenerator.OffRightEdge(1, 1), 1000);
		double almostNever = rightmostInk(new SyntheticGenerator.OffRightEdge(1_000_000, 1), 1000);

		assertThat(always).isGreaterThan(almostNever * 1.1);
	}

	@Test
	void offRightIsOneInNTextsByAtMostOneCharacter() {
		assertThat(SyntheticGenerator.OffRightEdge.parse("6, 0.45")).isEqualTo(SyntheticGenerator.OffRightEdge.DEFAULT);
		assertThat(SyntheticGenerator.OffRightEdge.parse("3,0.8")).isEqualTo(new SyntheticGenerator.OffRightEdge(3, 0.8f));
		for (String wrong : List.of("0,0.5", "3,1.5", "3,-0.1", "3,NaN", "3", "3,0.5,1", "three,0.5", "")) {
			assertThatIllegalArgumentException().as(wrong)
				.isThrownBy(() -> SyntheticGenerator.OffRightEdge.parse(wrong))
				.withMessageStartingWith("--off-right wants ONE_IN,DEPTH");
		}
	}

	@Test
	void aMissingFontFamilyIsAnErrorThatNamesThePackagesToInstall() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new SyntheticGenerator(true, true, List.of("DejaVu Sans", "No Such Family"),
					SyntheticGenerator.OffRightEdge.DEFAULT))
			.withMessageStartingWith("font family 'No Such Family' is not installed: apt-get install fonts-dejavu-core ");
	}

	private static List<Sample> draw(boolean math, int count, long seed) {
		return draw(math, count, seed, SyntheticGenerator.OffRightEdge.DEFAULT);
	}

	private static List<Sample> draw(boolean math, int count, long seed, SyntheticGenerator.OffRightEdge offRight) {
		SyntheticGenerator generator = new SyntheticGenerator(math, true, CI_FONTS, offRight);
		Random random = new Random(seed);
		List<Sample> samples = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			samples.add(generator.next(random));
		}
		return samples;
	}

	/** The mean ink per captcha in the rightmost twentieth of the model's input. */
	private static double rightmostInk(SyntheticGenerator.OffRightEdge offRight, int count) {
		double ink = 0;
		for (Sample sample : draw(true, count, 20251130, offRight)) {
			float[] input = Preprocessing.Input.DEFAULT.ink(sample.image());
			for (int row = 0; row < Preprocessing.HEIGHT; row++) {
				for (int column = Preprocessing.WIDTH * 19 / 20; column < Preprocessing.WIDTH; column++) {
					ink += input[row * Preprocessing.WIDTH + column];
				}
			}
		}
		return ink / count;
	}

	private static int[] pixels(BufferedImage image) {
		return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
	}

	/** How many the service's model reads with the label's expression. */
	private static int readCorrectly(List<Sample> samples) throws Exception {
		int size = Preprocessing.HEIGHT * Preprocessing.WIDTH;
		float[] images = new float[samples.size() * size];
		for (int i = 0; i < samples.size(); i++) {
			float[] ink = Preprocessing.Input.DEFAULT.ink(samples.get(i).image());
			System.arraycopy(ink, 0, images, i * size, size);
		}
		try (OrtSession session = OrtEnvironment.getEnvironment().createSession(SERVICE_MODEL.toString(), new OrtSession.SessionOptions())) {
			float[][][] logits = OnnxExport.logits(session, images);
			int correct = 0;
			for (int i = 0; i < samples.size(); i++) {
				if (BenchCaptchaService.sameExpression(TrainCaptchaModel.decode(logits[i]), samples.get(i).label())) {
					correct++;
				}
			}
			return correct;
		}
	}

}
