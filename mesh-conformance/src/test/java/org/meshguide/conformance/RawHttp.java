package org.meshguide.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a plain socket, byte for byte as the caller wrote it: malformed request lines, conflicting
 * framing, pipelined requests and bodies that trickle in, which no HTTP client library would send. Reads what
 * comes back by its framing, skipping interim 1xx answers, until {@code expected} responses, the end of the
 * connection, or the deadline.
 */
final class RawHttp {

	private static final int MAX_BODY = 1 << 20;

	private RawHttp() {
	}

	/** One response: its status, headers (lower-case names, repeated ones joined) and body. */
	record Response(int status, Map<String, String> headers, String body) {

		String header(String name) {
			return this.headers.getOrDefault(name, "");
		}

	}

	/**
	 * What came back for one exchange: the final responses in order, whether the server closed the connection
	 * (rather than the deadline ending the wait), and how long it took.
	 */
	record Exchange(List<Response> responses, boolean closed, boolean timedOut, Duration took, String error) {

		Response first() {
			return this.responses.isEmpty() ? null : this.responses.get(0);
		}

		String describe() {
			String answers = this.responses.isEmpty() ? "no response"
					: String.join(" ", this.responses.stream().map(r -> String.valueOf(r.status())).toList());
			return answers + (this.timedOut ? ", no end within the deadline" : (this.closed ? ", closed" : ""))
					+ ((this.error != null) ? " (" + this.error + ")" : "") + " after " + this.took.toMillis() + " ms";
		}

	}

	/**
	 * A request body that arrives slowly: {@code head} at once, then {@code trickle} one chunk at a time with
	 * {@code pause} between chunks, for as long as the server keeps the connection open.
	 */
	record Slow(byte[] head, byte[] trickle, int chunk, Duration pause) {
	}

	static Exchange exchange(InetSocketAddress target, byte[] request, int expected, Duration deadline) {
		return exchange(target, new Slow(request, new byte[0], 1, Duration.ZERO), expected, deadline);
	}

	static Exchange exchange(InetSocketAddress target, Slow request, int expected, Duration deadline) {
		long start = System.nanoTime();
		long end = start + deadline.toNanos();
		List<Response> responses = new ArrayList<>();
		try (Socket socket = new Socket()) {
			socket.connect(target, 2000);
			OutputStream out = socket.getOutputStream();
			out.write(request.head());
			out.flush();
			Thread writer = null;
			if (request.trickle().length > 0) {
				writer = new Thread(() -> trickle(out, request), "trickle");
				writer.setDaemon(true);
				writer.start();
			}
			try {
				BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
				while (responses.size() < expected) {
					Response response = read(in, socket, end);
					if (response == null) {
						return new Exchange(responses, true, false, since(start), null);
					}
					responses.add(response);
				}
				return new Exchange(responses, false, false, since(start), null);
			}
			finally {
				if (writer != null) {
					writer.interrupt();
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return new Exchange(responses, false, true, since(start), null);
		}
		catch (IOException ex) {
			boolean reset = ex.getMessage() != null && ex.getMessage().toLowerCase(Locale.ROOT).contains("reset");
			return new Exchange(responses, true, false, since(start), reset ? "reset" : ex.toString());
		}
	}

	private static void trickle(OutputStream out, Slow request) {
		try {
			for (int at = 0; at < request.trickle().length; at += request.chunk()) {
				Thread.sleep(request.pause().toMillis());
				out.write(request.trickle(), at, Math.min(request.chunk(), request.trickle().length - at));
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// the server closed the connection, or the exchange is over: the trickle ends here
		}
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/** The next final response, or null when the connection ends before one starts. */
	private static Response read(InputStream in, Socket socket, long end) throws IOException {
		while (true) {
			String statusLine = readLine(in, socket, end);
			if (statusLine == null) {
				return null;
			}
			if (statusLine.isEmpty()) {
				continue;
			}
			String[] parts = statusLine.split(" ", 3);
			if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
				throw new IOException("not an HTTP response: " + statusLine);
			}
			int status = Integer.parseInt(parts[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (String line = readLine(in, socket, end); line != null && !line.isEmpty();
					line = readLine(in, socket, end)) {
				int colon = line.indexOf(':');
				if (colon > 0) {
					headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
							line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
				}
			}
			if (status < 200) {
				continue;
			}
			return new Response(status, headers, body(in, socket, end, headers));
		}
	}

	private static String body(InputStream in, Socket socket, long end, Map<String, String> headers)
			throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		if (headers.containsKey("content-length")) {
			long length = Long.parseLong(headers.get("content-length"));
			for (long i = 0; i < length; i++) {
				int b = readByte(in, socket, end);
				if (b < 0) {
					break;
				}
				if (body.size() < MAX_BODY) {
					body.write(b);
				}
			}
		}
		else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
			for (String size = readLine(in, socket, end); size != null; size = readLine(in, socket, end)) {
				int length = Integer.parseInt(size.split(";")[0].strip(), 16);
				if (length == 0) {
					readLine(in, socket, end);
					break;
				}
				for (int i = 0; i < length; i++) {
					body.write(readByte(in, socket, end));
				}
				readLine(in, socket, end);
			}
		}
		else if (headers.getOrDefault("connection", "").contains("close")) {
			for (int b = readByte(in, socket, end); b >= 0 && body.size() < MAX_BODY; b = readByte(in, socket, end)) {
				body.write(b);
			}
		}
		return body.toString(StandardCharsets.UTF_8);
	}

	private static String readLine(InputStream in, Socket socket, long end) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int c = readByte(in, socket, end); c >= 0; c = readByte(in, socket, end)) {
			if (c == '\n') {
				String text = line.toString(StandardCharsets.ISO_8859_1);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(c);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	private static int readByte(InputStream in, Socket socket, long end) throws IOException {
		long left = end - System.nanoTime();
		if (left <= 0) {
			throw new SocketTimeoutException("deadline");
		}
		socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
		return in.read();
	}

}
