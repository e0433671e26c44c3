package org.meshguide.captcha;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.BDDMockito.given;

/**
 * What the service answers when the model reads something that has no answer. The model is replaced by one
 * that reads a chosen text, so these cases do not depend on how well the real one reads.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UnanswerableHttpTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@MockitoBean
	CaptchaModel model;

	@Test
	void divisionByZeroIs422WithTheReadingItCannotCompute() {
		JsonNode problem = upload("math", "8÷0=?", 422);
		assertThat(problem.path("text").asString()).isEqualTo("8÷0=?");
		assertThat(problem.path("detail").asString()).isEqualTo("recognised '8÷0=?' but it divides by zero");
		// read with confidence at the first look: the problem is the captcha's arithmetic, not the reading
		assertThat(problem.path("confidence").asDouble()).isGreaterThan(0.9);
		assertThat(problem.path("views").asInt()).isEqualTo(1);
	}

	@Test
	void aReadingThatIsNoExpressionIs422AfterEveryLook() {
		JsonNode problem = upload("yk122", "8x=?", 422);
		assertThat(problem.path("detail").asString()).isEqualTo("recognised '8x=?' but it is not an arithmetic expression");
		assertThat(problem.path("confidence").asDouble()).isZero();
		assertThat(problem.path("views").asInt()).isEqualTo(Fixtures.ALL_VIEWS);
	}

	@Test
	void aTextOfTheWrongLengthIs422() {
		JsonNode problem = upload("text", "ab", 422);
		assertThat(problem.path("detail").asString()).isEqualTo("recognised 'ab' but profile text expects [0-9a-z]{4,6}");
	}

	@Test
	void aReadableExpressionIsComputed() {
		JsonNode answer = upload("math", "12×3=?", 200);
		assertThat(answer.path("result").asLong()).isEqualTo(36);
	}

	private JsonNode upload(String profile, String reading, int status) {
		given(this.model.logits(any(float[].class))).willReturn(new float[][][] { logitsSpelling(reading) });
		// a reading the profile refuses has probability 0, so the second look runs: every view reads the same
		given(this.model.logits(anyList())).willAnswer((call) -> {
			List<?> views = call.getArgument(0);
			return new float[][][][] { views.stream().map((view) -> logitsSpelling(reading)).toArray(float[][][]::new) };
		});
		given(this.model.version()).willReturn("stub");
		given(this.model.input()).willReturn(Preprocessing.Input.DEFAULT);
		HttpResponse<String> response = Multipart.post(URI.create("http://127.0.0.1:" + this.port + "/anticaptcha/" + profile),
				"img", "image/png", Images.encode(new BufferedImage(130, 48, BufferedImage.TYPE_INT_RGB), "png"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return JSON.readTree(response.body());
	}

	/** Each character in its own column, blanks between and after. */
	private static float[][] logitsSpelling(String text) {
		float[][] logits = new float[40][Vocabulary.classes()];
		for (int t = 0; t < logits.length; t++) {
			int charIndex = t / 2;
			boolean onChar = t % 2 == 0 && charIndex < text.length();
			logits[t][onChar ? Vocabulary.classOf(text.charAt(charIndex)) : Vocabulary.BLANK] = 10;
		}
		return logits;
	}

}
