package org.meshguide.gateway;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meshguide.common.MeshCommonAutoConfiguration;
import org.meshguide.common.upstream.StubUpstream;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /anticaptcha/**} against a real HTTP upstream standing in for captcha-service: the upload goes
 * through byte for byte and the service's answer comes back as it is; an upload the gateway must refuse is
 * refused before anything reaches the service.
 */
@WebMvcTest(controllers = CaptchaRouteController.class,
		properties = { "gateway.captcha.read-timeout=500ms", "gateway.captcha-max-request-size=1KB" })
// the HTTP client factory builder: UpstreamClient builds the client spring.http.clients.imperative.factory names
@ImportAutoConfiguration({ ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
		MeshCommonAutoConfiguration.class })
@EnableConfigurationProperties(GatewayProperties.class)
class CaptchaRouteControllerTest {

	static final StubUpstream BUSINESS = StubUpstream.start();

	static final StubUpstream CAPTCHA = StubUpstream.start();

	private static final String MULTIPART = "multipart/form-data; boundary=b";

	private static final byte[] UPLOAD = ("--b\r\nContent-Disposition: form-data; name=\"img\"; filename=\"c.png\"\r\n"
			+ "Content-Type: image/png\r\n\r\nPNG\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);

	@Autowired
	MockMvcTester mvc;

	@DynamicPropertySource
	static void upstreams(DynamicPropertyRegistry registry) {
		registry.add("gateway.business.url", BUSINESS::url);
		registry.add("gateway.captcha.url", CAPTCHA::url);
	}

	@AfterAll
	static void stop() {
		BUSINESS.close();
		CAPTCHA.close();
	}

	@BeforeEach
	void reset() {
		CAPTCHA.reset();
	}

	@Test
	void forwardsTheUploadAsItCameAndTheAnswerAsItWent() {
		CAPTCHA.answer(200, "application/json", "{\"answer\":\"7\"}");
		assertThat(this.mvc.post().uri("/anticaptcha/math?trace=1").contentType(MULTIPART).content(UPLOAD))
			.hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.hasBodyTextEqualTo("{\"answer\":\"7\"}");
		assertThat(CAPTCHA.received()).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.target()).isEqualTo("/anticaptcha/math?trace=1");
			assertThat(request.contentType()).as("the boundary must stay the body's").isEqualTo(MULTIPART);
			assertThat(request.body()).isEqualTo(UPLOAD);
		});
	}

	@Test
	void theServicesOwnClientErrorComesBackAsItIs() {
		CAPTCHA.answer(422, "application/problem+json", "{\"status\":422,\"detail\":\"not an expression\"}");
		assertThat(this.mvc.post().uri("/anticaptcha/math").contentType(MULTIPART).content(UPLOAD)).hasStatus(422)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.hasBodyTextEqualTo("{\"status\":422,\"detail\":\"not an expression\"}");
	}

	@Test
	void aServerErrorOfTheServiceIsAProblemNamingIt() {
		CAPTCHA.answer(503, "text/plain", "no healthy upstream");
		var result = assertThat(this.mvc.post().uri("/anticaptcha/math").contentType(MULTIPART).content(UPLOAD))
			.hasStatus(503)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		result.bodyJson().extractingPath("$.upstream").isEqualTo("captcha-service");
		result.bodyJson().extractingPath("$.upstreamStatus").isEqualTo(503);
		result.bodyJson().extractingPath("$.upstreamBody").isEqualTo("no healthy upstream");
	}

	@Test
	void aServiceSlowerThanItsReadTimeoutIsAGatewayTimeout() {
		CAPTCHA.answerNever();
		assertThat(this.mvc.post().uri("/anticaptcha/math").contentType(MULTIPART).content(UPLOAD)).hasStatus(504)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("captcha-service unreachable: no response within 500 ms");
	}

	@Test
	void anUploadWithoutALengthIsRefusedWith411() {
		var result = assertThat(this.mvc.post().uri("/anticaptcha/math").contentType(MULTIPART)).hasStatus(411)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		result.bodyJson().extractingPath("$.type").isEqualTo("urn:mesh-guide:problem:captcha-route");
		result.bodyJson().extractingPath("$.servedBy").isEqualTo("gateway-service");
		assertThat(CAPTCHA.received()).isEmpty();
	}

	@Test
	void anUploadOverTheLimitIsRefusedWith413BeforeAByteIsForwarded() {
		assertThat(this.mvc.post().uri("/anticaptcha/math").contentType(MULTIPART).content(new byte[2048]))
			.hasStatus(413)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("the upload has 2048 bytes; the gateway forwards at most 1024");
		assertThat(CAPTCHA.received()).isEmpty();
	}

	@Test
	void anUploadWithoutAContentTypeIsRefusedWith415() {
		assertThat(this.mvc.post().uri("/anticaptcha/math").content(UPLOAD)).hasStatus(415)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("uploads to /anticaptcha must be multipart/form-data");
		assertThat(CAPTCHA.received()).isEmpty();
	}

	@Test
	void onlyPostIsRouted() {
		assertThat(this.mvc.get().uri("/anticaptcha/math")).hasStatus(405)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(CAPTCHA.received()).isEmpty();
	}

}
