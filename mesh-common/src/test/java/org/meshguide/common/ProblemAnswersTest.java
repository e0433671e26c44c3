package org.meshguide.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What mesh-common makes of bad input, on a real Tomcat: every refusal an RFC 9457 problem with the right
 * status, client errors never turned into 500s, and an oversized x-request-id not repeated into the response.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=problem-test" })
class ProblemAnswersTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@SpringBootApplication
	static class App {

		@RestController
		static class Endpoints {

			record Setting(Integer status) {
			}

			@PutMapping("/setting")
			Setting put(@RequestBody Setting setting) {
				return setting;
			}

			@GetMapping("/")
			String hello() {
				return "hello";
			}

			@GetMapping("/broken")
			String broken() {
				throw new IllegalStateException("a bug");
			}

		}

	}

	@Test
	void anUnreadableJsonBodyIsA400ProblemNotA500() throws Exception {
		for (String body : new String[] { "{", "[".repeat(100_000), "{\"status\":\"not a number\"}" }) {
			HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri("/setting"))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertProblem(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
					response.body(), 400);
		}
	}

	@Test
	void anUnexpectedFailureIsStillA500Problem() throws Exception {
		HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri("/broken")).build(),
				HttpResponse.BodyHandlers.ofString());
		JsonNode problem = assertProblem(response.statusCode(),
				response.headers().firstValue("content-type").orElse(""), response.body(), 500);
		assertThat(problem.path("detail").asString()).isEqualTo("unexpected IllegalStateException; see the log of "
				+ "problem-test");
	}

	@Test
	void traceRefusedByTomcatIsA405Problem() throws IOException {
		String answer = raw("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 405");
		assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
		JsonNode problem = JSON.readTree(answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1));
		assertThat(problem.path("status").asInt()).isEqualTo(405);
		assertThat(problem.path("detail").asString()).isEqualTo("the method is not allowed on /");
		assertThat(problem.path("servedBy").asString()).isEqualTo("problem-test");
	}

	@Test
	void anUnknownTransferCodingIsA501ProblemSayingSo() throws IOException {
		String answer = raw("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n"
				+ "0\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 501");
		assertThat(answer).contains("a method or transfer coding the server does not implement");
	}

	@Test
	void anOversizedRequestIdIsServedButNotRepeated() throws Exception {
		String uuid = "0f6c2b1e-6d8a-4d57-9a4c-3c1d2e5f7a90";
		HttpResponse<String> normal = get("/", Map.of("x-request-id", uuid));
		assertThat(normal.headers().firstValue("x-request-id")).hasValue(uuid);
		for (String id : new String[] { "r".repeat(8192), "\"../../etc/passwd\"<script>" }) {
			HttpResponse<String> response = get("/", Map.of("x-request-id", id));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("hello");
			assertThat(response.headers().firstValue("x-request-id")).isEmpty();
		}
	}

	private JsonNode assertProblem(int status, String contentType, String body, int expected) {
		assertThat(status).as(body).isEqualTo(expected);
		assertThat(contentType).startsWith("application/problem+json");
		JsonNode problem = JSON.readTree(body);
		assertThat(problem.path("status").asInt()).isEqualTo(expected);
		return problem;
	}

	private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
		headers.forEach(request::header);
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** One request written as these bytes (HTTP clients refuse TRACE bodies and odd codings), the whole answer. */
	private String raw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
