package org.meshguide.data;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure-injection knob on a real port: set, effective on business requests only, cleared, and refused
 * with a problem body on bad input.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "data.failure-injection.enabled=true", "app.instance-name=data-test" })
class FailureInjectionHttpTest {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void configFile(DynamicPropertyRegistry registry) throws IOException {
		Path file = Files.createTempFile("config-data", ".json");
		Files.writeString(file, "{\"key1\":\"value1\"}");
		file.toFile().deleteOnExit();
		registry.add("data.config-file", file::toString);
	}

	@AfterEach
	void heal() {
		send("DELETE", "/admin/failure", null);
	}

	@Test
	void failsEveryBusinessRequestWhileSetAndHealsOnDelete() {
		assertThat(send("GET", "/api/data", null).statusCode()).isEqualTo(200);
		HttpResponse<String> set = send("PUT", "/admin/failure", "{\"status\":503,\"rate\":1.0}");
		assertThat(set.statusCode()).isEqualTo(200);
		assertThat(set.body()).contains("\"active\":true").contains("\"status\":503");

		HttpResponse<String> failed = send("GET", "/api/data", null);
		assertThat(failed.statusCode()).isEqualTo(503);
		assertThat(failed.body()).contains("injected failure on data-test");
		assertThat(failed.headers().firstValue("x-served-by")).hasValue("data-test");
		assertThat(send("GET", "/admin/failure", null).body()).contains("\"active\":true");
		assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);

		assertThat(send("DELETE", "/admin/failure", null).body()).contains("\"active\":false");
		assertThat(send("GET", "/api/data", null).statusCode()).isEqualTo(200);
	}

	@Test
	void delayAloneSlowsButAnswersNormally() {
		send("PUT", "/admin/failure", "{\"delayMs\":300,\"rate\":1.0}");
		long start = System.nanoTime();
		HttpResponse<String> slow = send("GET", "/api/data", null);
		long ms = (System.nanoTime() - start) / 1_000_000;
		assertThat(slow.statusCode()).isEqualTo(200);
		assertThat(ms).isGreaterThanOrEqualTo(300);
		assertThat(send("GET", "/admin/failure", null).body()).contains("\"status\":0").contains("\"delayMs\":300");
	}

	@Test
	void refusesANegativeDelayAndAnEmptyFailure() {
		assertThat(send("PUT", "/admin/failure", "{\"delayMs\":-1}").statusCode()).isEqualTo(400);
		assertThat(send("PUT", "/admin/failure", "{\"status\":0}").body()).contains("set a status (5xx), a delayMs, or both");
	}

	@Test
	void rateZeroFailsNothing() {
		send("PUT", "/admin/failure", "{\"status\":500,\"rate\":0.0}");
		assertThat(send("GET", "/", null).statusCode()).isEqualTo(200);
	}

	@Test
	void refusesNon5xxStatusAndRateOutsideZeroToOne() {
		HttpResponse<String> badStatus = send("PUT", "/admin/failure", "{\"status\":200,\"rate\":1.0}");
		assertThat(badStatus.statusCode()).isEqualTo(400);
		assertThat(badStatus.headers().firstValue("content-type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(badStatus.body()).contains("urn:mesh-guide:problem:data:bad-failure").contains("5xx");
		HttpResponse<String> badRate = send("PUT", "/admin/failure", "{\"status\":503,\"rate\":1.5}");
		assertThat(badRate.statusCode()).isEqualTo(400);
		assertThat(badRate.body()).contains("rate must be between 0.0 and 1.0");
		assertThat(send("GET", "/admin/failure", null).body()).contains("\"active\":false");
	}

	private HttpResponse<String> send(String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
				: HttpRequest.BodyPublishers.noBody());
		try {
			return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
