package org.meshguide.it;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startables;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chain from the images Jib built, each app in its own container on one network, Zipkin beside them:
 * what only containers show (DNS names between containers, a bind-mounted ConfigMap folder, the images'
 * entrypoints and JVM flags) on top of what {@link ChainIT} shows with processes.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class ChainContainersIT {

	private static final Duration RELOAD_DEADLINE = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path work;

	static ConfigMapMount config;

	static Network network;

	static GenericContainer<?> zipkin;

	static GenericContainer<?> data;

	static GenericContainer<?> businessV2;

	static GenericContainer<?> gateway;

	@BeforeAll
	static void startTheChain() throws IOException {
		config = new ConfigMapMount(work);
		config.swap(ConfigMapMount.ORIGINAL);
		network = Network.newNetwork();
		zipkin = AppContainers.zipkin(network);
		Map<String, String> tracing = Map.of("MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENDPOINT", AppContainers.zipkinEndpoint());
		data = AppContainers.app("data-service", network, 512)
			.withEnv(tracing)
			.withEnv(Map.of("CONFIG_VALUE1", "42", "CONFIG_VALUE2", "foo", "DATA_CONFIG_FILE",
					"/app/config/config-data.json"))
			.withFileSystemBind(config.path().toString(), "/app/config", BindMode.READ_ONLY);
		businessV2 = AppContainers.app("business-v2", network, 512)
			.withEnv(tracing)
			.withEnv("BUSINESS_DATA_URL", "http://data-service:8080");
		gateway = AppContainers.app("gateway-service", network, 512)
			.withEnv(tracing)
			.withEnv("GATEWAY_BUSINESS_URL", "http://business-v2:8080");
		Startables.deepStart(zipkin, data, businessV2, gateway).join();
	}

	@AfterAll
	static void stopTheChain() {
		for (GenericContainer<?> container : new GenericContainer<?>[] { gateway, businessV2, data, zipkin }) {
			if (container != null) {
				container.stop();
			}
		}
		if (network != null) {
			network.close();
		}
	}

	@Test
	void gatewayWrapsBusinessV2WhichWrapsDataAcrossContainers() {
		HttpResponse<String> response = Http.get(AppContainers.url(gateway, "/"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("x-served-by")).hasValue("gateway-service");
		assertThat(response.body()).isEqualTo(ConfigMapMount.chainAnswer(ConfigMapMount.ORIGINAL));
	}

	@Test
	void oneRequestIsOneTraceInZipkinWithCorrectParentLinksAcrossContainers() {
		String traceId = Spans.randomHex(16);
		String callerSpanId = Spans.randomHex(8);
		String requestId = UUID.randomUUID().toString();
		HttpResponse<String> response = Http.get(AppContainers.url(gateway, "/"), Map.of("x-b3-traceid", traceId,
				"x-b3-spanid", callerSpanId, "x-b3-sampled", "1", "x-request-id", requestId));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("x-request-id")).hasValue(requestId);

		String zipkinTrace = "http://" + zipkin.getHost() + ":" + zipkin.getMappedPort(9411) + "/api/v2/trace/" + traceId;
		List<JsonNode> spans = await("5 spans of trace " + traceId + " in Zipkin").atMost(Duration.ofSeconds(30))
			.until(() -> {
				HttpResponse<String> trace = Http.get(java.net.URI.create(zipkinTrace));
				return (trace.statusCode() == 200)
						? StreamSupport.stream(JSON.readTree(trace.body()).spliterator(), false).toList() : List.of();
			}, (trace) -> trace.size() >= 5);
		Spans.assertChainTrace(spans, callerSpanId, requestId);
	}

	@Test
	void aConfigMapSwapInTheBindMountedFolderReachesTheGatewayAndABrokenFileKeepsTheLastGoodOne() throws IOException {
		try {
			config.swap("{\"key1\": \"value1\", \"key3\": \"value3\"}");
			String changed = await("the gateway's answer shows key3").atMost(RELOAD_DEADLINE)
				.until(() -> Http.get(AppContainers.url(gateway, "/")).body(), (body) -> body.contains("\"key3\": \"value3\""));

			config.swap("{\"key1\": ");
			JsonNode configFile = await("data-service's health names the broken file").atMost(RELOAD_DEADLINE)
				.until(() -> JSON.readTree(Http.get(AppContainers.url(data, "/actuator/health")).body())
					.path("components")
					.path("configFile"), (details) -> details.path("details").has("error"));
			assertThat(configFile.path("status").asString()).isEqualTo("UP");
			assertThat(configFile.path("details").path("error").asString()).startsWith("not valid JSON");
			assertThat(Http.get(AppContainers.url(gateway, "/")).body()).isEqualTo(changed);
		}
		finally {
			config.swap(ConfigMapMount.ORIGINAL);
			await("the original content back").atMost(RELOAD_DEADLINE)
				.until(() -> Http.get(AppContainers.url(gateway, "/")).body(), (body) -> body.contains("key2"));
		}
	}

}
