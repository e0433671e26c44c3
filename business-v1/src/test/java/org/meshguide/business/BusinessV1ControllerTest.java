package org.meshguide.business;

import org.junit.jupiter.api.Test;
import org.meshguide.common.MeshCommonAutoConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version 1's one answer, who gave it, and the problem bodies of what it does not serve.
 */
@WebMvcTest(BusinessV1Controller.class)
@ImportAutoConfiguration(MeshCommonAutoConfiguration.class)
class BusinessV1ControllerTest {

	@Autowired
	MockMvcTester mvc;

	@Test
	void answersOnItsOwnAndSaysWhoAnswered() {
		assertThat(this.mvc.get().uri("/").header("x-request-id", "req-1")).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.TEXT_PLAIN)
			.hasHeader("x-served-by", "business-v1")
			.hasHeader("x-request-id", "req-1")
			.hasBodyTextEqualTo("response from: business V1");
	}

	@Test
	void anUnknownPathIsA404Problem() {
		assertThat(this.mvc.get().uri("/no-such-path")).hasStatus(404)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader("x-served-by", "business-v1");
	}

	@Test
	void anotherMethodIsA405Problem() {
		assertThat(this.mvc.post().uri("/")).hasStatus(405)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
