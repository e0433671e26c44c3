package org.meshguide.captcha;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * The second look, with the real model and the configured math profile: when it runs, what it changes, and what
 * it leaves alone. And an ensemble's vote, with the model twice over.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CaptchaReaderTest {

	private static final int ALL_VIEWS = 1 + CaptchaReader.SECOND_LOOK.size();

	@Autowired
	CaptchaModel model;

	@Autowired
	CaptchaProperties properties;

	@Autowired
	Profiles profiles;

	private Profiles.Profile math;

	@BeforeEach
	void mathProfile() {
		this.math = this.profiles.get("math");
	}

	@Test
	void aSureFirstReadingIsTheAnswer() {
		CaptchaReader.Recognition recognition = reader(0.9).read(Fixtures.MATH.image(), this.math);
		assertThat(recognition.text()).isEqualTo(Fixtures.MATH.text());
		assertThat(recognition.confidence()).isGreaterThan(0.9);
		assertThat(recognition.views()).isEqualTo(1);
	}

	@Test
	void anUnsureFirstReadingIsOutvotedByTheOtherViews() {
		CaptchaReader.Recognition first = reader(0).read(Fixtures.GRID.image(), this.math);
		assertThat(first.views()).isEqualTo(1);
		assertThat(first.text()).as("the first look alone, misled by the grid").isNotEqualTo(Fixtures.GRID.text());
		CaptchaReader.Recognition second = reader(0.9).read(Fixtures.GRID.image(), this.math);
		assertThat(second.views()).isEqualTo(ALL_VIEWS);
		assertThat(second.text()).isEqualTo(Fixtures.GRID.text());
		assertThat(second.confidence()).isBetween(0.0, 1.0);
	}

	@Test
	void theSecondLookKeepsWhatTheFirstReadRight() {
		CaptchaReader.Recognition recognition = reader(1).read(Fixtures.MATH.image(), this.math);
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
		CaptchaReader.Recognition recognition = reader(0.9).read(blank, this.math);
		assertThat(recognition.views()).isEqualTo(ALL_VIEWS);
		assertThat(recognition.confidence()).isZero();
		assertThat(recognition.text()).isEqualTo(reader(0).read(blank, this.math).text());
	}

	@Test
	void anEnsembleOfTheSameModelTwiceReadsAsTheModelAlone() throws Exception {
		List<Resource> twice = List.of(this.properties.model().get(0), this.properties.model().get(0));
		try (CaptchaModel ensemble = new CaptchaModel(properties(twice, 0.9))) {
			assertThat(ensemble.version()).isEqualTo(this.model.version() + "+" + this.model.version());
			CaptchaReader reader = new CaptchaReader(ensemble, properties(twice, 0.9));
			for (Fixtures.Fixture fixture : List.of(Fixtures.MATH, Fixtures.GRID)) {
				CaptchaReader.Recognition alone = reader(0.9).read(fixture.image(), this.math);
				CaptchaReader.Recognition together = reader.read(fixture.image(), this.math);
				assertThat(together.text()).isEqualTo(alone.text());
				assertThat(together.views()).isEqualTo(alone.views());
				assertThat(together.confidence()).as("votes averaged over the members, not summed")
					.isCloseTo(alone.confidence(), within(1e-9));
			}
		}
	}

	@Test
	void theThresholdIsAProbability() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties(1.5))
			.withMessageContaining("captcha.second-look-below");
	}

	@Test
	void thereIsAtLeastOneModel() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties(List.of(), 0.9))
			.withMessageContaining("captcha.model");
	}

	private CaptchaReader reader(double secondLookBelow) {
		return new CaptchaReader(this.model, properties(secondLookBelow));
	}

	/** The service's configuration with another threshold. */
	private CaptchaProperties properties(double secondLookBelow) {
		return properties(this.properties.model(), secondLookBelow);
	}

	/** The service's configuration with other model files and another threshold. */
	private CaptchaProperties properties(List<Resource> model, double secondLookBelow) {
		CaptchaProperties p = this.properties;
		return new CaptchaProperties(model, p.maxImageSize(), p.maxWidth(), p.maxHeight(), p.maxPixels(),
				p.maxConcurrent(), p.queueTimeout(), p.inferenceThreads(), p.beamWidth(), secondLookBelow, p.profiles());
	}

}
