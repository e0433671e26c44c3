package org.meshguide.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.meshguide.captcha.testkit.ImageUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * client → gateway-service → captcha-service as real processes, with real multipart uploads: the answer,
 * the trace across both hops, captcha-service's refusals passed through, the gateway's own limits; and,
 * against a stand-in upstream that counts bytes as they arrive, proof that the gateway streams an upload
 * instead of storing it first.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CaptchaIT {

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String FIXTURE_FILE = "easy-arithmetic-3x4.png";

	private static final String FIXTURE_TEXT = "3x4=?";

	private static final long FIXTURE_RESULT = 12;

	static SpanCollector zipkin;

	static AppProcess captcha;

	static AppProcess gateway;

	static HttpServer countingUpstream;

	static final AtomicLong received = new AtomicLong();

	static AppProcess gatewayToCountingUpstream;

	@BeforeAll
	static void start() throws IOException {
		zipkin = new SpanCollector();
		List<String> tracing = List.of("--management.tracing.export.zipkin.endpoint=" + zipkin.endpoint());
		captcha = AppProcess.start("captcha-service", "captcha-service", tracing, Map.of());
		gateway = AppProcess.start("gateway-service", "gateway-service", tracing,
				Map.of("GATEWAY_CAPTCHA_URL", captcha.urlString()));
		countingUpstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		countingUpstream.createContext("/", exchange -> {
			try (InputStream body = exchange.getRequestBody()) {
				byte[] buffer = new byte[8192];
				for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
					received.addAndGet(n);
				}
			}
			byte[] answer = ("{\"received\":" + received.get() + "}").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("content-type", "application/json");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		countingUpstream.start();
		gatewayToCountingUpstream = AppProcess.start("gateway-service", "gateway-streaming", List.of(),
				Map.of("GATEWAY_CAPTCHA_URL", "http://127.0.0.1:" + countingUpstream.getAddress().getPort()));
		captcha.awaitReady(STARTUP);
		gateway.awaitReady(STARTUP);
		gatewayToCountingUpstream.awaitReady(STARTUP);
	}

	@AfterAll
	static void stop() {
		Stream.of(gatewayToCountingUpstream, gateway, captcha).filter(p -> p != null).forEach(AppProcess::close);
		if (countingUpstream != null) {
			countingUpstream.stop(0);
		}
		if (zipkin != null) {
			zipkin.close();
		}
	}

	@Test
	void anEasyCaptchaPngUploadedToTheGatewayIsAnswered() throws IOException {
		HttpResponse<String> response = upload(gateway, "/anticaptcha/math", fixture(), Map.of());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode answer = JSON.readTree(response.body());
		assertThat(answer.path("text").asString()).isEqualTo(FIXTURE_TEXT);
		assertThat(answer.path("result").asLong()).isEqualTo(FIXTURE_RESULT);
		assertThat(response.headers().firstValue("x-served-by")).hasValue("gateway-service");
	}

	@Test
	void theUploadIsOneTraceAcrossGatewayAndCaptchaWithTheRecognitionAsItsOwnSpan() throws IOException {
		String traceId = Spans.randomHex(16);
		HttpResponse<String> response = upload(gateway, "/anticaptcha/yk122",
				fixture(), Map.of("x-b3-traceid", traceId,
						"x-b3-spanid", Spans.randomHex(8), "x-b3-sampled", "1"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<JsonNode> spans = await("4 spans of trace " + traceId).atMost(Duration.ofSeconds(15))
			.until(() -> zipkin.trace(traceId), (trace) -> trace.size() >= 4);
		JsonNode gatewayClient = Spans.span(spans, "gateway-service", "CLIENT");
		JsonNode captchaServer = Spans.span(spans, "captcha-service", "SERVER");
		JsonNode recognition = spans.stream()
			.filter((s) -> "captcha.recognition".equals(s.path("name").asString()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no captcha.recognition span in " + spans));
		assertThat(captchaServer.path("parentId").asString()).isEqualTo(gatewayClient.path("id").asString());
		assertThat(recognition.path("parentId").asString()).isEqualTo(captchaServer.path("id").asString());
		assertThat(recognition.path("tags").path("captcha.profile").asString()).isEqualTo("math");
		// a sure reading: one view, no second look (the tag is set when the reading is known, before the span ends)
		assertThat(recognition.path("tags").path("captcha.views").asString()).isEqualTo("1");
	}

	@Test
	void captchaServiceRefusalsReachTheClientAsTheyAre() throws IOException {
		HttpResponse<String> unknown = upload(gateway, "/anticaptcha/nope",
				fixture(), Map.of());
		assertThat(unknown.statusCode()).isEqualTo(404);
		JsonNode problem = JSON.readTree(unknown.body());
		assertThat(problem.path("detail").asString()).isEqualTo("no profile 'nope'; known profiles: math, text, yk122");
		assertThat(problem.path("servedBy").asString()).isEqualTo("captcha-service");

		HttpResponse<String> notAnImage = upload(gateway, "/anticaptcha/math", "hello".getBytes(), Map.of());
		assertThat(notAnImage.statusCode()).isEqualTo(415);
	}

	@Test
	void theGatewayRefusesAnUploadOverItsLimitBeforeReadingIt() {
		byte[] body = new byte[2 * 1024 * 1024 + 1];
		HttpResponse<String> response = Http.send(HttpRequest.newBuilder(gateway.url().resolve("/anticaptcha/math"))
			.header("Content-Type", "multipart/form-data; boundary=x")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build());
		assertThat(response.statusCode()).isEqualTo(413);
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("servedBy").asString()).isEqualTo("gateway-service");
		assertThat(problem.path("detail").asString()).endsWith("the gateway forwards at most 2097152");
	}

	@Test
	void theGatewayRefusesAnUploadOfUndeclaredLength() {
		SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
		CompletableFuture<HttpResponse<String>> response = Http.client()
			.sendAsync(HttpRequest.newBuilder(gateway.url().resolve("/anticaptcha/math"))
				.header("Content-Type", "multipart/form-data; boundary=x")
				.POST(HttpRequest.BodyPublishers.fromPublisher(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		await("the client subscribed to the body").atMost(Duration.ofSeconds(10)).until(body::hasSubscribers);
		body.submit(ByteBuffer.wrap("--x--".getBytes(StandardCharsets.UTF_8)));
		body.close();
		assertThat(response.join().statusCode()).isEqualTo(411);
	}

	@Test
	void theGatewayForwardsBytesBeforeTheUploadIsComplete() throws Exception {
		int half = 512 * 1024;
		received.set(0);
		SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
		CompletableFuture<HttpResponse<String>> response = Http.client()
			.sendAsync(HttpRequest.newBuilder(gatewayToCountingUpstream.url().resolve("/anticaptcha/math"))
				.header("Content-Type", "multipart/form-data; boundary=x")
				.POST(HttpRequest.BodyPublishers.fromPublisher(body, 2L * half))
				.build(), HttpResponse.BodyHandlers.ofString());
		// a SubmissionPublisher drops what is submitted before anyone subscribes
		await("the client subscribed to the body").atMost(Duration.ofSeconds(10)).until(body::hasSubscribers);
		body.submit(ByteBuffer.allocate(half));
		// The second half is only sent once most of the first has reached the upstream (the rest sits in socket
		// and stream buffers on the way): a gateway that stored the upload before forwarding it would wait here
		// for ever.
		await("most of the first half at the upstream").atMost(Duration.ofSeconds(20))
			.until(() -> received.get() >= half / 2);
		body.submit(ByteBuffer.allocate(half));
		body.close();
		HttpResponse<String> answer = response.get(20, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(answer.body()).path("received").asLong()).isEqualTo(2L * half);
	}

	private static HttpResponse<String> upload(AppProcess app, String path, byte[] content, Map<String, String> headers) {
		HttpRequest.Builder request = ImageUpload.png(content).post(app.url().resolve(path)).timeout(Duration.ofSeconds(30));
		headers.forEach(request::header);
		return Http.send(request.build());
	}

	/**
	 * An arithmetic captcha easy-captcha drew, kept as a file (captcha-service's tests use it too): the same
	 * bytes every run, so the answer does not depend on the library's unseedable noise.
	 */
	private static byte[] fixture() throws IOException {
		return Files.readAllBytes(AppProcess.ROOT.resolve("captcha-service/src/test/resources/captcha/" + FIXTURE_FILE));
	}

}
