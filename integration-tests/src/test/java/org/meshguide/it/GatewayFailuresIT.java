package org.meshguide.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's jar against an upstream that misbehaves the ways a mesh makes upstreams misbehave: Envoy's fault
 * filter answering 503, a delay longer than the gateway's read timeout, and no listener at all (captcha-service's
 * address is a port nobody listens on). The upstream here stands in for Envoy's fault filter; the local mesh
 * suite does the same with the real one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayFailuresIT {

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final CountDownLatch RELEASE = new CountDownLatch(1);

	static HttpServer upstream;

	static volatile String behaviour = "abort";

	static AppProcess gateway;

	@BeforeAll
	static void start() throws IOException {
		upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		upstream.createContext("/", exchange -> {
			if ("delay".equals(behaviour)) {
				awaitRelease();
			}
			byte[] body = "fault filter abort".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("content-type", "text/plain");
			exchange.sendResponseHeaders(503, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		upstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		upstream.start();
		gateway = AppProcess.start("gateway-service", "gateway-service",
				List.of("--gateway.business.url=http://127.0.0.1:" + upstream.getAddress().getPort(),
						"--gateway.business.read-timeout=" + READ_TIMEOUT.toMillis() + "ms",
						"--gateway.captcha.url=http://127.0.0.1:" + portNobodyListensOn()),
				Map.of());
		gateway.awaitReady(Duration.ofSeconds(90));
	}

	@AfterAll
	static void stop() {
		RELEASE.countDown();
		if (gateway != null) {
			gateway.close();
		}
		upstream.stop(0);
	}

	@Test
	void injected503IsPassedOnWithAProblemNamingTheUpstream() {
		behaviour = "abort";
		HttpResponse<String> response = Http.get(gateway.url().resolve("/"));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("title").asString()).isEqualTo("Upstream business failed");
		assertThat(problem.path("detail").asString()).isEqualTo("business answered 503");
		assertThat(problem.path("upstream").asString()).isEqualTo("business");
		assertThat(problem.path("upstreamStatus").asInt()).isEqualTo(503);
		assertThat(problem.path("upstreamBody").asString()).isEqualTo("fault filter abort");
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
	}

	@Test
	void slowUpstreamIsA504AtTheReadTimeout() {
		behaviour = "delay";
		long start = System.nanoTime();
		HttpResponse<String> response = Http.get(gateway.url().resolve("/"));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(JSON.readTree(response.body()).path("detail").asString())
			.isEqualTo("business unreachable: no response within 1000 ms");
		assertThat(took).as("answered at the read timeout, not when the upstream finally answers")
			.isGreaterThanOrEqualTo(READ_TIMEOUT)
			.isLessThan(READ_TIMEOUT.multipliedBy(5));
	}

	@Test
	void upstreamThatIsDownIsA502() {
		HttpResponse<String> response = Http.send(HttpRequest.newBuilder(gateway.url().resolve("/anticaptcha/math"))
			.header("content-type", "multipart/form-data; boundary=b")
			.POST(HttpRequest.BodyPublishers.ofString("--b--\r\n"))
			.build());
		assertThat(response.statusCode()).isEqualTo(502);
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.path("detail").asString()).isEqualTo("captcha-service unreachable: connection refused");
		assertThat(problem.path("servedBy").asString()).isEqualTo("gateway-service");
		assertThat(problem.has("upstreamStatus")).isFalse();
	}

	private static int portNobodyListensOn() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void awaitRelease() {
		try {
			RELEASE.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
