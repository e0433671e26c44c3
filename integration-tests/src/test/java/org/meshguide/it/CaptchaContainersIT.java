package org.meshguide.it;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.captcha.testkit.ImageUpload;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startables;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A captcha upload through the gateway's container to captcha-service's container: the model and ONNX
 * Runtime's native library load inside the image (a read-only root, the native library extracted to /tmp),
 * and the gateway's upload limit holds.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CaptchaContainersIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static Network network;

	static GenericContainer<?> captcha;

	static GenericContainer<?> gateway;

	@BeforeAll
	static void start() {
		network = Network.newNetwork();
		// ONNX Runtime's memory is native, outside the heap: the same 768 MiB as docker-compose.yml gives it
		captcha = AppContainers.app("captcha-service", network, 768);
		gateway = AppContainers.app("gateway-service", network, 512)
			.withEnv("GATEWAY_CAPTCHA_URL", "http://captcha-service:8080");
		Startables.deepStart(captcha, gateway).join();
	}

	@AfterAll
	static void stop() {
		for (GenericContainer<?> container : new GenericContainer<?>[] { gateway, captcha }) {
			if (container != null) {
				container.stop();
			}
		}
		if (network != null) {
			network.close();
		}
	}

	@Test
	void anEasyCaptchaUploadedToTheGatewayIsReadByTheCaptchaContainer() throws IOException {
		byte[] png = Files.readAllBytes(
				AppProcess.ROOT.resolve("captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png"));
		HttpResponse<String> response = Http.send(ImageUpload.png(png)
			.post(AppContainers.url(gateway, "/anticaptcha/math"))
			.timeout(Duration.ofSeconds(60))
			.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode answer = JSON.readTree(response.body());
		assertThat(answer.path("text").asString()).isEqualTo("3x4=?");
		assertThat(answer.path("result").asLong()).isEqualTo(12);
	}

	@Test
	void anUploadOverTheGatewaysLimitIsA413FromTheGateway() {
		HttpResponse<String> response = Http.send(HttpRequest.newBuilder(AppContainers.url(gateway, "/anticaptcha/math"))
			.header("Content-Type", "multipart/form-data; boundary=x")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024 + 1]))
			.build());
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(JSON.readTree(response.body()).path("servedBy").asString()).isEqualTo("gateway-service");
	}

}
