package org.meshguide.gateway;

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
 * {@code GET /} against a real HTTP upstream standing in for business (or the Envoy in front of it): what the
 * gateway answers when business answers, fails, or takes longer than the gateway waits.
 */
@WebMvcTest(controllers = GatewayController.class, properties = "gateway.business.read-timeout=500ms")
// the HTTP client factory builder: UpstreamClient builds the client spring.http.clients.imperative.factory names
@ImportAutoConfiguration({ ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
		MeshCommonAutoConfiguration.class })
@EnableConfigurationProperties(GatewayProperties.class)
class GatewayControllerTest {

	static final StubUpstream BUSINESS = StubUpstream.start();

	static final StubUpstream CAPTCHA = StubUpstream.start();

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
		BUSINESS.reset();
	}

	@Test
	void wrapsWhatBusinessAnswered() {
		BUSINESS.answer(200, "text/plain", "response from: business V1");
		assertThat(this.mvc.get().uri("/")).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.TEXT_PLAIN)
			.hasHeader("x-served-by", "gateway-service")
			.hasBodyTextEqualTo("Gateway get from upstream: [\n\n response from: business V1\n\n]\n");
		assertThat(BUSINESS.received()).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("GET");
			assertThat(request.target()).isEqualTo("/");
		});
	}

	@Test
	void anInjected503StaysA503WithAProblemNamingTheUpstream() {
		BUSINESS.answer(503, "text/plain", "fault filter abort");
		var result = assertThat(this.mvc.get().uri("/")).hasStatus(503)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		result.bodyJson().extractingPath("$.title").isEqualTo("Upstream business failed");
		result.bodyJson().extractingPath("$.detail").isEqualTo("business answered 503");
		result.bodyJson().extractingPath("$.upstream").isEqualTo("business");
		result.bodyJson().extractingPath("$.upstreamStatus").isEqualTo(503);
		result.bodyJson().extractingPath("$.upstreamBody").isEqualTo("fault filter abort");
		result.bodyJson().extractingPath("$.servedBy").isEqualTo("gateway-service");
	}

	@Test
	void aClientErrorOfBusinessIsABadGatewayHere() {
		BUSINESS.answer(404, "application/problem+json", "{\"status\":404}");
		var result = assertThat(this.mvc.get().uri("/")).hasStatus(502);
		result.bodyJson().extractingPath("$.upstreamStatus").isEqualTo(404);
		result.bodyJson().extractingPath("$.detail").isEqualTo("business answered 404");
	}

	@Test
	void businessSlowerThanTheReadTimeoutIsAGatewayTimeout() {
		BUSINESS.answerNever();
		var result = assertThat(this.mvc.get().uri("/")).hasStatus(504);
		result.bodyJson().extractingPath("$.detail").isEqualTo("business unreachable: no response within 500 ms");
		result.bodyJson().extractingPath("$.upstreamUrl").isEqualTo(BUSINESS.url().resolve("/").toString());
		result.bodyJson().extractingPath("$.servedBy").isEqualTo("gateway-service");
	}

	@Test
	void anUnknownPathIsA404ProblemAndNeverReachesBusiness() {
		assertThat(this.mvc.get().uri("/no-such-path")).hasStatus(404)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(BUSINESS.received()).isEmpty();
	}

}
