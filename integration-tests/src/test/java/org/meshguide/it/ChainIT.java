package org.meshguide.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gateway-service → business-v2 → data-service as three real processes, plus business-v1, with real HTTP
 * between them: the answer's shape, trace propagation with correct parent links, ConfigMap hot reload seen
 * from the edge, and bad input.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChainIT {

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private static final Duration RELOAD_DEADLINE = Duration.ofSeconds(2);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path work;

	static ConfigMapMount configMount;

	static SpanCollector zipkin;

	static AppProcess data;

	static AppProcess businessV1;

	static AppProcess businessV2;

	static AppProcess gateway;

	static int echoPortV1;

	@BeforeAll
	static void startTheChain() throws Exception {
		zipkin = new SpanCollector();
		configMount = new ConfigMapMount(work);
		configMount.swap(ConfigMapMount.ORIGINAL);
		List<String> tracing = List.of("--management.tracing.export.zipkin.endpoint=" + zipkin.endpoint());
		data = AppProcess.start("data-service", "data-service",
				concat(tracing, "--data.config-file=" + configMount.path().resolve("config-data.json")),
				Map.of("CONFIG_VALUE1", "42", "CONFIG_VALUE2", "foo"));
		echoPortV1 = AppProcess.freePort();
		businessV1 = AppProcess.start("business-v1", "business-v1",
				concat(tracing, "--business.echo.port=" + echoPortV1), Map.of());
		businessV2 = AppProcess.start("business-v2", "business-v2",
				concat(tracing, "--business.echo.port=0", "--business.data.url=" + data.urlString()), Map.of());
		gateway = AppProcess.start("gateway-service", "gateway-service",
				concat(tracing, "--gateway.business.url=" + businessV2.urlString()), Map.of());
		data.awaitReady(STARTUP);
		businessV1.awaitReady(STARTUP);
		businessV2.awaitReady(STARTUP);
		gateway.awaitReady(STARTUP);
	}

	@AfterAll
	static void stopTheChain() {
		Stream.of(gateway, businessV2, businessV1, data).filter(p -> p != null).forEach(AppProcess::close);
		if (zipkin != null) {
			zipkin.close();
		}
	}

	@Test
	void gatewayWrapsBusinessV2WhichWrapsData() {
		HttpResponse<String> response = Http.get(gateway.url().resolve("/"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("x-served-by")).hasValue("gateway-service");
		assertThat(response.body()).isEqualTo(ConfigMapMount.chainAnswer(ConfigMapMount.ORIGINAL));
	}

	@Test
	void businessV1AnswersOnItsOwn() {
		HttpResponse<String> response = Http.get(businessV1.url().resolve("/"));
		assertThat(response.body()).isEqualTo("response from: business V1");
		assertThat(response.headers().firstValue("x-served-by")).hasValue("business-v1");
	}

	@Test
	void traceContextReachesDataServiceWithCorrectParentLinks() {
		String traceId = Spans.randomHex(16);
		String callerSpanId = Spans.randomHex(8);
		String requestId = UUID.randomUUID().toString();
		HttpResponse<String> response = Http.get(gateway.url().resolve("/"), Map.of("x-b3-traceid", traceId,
				"x-b3-spanid", callerSpanId, "x-b3-sampled", "1", "x-request-id", requestId));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("x-request-id")).hasValue(requestId);

		List<JsonNode> spans = await("5 spans of trace " + traceId).atMost(Duration.ofSeconds(15))
			.until(() -> zipkin.trace(traceId), (trace) -> trace.size() >= 5);
		Spans.assertChainTrace(spans, callerSpanId, requestId);
	}

	@Test
	void configMapSwapChangesTheGatewayAnswerWithinTwoSecondsAndABrokenFileDoesNot() throws IOException {
		configMount.swap("{\"key1\": \"value1\", \"key3\": \"value3\"}");
		String changed = await("gateway answer shows key3").atMost(RELOAD_DEADLINE)
			.until(() -> Http.get(gateway.url().resolve("/")).body(), (body) -> body.contains("\"key3\": \"value3\""));
		assertThat(changed).contains("config_value1=42");

		configMount.swap("{\"key1\": ");
		JsonNode health = await("data-service health reports the broken file").atMost(RELOAD_DEADLINE)
			.until(() -> JSON.readTree(Http.get(data.url().resolve("/actuator/health")).body())
				.path("components")
				.path("configFile"), (details) -> details.path("details").has("error"));
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("error").asString()).startsWith("not valid JSON");
		assertThat(Http.get(gateway.url().resolve("/")).body()).isEqualTo(changed);

		configMount.swap(ConfigMapMount.ORIGINAL);
		await("original content back").atMost(RELOAD_DEADLINE)
			.until(() -> Http.get(gateway.url().resolve("/")).body().contains("key2"));
	}

	@Test
	void unknownPathIsA404Problem() {
		for (AppProcess app : List.of(gateway, businessV1, businessV2, data)) {
			HttpResponse<String> response = Http.get(app.url().resolve("/no/such/path"));
			assertThat(response.statusCode()).as(app.name()).isEqualTo(404);
			assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
			JsonNode problem = JSON.readTree(response.body());
			assertThat(problem.path("status").asInt()).isEqualTo(404);
			assertThat(problem.path("detail").asString()).isEqualTo("No endpoint GET /no/such/path.");
		}
	}

	@Test
	void wrongMethodIsA405Problem() {
		HttpResponse<String> response = Http.send(HttpRequest.newBuilder(gateway.url().resolve("/"))
			.DELETE()
			.build());
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("allow")).hasValue("GET");
		assertThat(JSON.readTree(response.body()).path("title").asString()).isEqualTo("Method Not Allowed");
	}

	@Test
	void oversizedHeaderIsA400ProblemAndTheAppKeepsServing() {
		HttpResponse<String> response = Http.get(gateway.url().resolve("/"), Map.of("x-big", "a".repeat(20_000)));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(400);
		assertThat(problem.path("servedBy").asString()).isEqualTo("gateway-service");
		assertThat(Http.get(gateway.url().resolve("/")).statusCode()).isEqualTo(200);
	}

	@Test
	void actuatorExposesHealthInfoAndPrometheusOnly() {
		assertThat(Http.get(gateway.url().resolve("/actuator/health/liveness")).statusCode()).isEqualTo(200);
		assertThat(Http.get(gateway.url().resolve("/actuator/health/readiness")).statusCode()).isEqualTo(200);
		assertThat(Http.get(gateway.url().resolve("/actuator/info")).statusCode()).isEqualTo(200);
		assertThat(Http.get(gateway.url().resolve("/actuator/prometheus")).body())
			.contains("http_server_requests_seconds");
		for (String hidden : List.of("env", "beans", "configprops", "heapdump", "threaddump", "shutdown")) {
			assertThat(Http.get(gateway.url().resolve("/actuator/" + hidden)).statusCode()).as(hidden).isEqualTo(404);
		}
	}

	@Test
	void businessEchoesTcpLinesPrefixedWithItsVersion() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", echoPortV1)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			out.write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
			out.flush();
			assertThat(in.readLine()).isEqualTo("v1 hello");
			assertThat(in.readLine()).isEqualTo("v1 world");
		}
	}

	private static List<String> concat(List<String> first, String... more) {
		return Stream.concat(first.stream(), Stream.of(more)).toList();
	}

}
