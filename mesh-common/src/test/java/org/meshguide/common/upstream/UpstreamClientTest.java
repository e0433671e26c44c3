package org.meshguide.common.upstream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The failure mapping against real sockets: an HTTP server that answers with a chosen status, a port with no
 * listener, a listener that accepts and never answers, and one whose accept queue is full, so that the kernel
 * never completes a new connection.
 */
class UpstreamClientTest {

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void returnsTheBodyOfA2xx() throws IOException {
		UpstreamClient client = client(serverAnswering(200, "response from: business V1"), Duration.ofSeconds(2));
		assertThat(client.get("/")).isEqualTo("response from: business V1");
	}

	@Test
	void keepsTheStatusAndBodyOfAnInjected503() throws IOException {
		UpstreamClient client = client(serverAnswering(503, "fault filter abort"), Duration.ofSeconds(2));
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.get("/"));
		assertThat(ex.status().value()).isEqualTo(503);
		assertThat(ex.upstreamStatus()).isEqualTo(503);
		assertThat(ex.upstreamBody()).isEqualTo("fault filter abort");
		assertThat(ex.getMessage()).isEqualTo("business answered 503");
	}

	@Test
	void turnsAnUpstream4xxIntoBadGateway() throws IOException {
		UpstreamClient client = client(serverAnswering(404, "{}"), Duration.ofSeconds(2));
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.get("/"));
		assertThat(ex.status().value()).isEqualTo(502);
		assertThat(ex.upstreamStatus()).isEqualTo(404);
	}

	@Test
	void refusedConnectionIsBadGateway() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		UpstreamClient client = client(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2));
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.get("/"));
		assertThat(ex.status().value()).isEqualTo(502);
		assertThat(ex.upstreamStatus()).isNull();
		assertThat(ex.getMessage()).isEqualTo("business unreachable: connection refused");
	}

	@Test
	void silentUpstreamIsGatewayTimeoutAfterTheReadTimeout() throws IOException {
		UpstreamClient client = client(silentUpstream(), Duration.ofSeconds(5), Duration.ofMillis(300));
		long start = System.nanoTime();
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.get("/"));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(ex.status().value()).isEqualTo(504);
		assertThat(ex.getMessage()).isEqualTo("business unreachable: no response within 300 ms");
		assertThat(ex.getCause()).hasCauseExactlyInstanceOf(SocketTimeoutException.class);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void unansweredConnectIsGatewayTimeoutAfterTheConnectTimeout() throws IOException {
		InetSocketAddress full = listenerWithAFullAcceptQueue();
		UpstreamClient client = client(URI.create("http://127.0.0.1:" + full.getPort()), Duration.ofMillis(300),
				Duration.ofSeconds(5));
		long start = System.nanoTime();
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.get("/"));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(ex.status().value()).isEqualTo(504);
		assertThat(ex.getMessage()).isEqualTo("business unreachable: no connection within 300 ms");
		assertThat(ex.getCause()).hasCauseExactlyInstanceOf(ConnectPhaseRequestFactory.ConnectTimeoutException.class);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
	}

	/**
	 * The two other clients {@code spring.http.clients.imperative.factory} can name throw exception types of their
	 * own for the two timeouts; the answers must be the same as with the default client.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "jdk", "http-components" })
	void theOtherClientsTellAnUnansweredConnectFromASilentUpstream(String factory) throws IOException {
		ClientHttpRequestFactoryBuilder<?> requestFactories = factory.equals("jdk")
				? ClientHttpRequestFactoryBuilder.jdk() : ClientHttpRequestFactoryBuilder.httpComponents();
		InetSocketAddress full = listenerWithAFullAcceptQueue();
		UpstreamClient connecting = new UpstreamClient("business", new Upstream(
				URI.create("http://127.0.0.1:" + full.getPort()), Duration.ofMillis(300), Duration.ofSeconds(5)),
				RestClient.builder(), requestFactories);
		UpstreamException unconnected = catchThrowableOfType(UpstreamException.class, () -> connecting.get("/"));
		assertThat(unconnected.status().value()).isEqualTo(504);
		assertThat(unconnected.getMessage()).isEqualTo("business unreachable: no connection within 300 ms");
		UpstreamClient reading = new UpstreamClient("business",
				new Upstream(silentUpstream(), Duration.ofSeconds(5), Duration.ofMillis(300)), RestClient.builder(),
				requestFactories);
		UpstreamException unanswered = catchThrowableOfType(UpstreamException.class, () -> reading.get("/"));
		assertThat(unanswered.status().value()).isEqualTo(504);
		assertThat(unanswered.getMessage()).isEqualTo("business unreachable: no response within 300 ms");
	}

	@Test
	void forwardTellsAnUnansweredConnectFromASilentUpstream() throws IOException {
		InetSocketAddress full = listenerWithAFullAcceptQueue();
		UpstreamClient client = client(URI.create("http://127.0.0.1:" + full.getPort()), Duration.ofMillis(300),
				Duration.ofSeconds(5));
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.forward("/anticaptcha/math",
				"multipart/form-data; boundary=b", 1, new java.io.ByteArrayInputStream(new byte[1])));
		assertThat(ex.status().value()).isEqualTo(504);
		assertThat(ex.getMessage()).isEqualTo("business unreachable: no connection within 300 ms");
	}

	@Test
	void forwardStreamsTheBodyAndPassesA4xxBackAsItIs() throws IOException {
		List<String> seen = new ArrayList<>();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", exchange -> {
			seen.add(exchange.getRequestHeaders().getFirst("content-type") + " "
					+ exchange.getRequestHeaders().getFirst("content-length") + " "
					+ new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			byte[] bytes = "{\"status\":404}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("content-type", "application/problem+json");
			exchange.sendResponseHeaders(404, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		server.start();
		this.resources.add(() -> server.stop(0));
		UpstreamClient client = client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(2));
		var response = client.forward("/anticaptcha/nope", "multipart/form-data; boundary=b", 5,
				new java.io.ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
		assertThat(response.getStatusCode().value()).isEqualTo(404);
		assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":404}");
		assertThat(seen).containsExactly("multipart/form-data; boundary=b 5 hello");
	}

	@Test
	void forwardTurnsAn5xxIntoAnUpstreamException() throws IOException {
		UpstreamClient client = client(serverAnswering(503, "fault filter abort"), Duration.ofSeconds(2));
		UpstreamException ex = catchThrowableOfType(UpstreamException.class, () -> client.forward("/anticaptcha/math",
				"multipart/form-data; boundary=b", 1, new java.io.ByteArrayInputStream(new byte[1])));
		assertThat(ex.status().value()).isEqualTo(503);
		assertThat(ex.upstreamBody()).isEqualTo("fault filter abort");
	}

	private UpstreamClient client(URI url, Duration readTimeout) {
		return client(url, Duration.ofSeconds(1), readTimeout);
	}

	private UpstreamClient client(URI url, Duration connectTimeout, Duration readTimeout) {
		return new UpstreamClient("business", new Upstream(url, connectTimeout, readTimeout), RestClient.builder(),
				ClientHttpRequestFactoryBuilder.simple());
	}

	/** A listener that accepts every connection and never answers. */
	private URI silentUpstream() throws IOException {
		ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.resources.add(silent);
		List<Socket> accepted = new ArrayList<>();
		Thread acceptor = new Thread(() -> {
			try {
				while (true) {
					accepted.add(silent.accept());
				}
			}
			catch (IOException ex) {
				accepted.forEach(UpstreamClientTest::closeQuietly);
			}
		});
		acceptor.setDaemon(true);
		acceptor.start();
		return URI.create("http://127.0.0.1:" + silent.getLocalPort());
	}

	/**
	 * A listener with a backlog of one that never accepts: once its accept queue holds what the backlog allows,
	 * Linux drops every further SYN, so a new connection stays unanswered until the client gives up.
	 */
	private InetSocketAddress listenerWithAFullAcceptQueue() throws IOException {
		ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		this.resources.add(listener);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
		for (int i = 0; i < 16; i++) {
			Socket filler = new Socket();
			this.resources.add(filler);
			try {
				filler.connect(address, 200);
			}
			catch (SocketTimeoutException ex) {
				return address;
			}
		}
		throw new IllegalStateException("16 connections to a listener with a backlog of 1 all completed");
	}

	private URI serverAnswering(int status, String body) {
		StubUpstream upstream = StubUpstream.start().answer(status, "text/plain", body);
		this.resources.add(upstream);
		return upstream.url();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// the test is over; nothing reads this socket any more
		}
	}

}
