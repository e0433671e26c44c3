package org.meshguide.common.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a free loopback port standing in for an app's upstream (business, data-service,
 * captcha-service, or the Envoy in front of them): it answers every request the way the test last told it to,
 * and records what it received. Shared by the upstream client's tests and the apps' controller tests.
 */
public final class StubUpstream implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile Answer answer = new Answer(200, "text/plain", "ok", false);

	private StubUpstream() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	public static StubUpstream start() {
		return new StubUpstream();
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** From now on, every request gets this status, content type and body. */
	public StubUpstream answer(int status, String contentType, String body) {
		this.answer = new Answer(status, contentType, body, false);
		return this;
	}

	/** From now on, requests get no answer until this stub is closed (an upstream slower than any timeout). */
	public StubUpstream answerNever() {
		this.answer = new Answer(200, "text/plain", "too late", true);
		return this;
	}

	/** The requests received so far, oldest first. */
	public List<Received> received() {
		return List.copyOf(this.received);
	}

	public void reset() {
		this.received.clear();
		answer(200, "text/plain", "ok");
	}

	@Override
	public void close() {
		this.closed.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] requestBody = exchange.getRequestBody().readAllBytes();
		this.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
				exchange.getRequestHeaders().getFirst("content-type"), requestBody));
		Answer current = this.answer;
		if (current.never()) {
			try {
				this.closed.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		byte[] body = current.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("content-type", current.contentType());
		exchange.sendResponseHeaders(current.status(), (body.length > 0) ? body.length : -1);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	private record Answer(int status, String contentType, String body, boolean never) {
	}

	/**
	 * @param method the request method
	 * @param target the path and query, as sent
	 * @param contentType the request's content type, or {@code null}
	 * @param body the request body
	 */
	public record Received(String method, String target, String contentType, byte[] body) {

		public String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}
