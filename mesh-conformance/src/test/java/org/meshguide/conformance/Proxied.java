package org.meshguide.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request through a sidecar's outbound listener used as an HTTP proxy ("as business-v2 calls
 * data-service": proxy 127.0.11.3:8080), over a raw socket so the test picks the local source address the
 * sidecar sees (java.net.http cannot bind one on Java 17). One connection per request, closed afterwards.
 */
final class Proxied {

	/** business-v2's outbound listener: the caller of data-service in the application. */
	static final InetSocketAddress BUSINESS_V2_OUTBOUND = new InetSocketAddress("127.0.11.3", 8080);

	/** The default source address of a test client. */
	static final String LOOPBACK = "127.0.0.1";

	private Proxied() {
	}

	record Response(int status, Map<String, String> headers, String body) {

		/** The data-service instance that answered (its x-served-by header), or "" if none. */
		String servedBy() {
			return this.headers.getOrDefault("x-served-by", "");
		}

	}

	static Response get(String sourceAddress, InetSocketAddress proxy, String url, Map<String, String> headers) {
		String host = java.net.URI.create(url).getAuthority();
		StringBuilder request = new StringBuilder("GET ").append(url)
			.append(" HTTP/1.1\r\nHost: ")
			.append(host)
			.append("\r\nConnection: close\r\n");
		headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		request.append("\r\n");
		try (Socket socket = new Socket()) {
			socket.setSoTimeout(30_000);
			socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
			socket.connect(proxy, 2000);
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return parse(socket.getInputStream());
		}
		catch (IOException ex) {
			throw new AssertionError("GET " + url + " via " + proxy + " from " + sourceAddress + " failed: " + ex, ex);
		}
	}

	static Response get(String url, Map<String, String> headers) {
		return get(LOOPBACK, BUSINESS_V2_OUTBOUND, url, headers);
	}

	/**
	 * Reads one response by its framing (Content-Length or chunked), not until EOF: after a response it
	 * generated itself (403, 502, 503) Envoy waits up to delayed_close_timeout (1 s) for the client to close.
	 */
	private static Response parse(InputStream raw) throws IOException {
		java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw);
		String statusLine = readLine(in);
		if (statusLine == null) {
			throw new IOException("connection closed before a response");
		}
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
					(a, b) -> a + ", " + b);
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		if (headers.containsKey("content-length")) {
			body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
		}
		else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
			for (int size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16); size > 0;
					size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16)) {
				body.write(in.readNBytes(size));
				readLine(in);
			}
		}
		else {
			in.transferTo(body);
		}
		return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int c;
		while ((c = in.read()) != -1) {
			if (c == '\n') {
				String text = line.toString(StandardCharsets.US_ASCII);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(c);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.US_ASCII) : null;
	}

}
