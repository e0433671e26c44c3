package org.meshguide.captcha;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The second look, with the real model: when it runs, what it changes, and what it leaves alone.
 */
class CaptchaReaderTest {

	private static final Map<String, CaptchaProperties.Profile> PROFILES = Map.of("math",
			new CaptchaProperties.Profile(null, "0123456789+-×x*÷=?", "\\d{1,4}(?:[-+×x*÷]\\d{1,4}){1,3}=?\\??", true));

	private static final int ALL_VIEWS = 1 + CaptchaReader.SECOND_LOOK.size();

	private static CaptchaModel model;

	private static Profiles.Profile math;

	@BeforeAll
	static void loadModel() throws IOException, OrtException {
		model = new CaptchaModel(properties(0.9));
		math = new Profiles(PROFILES).get("math");
	}

	@AfterAll
	static void closeModel() throws OrtException {
		model.close();
	}

	@Test
	void aSureFirstReadingIsTheAnswer() {
		CaptchaReader.Recognition recognition = reader(0.9).read(Fixtures.MATH.image(), math);
		assertThat(recognition.text()).isEqualTo(Fixtures.MATH.text());
		assertThat(recognition.confidence()).isGreaterThan(0.9);
		assertThat(recognition.views()).isEqualTo(1);
	}

	@Test
	void anUnsureFirstReadingIsOutvotedByTheOtherViews() {
		CaptchaReader.Recognition first = reader(0).read(Fixtures.GRID.image(), math);
		assertThat(first.views()).isEqualTo(1);
		assertThat(first.text()).as("the first look alone, misled by the grid").isNotEqualTo(Fixtures.GRID.text());
		CaptchaReader.Recognition second = reader(0.9).read(Fixtures.GRID.image(), math);
		assertThat(second.views()).isEqualTo(ALL_VIEWS);
		assertThat(second.text()).isEqualTo(Fixtures.GRID.text());
		assertThat(second.confidence()).isBetween(0.0, 1.0);
	}

	@Test
	void theSecondLookKeepsWhatTheFirstReadRight() {
		CaptchaReader.Recognition recognition = reader(1).read(Fixtures.MATH.image(), math);
		assertThat(recognition.views()).isEqualTo(ALL_VIEWS);
		assertThat(recognition.text()).isEqualTo(Fixtures.MATH.text());
	}

	@Test
	void whenNoViewReadsAnAnswerTheFirstReadingStandsWithNoConfidence() {
		BufferedImage blank = new BufferedImage(160, 48, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = blank.createGraphics();
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, 160, 48);
		g.dispose();
		CaptchaReader.Recognition recognition = reader(0.9).read(blank, math);
		assertThat(recognition.views()).isEqualTo(ALL_VIEWS);
		assertThat(recognition.confidence()).isZero();
		assertThat(recognition.text()).isEqualTo(reader(0).read(blank, math).text());
	}

	@Test
	void theThresholdIsAProbability() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties(1.5))
			.withMessageContaining("captcha.second-look-below");
	}

	private static CaptchaReader reader(double secondLookBelow) {
		return new CaptchaReader(model, properties(secondLookBelow));
	}

	private static CaptchaProperties properties(double secondLookBelow) {
		return new CaptchaProperties(new ClassPathResource("model/captcha.onnx"), DataSize.ofMegabytes(1), 2000, 2000,
				2_000_000, 2, Duration.ofSeconds(5), 1, 16, secondLookBelow, PROFILES);
	}

}
