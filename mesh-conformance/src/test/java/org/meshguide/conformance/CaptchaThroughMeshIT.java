package org.meshguide.conformance;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.meshguide.captcha.testkit.ImageUpload;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guide's heavier workload in the mesh: a multipart captcha upload enters at the ingress gateway, passes
 * gateway-service's sidecar, is streamed by gateway-service to captcha-service through both sidecars, and the
 * answer comes back. The trace is one chain from the ingress to the recognition span inside captcha-service;
 * an upload over gateway-service's own limit is refused there, as a problem body, through the same Envoys.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CaptchaThroughMeshIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Drawn by easy-captcha and kept as a file: the same bytes every run, so the answer is known. */
	private static final String FIXTURE = "captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png";

	/**
	 * Ingress Envoy → gateway-service's sidecar and app → captcha-service's sidecar and app → the recognition
	 * (an in-process span, without a kind), as (Zipkin service name, span kind), root first.
	 */
	private static final List<String> EXPECTED_PATH = List.of("istio-ingressgateway.istio-system SERVER",
			"istio-ingressgateway.istio-system CLIENT", "gateway-service.default SERVER",
			"gateway-service SERVER", "gateway-service CLIENT", "gateway-service.default CLIENT",
			"captcha-service.default SERVER", "captcha-service SERVER", "captcha-service ");

	@AfterAll
	static void reset() {
		LocalMesh.reset();
	}

	@Test
	void anUploadThroughTheIngressIsAnsweredAndTracedToTheRecognition() throws IOException {
		LocalMesh.use();
		String traceId = TraceChain.hex(16);
		String callerSpanId = TraceChain.hex(8);
		HttpRequest.Builder request = ImageUpload.png(Files.readAllBytes(LocalMesh.ROOT.resolve(FIXTURE)))
			.post(LocalMesh.INGRESS.resolve("/anticaptcha/math"))
			.timeout(Duration.ofSeconds(30));
		TraceChain.b3(traceId, callerSpanId).forEach(request::header);
		Traffic.Result result = Traffic.send(request.build());

		assertThat(result.status()).as(result.body()).isEqualTo(200);
		JsonNode answer = JSON.readTree(result.body());
		assertThat(answer.path("text").asString()).isEqualTo("3x4=?");
		assertThat(answer.path("result").asLong()).isEqualTo(12);

		List<JsonNode> spans = Zipkin.awaitTrace(traceId, EXPECTED_PATH.size());
		List<String> path = Zipkin.chain(spans, callerSpanId);
		Report.line("captcha: upload through the ingress -> %d %s = %d in %s, trace of %d spans: %s", result.status(),
				answer.path("text").asString(), answer.path("result").asLong(), result.took().toMillis() + " ms",
				spans.size(), String.join(" -> ", path));
		assertThat(path).as("spans of trace %s: %s", traceId, Zipkin.describe(spans)).isEqualTo(EXPECTED_PATH);
		assertThat(spans).hasSize(EXPECTED_PATH.size());
	}

	@Test
	void anUploadOverTheGatewaysLimitIsRefusedByTheGatewayThroughTheMesh() {
		LocalMesh.use();
		byte[] tooLarge = new byte[2 * 1024 * 1024 + 1];
		Traffic.Result result = Traffic.send(ImageUpload.png(tooLarge)
			.post(LocalMesh.INGRESS.resolve("/anticaptcha/math"))
			.timeout(Duration.ofSeconds(30))
			.build());
		Report.line("captcha: %d-byte upload through the ingress -> %d %s", tooLarge.length, result.status(), result.body());
		assertThat(result.status()).isEqualTo(413);
		JsonNode problem = JSON.readTree(result.body());
		assertThat(problem.path("servedBy").asString()).isEqualTo("gateway-service");
		assertThat(problem.path("status").asInt()).isEqualTo(413);
	}

}
