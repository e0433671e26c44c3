package org.meshguide.business;

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
 * Version 2 against a real HTTP upstream standing in for data-service: it wraps what data-service answered,
 * and turns each way data-service can fail into a problem with the status the caller should see.
 */
@WebMvcTest(controllers = BusinessV2Controller.class, properties = "business.data.read-timeout=500ms")
// the HTTP client factory builder: UpstreamClient builds the client spring.http.clients.imperative.factory names
@ImportAutoConfiguration({ ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
		MeshCommonAutoConfiguration.class })
@EnableConfigurationProperties(BusinessProperties.class)
class BusinessV2ControllerTest {

	static final StubUpstream DATA_SERVICE = StubUpstream.start();

	@Autowired
	MockMvcTester mvc;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("business.data.url", DATA_SERVICE::url);
	}

	@AfterAll
	static void stop() {
		DATA_SERVICE.close();
	}

	@BeforeEach
	void reset() {
		DATA_SERVICE.reset();
	}

	@Test
	void wrapsWhatDataServiceAnswered() {
		DATA_SERVICE.answer(200, "application/json", "{\"key1\":\"value1\"}");
		assertThat(this.mvc.get().uri("/")).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.TEXT_PLAIN)
			.hasHeader("x-served-by", "business-v2")
			.hasBodyTextEqualTo("response from: business V2, args: <{\"key1\":\"value1\"} >");
		assertThat(DATA_SERVICE.received()).singleElement()
			.satisfies((request) -> assertThat(request.target()).isEqualTo("/"));
	}

	@Test
	void anInjected503StaysA503WithAProblemNamingDataService() {
		DATA_SERVICE.answer(503, "text/plain", "injected failure on data-service-1");
		var result = assertThat(this.mvc.get().uri("/")).hasStatus(503)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		result.bodyJson().extractingPath("$.upstream").isEqualTo("data-service");
		result.bodyJson().extractingPath("$.upstreamStatus").isEqualTo(503);
		result.bodyJson().extractingPath("$.upstreamBody").isEqualTo("injected failure on data-service-1");
		result.bodyJson().extractingPath("$.servedBy").isEqualTo("business-v2");
	}

	@Test
	void aClientErrorOfDataServiceIsABadGatewayHere() {
		DATA_SERVICE.answer(404, "application/problem+json", "{\"status\":404}");
		assertThat(this.mvc.get().uri("/")).hasStatus(502).bodyJson().extractingPath("$.upstreamStatus").isEqualTo(404);
	}

	@Test
	void dataServiceSlowerThanTheReadTimeoutIsAGatewayTimeout() {
		DATA_SERVICE.answerNever();
		assertThat(this.mvc.get().uri("/")).hasStatus(504)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("data-service unreachable: no response within 500 ms");
	}

}
