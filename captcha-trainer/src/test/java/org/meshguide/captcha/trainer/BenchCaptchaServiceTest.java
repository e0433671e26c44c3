package org.meshguide.captcha.trainer;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's two definitions every table in docs/13-captcha-service.md uses: "answer right" (the
 * expression, whatever the ending and the multiplication sign) and the latency percentiles.
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

}
