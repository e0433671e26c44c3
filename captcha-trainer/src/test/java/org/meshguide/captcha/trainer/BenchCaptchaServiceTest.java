package org.meshguide.captcha.trainer;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshguide.captcha.testkit.gen.CaptchaGenerator;
import org.meshguide.captcha.testkit.gen.Generators;
import org.meshguide.captcha.testkit.gen.RenderedGenerator;
import org.meshguide.captcha.testkit.gen.Sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The benchmark's two definitions every table in captcha-trainer/docs/ uses: "answer right" (the
 * expression, whatever the ending and the multiplication sign) and the latency percentiles; and the held-out
 * captchas it draws once and keeps, so that every model reads the same ones.
 */
class BenchCaptchaServiceTest {

	@Test
	void theExpressionIsRightWhateverTheEndingAndWhicheverMultiplicationSign() {
		assertThat(BenchCaptchaService.sameExpression("12x9=?", "12×9=?")).isTrue();
		assertThat(BenchCaptchaService.sameExpression("12*9", "12×9=?")).isTrue();
		assertThat(BenchCaptchaService.sameExpression("3+4=", "3+4=?")).isTrue();
		assertThat(BenchCaptchaService.sameExpression("3+4=?", "3+4")).isTrue();

		assertThat(BenchCaptchaService.sameExpression("12+9=?", "12×9=?")).as("another operator").isFalse();
		assertThat(BenchCaptchaService.sameExpression("12÷9=?", "12×9=?")).as("÷ is not a multiplication").isFalse();
		assertThat(BenchCaptchaService.sameExpression("1×9=?", "12×9=?")).as("a digit lost").isFalse();
		assertThat(BenchCaptchaService.sameExpression("12=9", "12×9")).as("= inside is not an ending").isFalse();
		assertThat(BenchCaptchaService.sameExpression("=", "12×9=?")).isFalse();
	}

	@Test
	void percentilesAreNearestRank() {
		List<Double> hundred = new ArrayList<>();
		for (int i = 100; i >= 1; i--) {
			hundred.add((double) i);
		}
		assertThat(BenchCaptchaService.percentile(hundred, 50)).isEqualTo(50.0);
		assertThat(BenchCaptchaService.percentile(hundred, 99)).isEqualTo(99.0);
		assertThat(BenchCaptchaService.percentile(hundred, 100)).isEqualTo(100.0);
		assertThat(BenchCaptchaService.percentile(List.of(3.0, 1.0, 2.0), 99)).as("a few values: the largest").isEqualTo(3.0);
		assertThat(BenchCaptchaService.percentile(List.of(7.0), 50)).isEqualTo(7.0);
		assertThat(hundred.get(0)).as("the caller's list is not sorted in place").isEqualTo(100.0);
	}

	@Test
	void aHeldOutSetIsDrawnOnceAsALiveRunWouldDrawIt(@TempDir Path root) throws Exception {
		// Cage takes every choice from the seed, so the kept images must be exactly the live ones
		RenderedGenerator kept = BenchCaptchaService.drawnOnce(Generators.named("cage-math"), 20, 7001, root);
		assertThat(kept.name()).isEqualTo("cage-math");
		assertThat(kept.size()).isEqualTo(20);
		CaptchaGenerator live = Generators.named("cage-math");
		Random random = new Random(7001);
		for (int i = 0; i < 20; i++) {
			Sample drawn = live.next(random);
			Sample read = kept.sample(i);
			assertThat(read.label()).isEqualTo(drawn.label());
			assertThat(pixels(read.image())).as("captcha %d", i).isEqualTo(pixels(drawn.image()));
		}
	}

	@Test
	void aHeldOutSetIsReadAgainRatherThanDrawnAgainUnlessItIsShortOrCutShort(@TempDir Path root) throws Exception {
		BenchCaptchaService.drawnOnce(Generators.named("cage-math"), 20, 7001, root);
		CaptchaGenerator mustNotDraw = new CaptchaGenerator() {
			@Override
			public String name() {
				return "cage-math";
			}

			@Override
			public Sample next(Random random) {
				throw new IllegalStateException("drew again");
			}
		};
		assertThat(BenchCaptchaService.drawnOnce(mustNotDraw, 20, 7001, root).size()).isEqualTo(20);
		assertThat(BenchCaptchaService.drawnOnce(mustNotDraw, 10, 7001, root).size()).as("the first ten of them")
			.isEqualTo(20);
		assertThatThrownBy(() -> BenchCaptchaService.drawnOnce(mustNotDraw, 20, 7002, root)).as("another seed")
			.hasMessage("drew again");
		assertThatThrownBy(() -> BenchCaptchaService.drawnOnce(mustNotDraw, 21, 7001, root)).as("too few kept")
			.hasMessage("drew again");
		assertThat(root.resolve("seed-7001").resolve("cage-math").resolve(RenderedGenerator.LABELS))
			.as("that draw was cut short before its labels").doesNotExist();
		assertThatThrownBy(() -> BenchCaptchaService.drawnOnce(mustNotDraw, 20, 7001, root))
			.as("a set cut short is drawn again, not trusted").hasMessage("drew again");
		assertThat(BenchCaptchaService.drawnOnce(Generators.named("cage-math"), 20, 7001, root).size()).isEqualTo(20);
	}

	private static int[] pixels(BufferedImage image) {
		return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
	}

}
