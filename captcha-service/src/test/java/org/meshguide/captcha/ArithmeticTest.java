package org.meshguide.captcha;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ArithmeticTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			8x9=?       | 72
			8×9=?       | 72
			8*9=        | 72
			7 +35=      | 42
			'12 - 30 = ?' | -18
			63÷7=?      | 9
			3+5x2=?     | 13
			3x5-2=?     | 13
			9-4÷2       | 7
			2x3x4x5     | 120
			'  1+1 ? '  | 2
			9999x9999x9999x9999 | 9996000599960001
			""")
	void computesWithUsualPrecedence(String text, long expected) {
		assertThat(Arithmetic.evaluate(text)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "8", "8x", "x9", "8x9x", "8xx9", "8/9", "8^9", "8x9=?=?", "12345+1", "1+2+3+4+5",
			"(8x9)", "8x9=72", "8 9", "-8+9", "8x9;rm -rf /", "java.lang.Runtime" })
	void refusesAnythingElse(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Arithmetic.evaluate(text))
			.withMessage("it is not an arithmetic expression");
	}

	@ParameterizedTest
	@ValueSource(strings = { "7÷0=?", "1+7÷0", "0÷0" })
	void divisionByZeroHasNoAnswer(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Arithmetic.evaluate(text)).withMessage("it divides by zero");
	}

	@ParameterizedTest
	@ValueSource(strings = { "7÷2=?", "1÷3" })
	void unevenDivisionHasNoWholeAnswer(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Arithmetic.evaluate(text))
			.withMessageEndingWith("is not a whole number");
	}

}
