package org.meshguide.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives spans the way a Zipkin collector does ({@code POST /api/v2/spans}, JSON v2, gzip as Brave's sender sends it), and keeps them for
 * assertions. Zipkin is a boundary this project does not own; the conformance suite of the local mesh uses
 * the real Zipkin server.
 */
final class SpanCollector implements AutoCloseable {

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<JsonNode> spans = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	SpanCollector() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/api/v2/spans", exchange -> {
			boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("content-encoding"));
			try (InputStream body = gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
				this.json.readTree(body).forEach(this.spans::add);
			}
			exchange.sendResponseHeaders(202, -1);
			exchange.close();
		});
		this.server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api/v2/spans";
	}

	List<JsonNode> trace(String traceId) {
		return this.spans.stream().filter((span) -> traceId.equals(span.path("traceId").asString())).toList();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
