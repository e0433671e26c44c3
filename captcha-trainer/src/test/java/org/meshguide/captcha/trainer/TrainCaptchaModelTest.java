package org.meshguide.captcha.trainer;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Preprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The options that decide what a model was trained on. Every leave-one-generator-out figure in
 * captcha-trainer/docs/experiments.md rests on --exclude removing all of a library's images, and the self-training
 * figures on it keeping the pseudo-labelled folders.
 */
class TrainCaptchaModelTest {

	@Test
	void excludingALibraryRemovesItsGeneratorsButNotAModelsReadingsOfItsImages() {
		Map<String, Double> mix = TrainCaptchaModel.mix("pseudo-hutool-math=0.22,pseudo-hutool-text=0.04",
				Set.of("pseudo-hutool-math", "pseudo-hutool-text"));

		List<String> trained = TrainCaptchaModel.trainedOn(mix, "hutool");

		assertThat(trained).doesNotContain("hutool-math", "hutool-text")
			.contains("pseudo-hutool-math", "pseudo-hutool-text", "easy-math", "kaptcha-math", "cage-math", "synthetic-math")
			.noneMatch((name) -> name.startsWith("hutool"));
		assertThat(TrainCaptchaModel.trainedOn(mix, "")).containsAll(mix.keySet());
		assertThat(TrainCaptchaModel.trainedOn(mix, "easy")).doesNotContain("easy-math", "easy-text").contains("hutool-math");
	}

	@Test
	void mixChangesTheNamedSharesAndRefusesUnknownGeneratorsOrSharesOutsideZeroToOne() {
		Map<String, Double> mix = TrainCaptchaModel.mix("easy-text=0.09,synthetic-math=0.14,patchca-math=0.05", Set.of());
		assertThat(mix).containsEntry("easy-text", 0.09).containsEntry("synthetic-math", 0.14)
			.containsEntry("patchca-math", 0.05).containsEntry("hutool-math", 0.22);
		assertThat(TrainCaptchaModel.mix("", Set.of())).doesNotContainKey("patchca-math");

		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.mix("hutol-math=0.1", Set.of()))
			.withMessageContaining("hutol-math");
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.mix("pycaptcha-math=0.1", Set.of()))
			.withMessageContaining("render-foreign-captchas.sh");
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.mix("hutool-math=1.5", Set.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.mix("hutool-math=lots", Set.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.mix("hutool-math", Set.of()));
	}

	@Test
	void optionsAreSplitLikeMavensOnePropertyAndAnUnknownOrValuelessOneIsRefused() {
		Map<String, String> options = TrainCaptchaModel.options(new String[] { "--exclude hutool  --seed 7", "--steps", "30" });
		assertThat(options).containsExactly(Map.entry("exclude", "hutool"), Map.entry("seed", "7"), Map.entry("steps", "30"));

		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.options(new String[] { "--exlude hutool" }))
			.withMessageContaining("--exlude");
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.options(new String[] { "--seed" }));
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.options(new String[] { "hutool" }));
	}

	@Test
	void widthIsAChannelScaleFromAHalfToThree() {
		assertThat(TrainCaptchaModel.width("1.5")).isEqualTo(1.5);
		assertThat(TrainCaptchaModel.width("0.5")).isEqualTo(0.5);
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.width("0.4"))
			.withMessage("--width wants a channel scale from 0.5 to 3 (1 is the service's model); got 0.4");
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.width("3.5"));
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.width("wide"));
	}

	@Test
	void fitIsStretchLetterboxOrPillarbox() {
		assertThat(TrainCaptchaModel.fit("stretch")).isEqualTo(Preprocessing.Fit.STRETCH);
		assertThat(TrainCaptchaModel.fit("Letterbox")).isEqualTo(Preprocessing.Fit.LETTERBOX);
		assertThat(TrainCaptchaModel.fit("pillarbox")).isEqualTo(Preprocessing.Fit.PILLARBOX);
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.fit("crop"))
			.withMessage("--fit wants stretch, letterbox or pillarbox (how an image is fitted into the model's input);"
					+ " got crop");
	}

	@Test
	void backgroundIsImageOrLocal() {
		assertThat(TrainCaptchaModel.background("image")).isEqualTo(Preprocessing.Background.IMAGE);
		assertThat(TrainCaptchaModel.background("Local")).isEqualTo(Preprocessing.Background.LOCAL);
		assertThatIllegalArgumentException().isThrownBy(() -> TrainCaptchaModel.background("median"))
			.withMessage("--background wants image or local (what a pixel's ink is measured against); got median");
	}

}
