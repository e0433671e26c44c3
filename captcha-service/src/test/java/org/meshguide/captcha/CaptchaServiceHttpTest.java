package org.meshguide.captcha;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * captcha-service on a real port with the real model: answers, and every way an upload can be refused.
 * Answers are checked on fixed files (see {@link Fixtures}); how well the model reads fresh captchas is
 * {@link AccuracyRegressionTest}'s question.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CaptchaServiceHttpTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	private URI profile(String name) {
		return URI.create("http://127.0.0.1:" + this.port + "/anticaptcha/" + name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "png", "jpeg", "gif", "bmp" })
	void answersAnEasyCaptchaArithmeticCaptchaInEveryFormat(String format) {
		HttpResponse<String> response = Multipart.post(profile("math"), "img", "image/" + format,
				Images.encode(Fixtures.MATH.image(), format));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode answer = JSON.readTree(response.body());
		assertThat(answer.path("text").asString()).isEqualTo(Fixtures.MATH.text());
		assertThat(answer.path("result").asLong()).isEqualTo(Fixtures.MATH_RESULT);
		assertThat(answer.path("confidence").asDouble()).isBetween(0.0, 1.0);
		assertThat(answer.path("views").asInt()).as("a sure first reading needs no second look").isEqualTo(1);
		assertThat(answer.path("modelVersion").asString()).isNotBlank();
		assertThat(answer.path("elapsedMs").asDouble()).isPositive();
		assertThat(response.headers().firstValue("x-served-by")).hasValue("captcha-service");
	}

	@Test
	void anUnsureFirstReadingGetsASecondLook() {
		JsonNode answer = JSON.readTree(Multipart.post(profile("math"), "img", "image/png", Fixtures.GRID.bytes()).body());
		assertThat(answer.path("text").asString()).isEqualTo(Fixtures.GRID.text());
		assertThat(answer.path("result").asLong()).isEqualTo(Fixtures.GRID_RESULT);
		assertThat(answer.path("views").asInt()).isEqualTo(Fixtures.ALL_VIEWS);
	}

	@Test
	void anImageWithoutTextIs422AfterEveryLookWithWhatWasRead() {
		HttpResponse<String> response = Multipart.post(profile("math"), "img", "image/png", Fixtures.BLANK.bytes());
		assertProblem(response, 422, "urn:mesh-guide:problem:captcha:unanswerable");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("text").asString()).isEqualTo(Fixtures.BLANK.text());
		assertThat(problem.path("detail").asString()).isEqualTo("recognised '' but it is not an arithmetic expression");
		assertThat(problem.path("confidence").asDouble()).isZero();
		assertThat(problem.path("views").asInt()).isEqualTo(Fixtures.ALL_VIEWS);
	}

	@Test
	void yk122IsTheMathProfileUnderTheSeedsName() {
		JsonNode answer = JSON.readTree(Multipart.post(profile("yk122"), "img", "image/jpeg",
				Fixtures.MATH.bytes()).body());
		assertThat(answer.path("profile").asString()).isEqualTo("yk122");
		assertThat(answer.path("result").asLong()).isEqualTo(Fixtures.MATH_RESULT);
	}

	@Test
	void textProfileAnswersWithoutAResult() {
		JsonNode answer = JSON.readTree(Multipart.post(profile("text"), "img", "image/png", Fixtures.TEXT.bytes()).body());
		assertThat(answer.path("text").asString()).isEqualTo(Fixtures.TEXT.text());
		assertThat(answer.has("result")).isFalse();
	}

	@Test
	void unknownProfileIs404ListingTheKnownOnes() {
		HttpResponse<String> response = Multipart.post(profile("nope"), "img", "image/png", png());
		assertProblem(response, 404, "urn:mesh-guide:problem:captcha:unknown-profile");
		assertThat(JSON.readTree(response.body()).path("profiles").toString()).isEqualTo("[\"math\",\"text\",\"yk122\"]");
	}

	@Test
	void missingFieldIs400() {
		HttpResponse<String> response = Multipart.post(profile("math"), "image", "image/png", png());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(response.body()).path("detail").asString()).isEqualTo("Required part 'img' is not present.");
	}

	@Test
	void emptyUploadIs400() {
		assertProblem(Multipart.post(profile("math"), "img", "image/png", new byte[0]), 400,
				"urn:mesh-guide:problem:captcha:empty");
	}

	@Test
	void bytesThatAreNoImageAre415WhateverTheClaimedType() {
		assertProblem(Multipart.post(profile("math"), "img", "image/png", "<html>hello</html>".getBytes()), 415,
				"urn:mesh-guide:problem:captcha:not-an-image");
	}

	@Test
	void aBodyThatIsNotMultipartIs415() {
		HttpResponse<String> response = Multipart.send(HttpRequest.newBuilder(profile("math"))
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(png()))
			.build());
		assertThat(response.statusCode()).isEqualTo(415);
	}

	@Test
	void aTruncatedImageIs400() {
		byte[] truncated = java.util.Arrays.copyOf(Fixtures.MATH.bytes(), Fixtures.MATH.bytes().length / 3);
		assertProblem(Multipart.post(profile("math"), "img", "image/png", truncated), 400,
				"urn:mesh-guide:problem:captcha:undecodable");
	}

	@Test
	void overTheSizeLimitIs413() {
		byte[] big = new byte[1024 * 1024 + 1];
		new Random(3).nextBytes(big);
		HttpResponse<String> response = Multipart.post(profile("math"), "img", "image/png", big);
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(JSON.readTree(response.body()).path("servedBy").asString()).isEqualTo("captcha-service");
	}

	@Test
	void absurdDimensionsAre400BeforeAnyPixelIsDecoded() {
		long heapBefore = usedHeap();
		HttpResponse<String> response = Multipart.post(profile("math"), "img", "image/png",
				Images.pngClaiming(100_000, 100_000));
		assertProblem(response, 400, "urn:mesh-guide:problem:captcha:dimensions");
		assertThat(JSON.readTree(response.body()).path("detail").asString()).startsWith("the image is 100000×100000");
		// 10^10 pixels would have been 40 GB: nothing of the kind was allocated
		assertThat(usedHeap() - heapBefore).isLessThan(256L * 1024 * 1024);
	}

	@Test
	void theServiceStillAnswersAfterEverythingAbove() {
		for (int i = 0; i < 3; i++) {
			Multipart.post(profile("math"), "img", "image/png", Images.pngClaiming(60_000, 60_000));
			Multipart.post(profile("math"), "img", "image/png", "not an image".getBytes());
		}
		assertThat(Multipart.post(profile("math"), "img", "image/png", Fixtures.MATH.bytes()).statusCode()).isEqualTo(200);
	}

	private static byte[] png() {
		return Images.encode(new BufferedImage(130, 48, BufferedImage.TYPE_INT_RGB), "png");
	}

	private static long usedHeap() {
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	private static void assertProblem(HttpResponse<String> response, int status, String type) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("type").asString()).isEqualTo(type);
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("servedBy").asString()).isEqualTo("captcha-service");
	}

}
