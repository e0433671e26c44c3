package org.meshguide.common.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshguide.common.MeshCommonAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the local mesh an app reaches its upstreams only through the JVM's HTTP proxy, its sidecar: whichever
 * client {@code spring.http.clients.imperative.factory} names must send its requests there, as an HTTP/1.1
 * proxy request for the upstream's own URL. A real HTTP server plays the sidecar and records what arrives.
 */
class HttpClientChoiceTest {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, MeshCommonAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "simple", "jdk", "http-components" })
	void everyClientGoesThroughTheJvmProxy(String factory) throws IOException {
		List<String> received = new CopyOnWriteArrayList<>();
		HttpServer sidecar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		sidecar.createContext("/", (exchange) -> {
			received.add(exchange.getProtocol() + " " + exchange.getRequestURI() + " upgrade="
					+ exchange.getRequestHeaders().getFirst("Upgrade"));
			byte[] body = "via the sidecar".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		sidecar.start();
		String host = System.getProperty("http.proxyHost");
		String port = System.getProperty("http.proxyPort");
		System.setProperty("http.proxyHost", "127.0.0.1");
		System.setProperty("http.proxyPort", String.valueOf(sidecar.getAddress().getPort()));
		try {
			this.contexts.withPropertyValues("spring.http.clients.imperative.factory=" + factory).run((context) -> {
				UpstreamClient client = new UpstreamClient("business",
						new Upstream(URI.create("http://business:8080"), Duration.ofSeconds(1), Duration.ofSeconds(2)),
						RestClient.builder(), context.getBean(ClientHttpRequestFactoryBuilder.class));
				assertThat(client.get("/answer")).isEqualTo("via the sidecar");
			});
		}
		finally {
			restore("http.proxyHost", host);
			restore("http.proxyPort", port);
			sidecar.stop(0);
		}
		assertThat(received).containsExactly("HTTP/1.1 http://business:8080/answer upgrade=null");
	}

	private static void restore(String key, String value) {
		if (value == null) {
			System.clearProperty(key);
		}
		else {
			System.setProperty(key, value);
		}
	}

}
