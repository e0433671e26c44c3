package org.meshguide.captcha;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Preprocessing.Background;
import org.meshguide.captcha.core.Preprocessing.Fit;
import org.meshguide.captcha.core.Preprocessing.Look;
import org.meshguide.captcha.core.Preprocessing.Polarity;
import org.meshguide.captcha.core.Preprocessing.View;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * The second look, with the real model and the configured math profile: when it runs, what it changes, and what
 * it leaves alone. An ensemble's vote, with the model twice over. And how the model was trained to see images: a
 * model marked as trained on letterboxed images is read letterboxed, one marked as trained on ink against the local
 * background is read so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CaptchaReaderTest {

	private static final int WITHOUT_LOCAL_INK = 1 + CaptchaReader.secondLook(Preprocessing.Input.DEFAULT, false).size();

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
		assertThat(second.views()).isEqualTo(Fixtures.ALL_VIEWS);
		assertThat(second.text()).isEqualTo(Fixtures.GRID.text());
		assertThat(second.confidence()).isBetween(0.0, 1.0);
	}

	@Test
	void aGradientTheWholeImageTakesForInkIsReadAgainstItsLocalBackground() {
		CaptchaReader.Recognition withoutLocalInk = new CaptchaReader(this.model,
				properties(this.properties.model(), 0.9, false))
			.read(Fixtures.FUNKY.image(), this.math);
		assertThat(withoutLocalInk.views()).isEqualTo(WITHOUT_LOCAL_INK);
		assertThat(withoutLocalInk.text()).as("the four views, all ink measured against the whole image")
			.isNotEqualTo(Fixtures.FUNKY.text());
		CaptchaReader.Recognition withLocalInk = reader(0.9).read(Fixtures.FUNKY.image(), this.math);
		assertThat(withLocalInk.views()).isEqualTo(Fixtures.ALL_VIEWS);
		assertThat(withLocalInk.text()).isEqualTo(Fixtures.FUNKY.text());
	}

	@Test
	void theSecondLookOfAModelTrainedOnTheImagesBackgroundAddsThreeLocalInkLooks() {
		List<Look> image = CaptchaReader.secondLook(Preprocessing.Input.DEFAULT, false);
		assertThat(image).hasSize(4).allMatch((look) -> look.background() == Background.IMAGE);
		List<Look> withLocalInk = CaptchaReader.secondLook(Preprocessing.Input.DEFAULT, true);
		assertThat(withLocalInk).hasSize(7).startsWith(image.toArray(Look[]::new));
		assertThat(withLocalInk.subList(4, 7)).allMatch((look) -> look.background() == Background.LOCAL)
			.contains(new Look(View.AS_IS, Background.LOCAL));
		Preprocessing.Input local = new Preprocessing.Input(Fit.STRETCH, Background.LOCAL);
		assertThat(CaptchaReader.secondLook(local, true)).as("the margins only, against its own background")
			.isEqualTo(CaptchaReader.secondLook(local, false))
			.hasSize(3)
			.allMatch((look) -> look.background() == Background.LOCAL && look.view().polarity() == Polarity.JUDGED);
	}

	@Test
	void theSecondLookKeepsWhatTheFirstReadRight() {
		CaptchaReader.Recognition recognition = reader(1).read(Fixtures.MATH.image(), this.math);
		assertThat(recognition.views()).isEqualTo(Fixtures.ALL_VIEWS);
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
		assertThat(recognition.views()).isEqualTo(Fixtures.ALL_VIEWS);
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
	void aModelTrainedLetterboxedReadsImagesLetterboxed() throws Exception {
		BufferedImage image = Fixtures.MATH.image();
		List<Resource> letterboxed = List.of(withMetadata("fit", "letterbox"));
		try (CaptchaModel model = new CaptchaModel(properties(letterboxed, 0))) {
			assertThat(this.model.input()).as("a model without the entries was trained stretched, on the image's background")
				.isEqualTo(new Preprocessing.Input(Fit.STRETCH, Background.IMAGE));
			assertThat(model.input()).isEqualTo(new Preprocessing.Input(Fit.LETTERBOX, Background.IMAGE));
			View view = Fit.LETTERBOX.view(image);
			assertThat(view).as("the image is not the input's shape, so letterboxing changes it").isNotEqualTo(View.AS_IS);
			float[] letterboxedInk = Preprocessing.ink(image, view, Background.IMAGE);
			CtcDecoder.Reading asTrained = CtcDecoder.decode(model.logits(letterboxedInk)[0],
					this.math.allowed(), this.math.pattern(), this.properties.beamWidth());
			CtcDecoder.Reading stretched = CtcDecoder.decode(model.logits(Preprocessing.Input.DEFAULT.ink(image))[0],
					this.math.allowed(), this.math.pattern(), this.properties.beamWidth());
			assertThat(asTrained.confidence()).isNotEqualTo(stretched.confidence());
			CaptchaReader.Recognition recognition = new CaptchaReader(model, properties(letterboxed, 0)).read(image,
					this.math);
			assertThat(recognition.text()).isEqualTo(asTrained.text());
			assertThat(recognition.confidence()).isEqualTo(asTrained.confidence());
		}
	}

	@Test
	void aModelTrainedOnTheLocalBackgroundReadsImagesSoAndSkipsTheLooksItsFirstLookAlreadyIs() throws Exception {
		BufferedImage image = Fixtures.GRID.image();
		List<Resource> local = List.of(withMetadata("background", "local"));
		try (CaptchaModel model = new CaptchaModel(properties(local, 1))) {
			assertThat(model.input()).isEqualTo(new Preprocessing.Input(Fit.STRETCH, Background.LOCAL));
			float[] asTrained = Preprocessing.ink(image, View.AS_IS, Background.LOCAL);
			assertThat(asTrained).as("the grid fixture reads differently against its local background")
				.isNotEqualTo(Preprocessing.Input.DEFAULT.ink(image));
			CtcDecoder.Reading first = CtcDecoder.decode(model.logits(asTrained)[0], this.math.allowed(),
					this.math.pattern(), this.properties.beamWidth());
			CaptchaReader.Recognition sure = new CaptchaReader(model, properties(local, 0)).read(image, this.math);
			assertThat(sure.text()).isEqualTo(first.text());
			assertThat(sure.confidence()).isEqualTo(first.confidence());
			CaptchaReader.Recognition always = new CaptchaReader(model, properties(local, 1)).read(image, this.math);
			assertThat(always.views()).as("the reversed polarity is the first look again, the local ink its own")
				.isEqualTo(1 + 3);
		}
	}

	/** Members with the service model's defaults (stretch, image) next to one marked otherwise. */
	@ParameterizedTest
	@CsvSource({ "fit, letterbox, fit=STRETCH, fit=LETTERBOX", "background, local, background=IMAGE, background=LOCAL" })
	void anEnsembleWhoseMembersSeeImagesDifferentlyDoesNotStart(String key, String value, String one, String other)
			throws Exception {
		List<Resource> mixed = List.of(this.properties.model().get(0), withMetadata(key, value));
		assertThatIllegalStateException().isThrownBy(() -> new CaptchaModel(properties(mixed, 0.9)))
			.withMessageContaining(one)
			.withMessageContaining(other)
			.withMessageContaining("--" + key);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "fit | crop | fits images into its input by 'crop'",
			"background | sky | measures ink against the 'sky' background" })
	void aWayOfSeeingThisBuildDoesNotKnowDoesNotStart(String key, String value, String message) throws Exception {
		List<Resource> unknown = List.of(withMetadata(key, value));
		assertThatIllegalStateException().isThrownBy(() -> new CaptchaModel(properties(unknown, 0.9)))
			.withMessageContaining(message);
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

	/**
	 * The service's model with one more metadata entry. Protobuf parses a repeated field appended to a message as
	 * one more element, so the model's bytes followed by one {@code ModelProto.metadata_props} entry (field 14)
	 * are the same model with that entry: how the trainer's {@code --fit} marks a model, without training one.
	 */
	private Resource withMetadata(String key, String value) throws IOException {
		ByteArrayOutputStream entry = new ByteArrayOutputStream();
		field(entry, 1, key.getBytes(StandardCharsets.UTF_8));
		field(entry, 2, value.getBytes(StandardCharsets.UTF_8));
		ByteArrayOutputStream model = new ByteArrayOutputStream();
		model.write(this.properties.model().get(0).getContentAsByteArray());
		field(model, 14, entry.toByteArray());
		return new ByteArrayResource(model.toByteArray(), "the service's model with " + key + "=" + value);
	}

	/** A length-delimited protobuf field: its tag, its length and its bytes, both numbers as varints. */
	private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
		varint(out, number << 3 | 2);
		varint(out, bytes.length);
		out.writeBytes(bytes);
	}

	private static void varint(ByteArrayOutputStream out, int value) {
		while ((value & ~0x7f) != 0) {
			out.write((value & 0x7f) | 0x80);
			value >>>= 7;
		}
		out.write(value);
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
		return properties(model, secondLookBelow, this.properties.secondLookLocalInk());
	}

	/** The service's configuration with other model files, another threshold and the local ink or not. */
	private CaptchaProperties properties(List<Resource> model, double secondLookBelow, boolean localInk) {
		CaptchaProperties p = this.properties;
		return new CaptchaProperties(model, p.maxImageSize(), p.maxWidth(), p.maxHeight(), p.maxPixels(),
				p.maxConcurrent(), p.queueTimeout(), p.inferenceThreads(), p.beamWidth(), secondLookBelow, localInk,
				p.profiles());
	}

}
