package org.meshguide.common.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.util.StreamUtils;

/**
 * {@link SimpleClientHttpRequestFactory}'s connections ({@link HttpURLConnection}) with the connection set up
 * in a step of its own. HttpURLConnection throws the same {@link SocketTimeoutException} when no connection
 * was made within the connect timeout and when no answer came within the read timeout; the caller answers the
 * two differently, so a timeout while connecting is rethrown as a {@link ConnectTimeoutException}.
 * <p>
 * Requests are sent as SimpleClientHttpRequestFactory sends them: the body streamed, with its length when it is
 * known, chunked otherwise.
 */
final class ConnectPhaseRequestFactory extends SimpleClientHttpRequestFactory {

	private static final int CHUNK_SIZE = 4096;

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		HttpURLConnection connection = openConnection(uri.toURL(), null);
		prepareConnection(connection, httpMethod.name());
		return new Request(connection);
	}

	/** No TCP connection to the upstream (or to the JVM's HTTP proxy) within the connect timeout. */
	static final class ConnectTimeoutException extends SocketTimeoutException {

		ConnectTimeoutException(URI uri, SocketTimeoutException cause) {
			super("no connection for " + uri + ": " + cause.getMessage());
			initCause(cause);
		}

	}

	private static final class Request extends AbstractStreamingClientHttpRequest {

		private final HttpURLConnection connection;

		Request(HttpURLConnection connection) {
			this.connection = connection;
		}

		@Override
		public HttpMethod getMethod() {
			return HttpMethod.valueOf(this.connection.getRequestMethod());
		}

		@Override
		public URI getURI() {
			try {
				return this.connection.getURL().toURI();
			}
			catch (URISyntaxException ex) {
				throw new IllegalStateException("not a URI: " + this.connection.getURL(), ex);
			}
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers, @Nullable Body body) throws IOException {
			if (this.connection.getDoOutput()) {
				long contentLength = headers.getContentLength();
				if (contentLength >= 0) {
					this.connection.setFixedLengthStreamingMode(contentLength);
				}
				else {
					this.connection.setChunkedStreamingMode(CHUNK_SIZE);
				}
			}
			headers.forEach((name, values) -> values.forEach((value) -> this.connection.addRequestProperty(name, value)));
			try {
				this.connection.connect();
			}
			catch (SocketTimeoutException ex) {
				throw new ConnectTimeoutException(getURI(), ex);
			}
			if (this.connection.getDoOutput() && body != null) {
				try (OutputStream out = this.connection.getOutputStream()) {
					body.writeTo(out);
				}
			}
			else {
				this.connection.getResponseCode();
			}
			return new Response(this.connection);
		}

	}

	private static final class Response implements ClientHttpResponse {

		private final HttpURLConnection connection;

		private @Nullable HttpHeaders headers;

		private @Nullable InputStream body;

		Response(HttpURLConnection connection) {
			this.connection = connection;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return HttpStatusCode.valueOf(this.connection.getResponseCode());
		}

		@Override
		public String getStatusText() throws IOException {
			String message = this.connection.getResponseMessage();
			return (message != null) ? message : "";
		}

		@Override
		public HttpHeaders getHeaders() {
			if (this.headers == null) {
				HttpHeaders read = new HttpHeaders();
				// field 0 is the status line, which has no name
				for (int i = 1; this.connection.getHeaderFieldKey(i) != null; i++) {
					read.add(this.connection.getHeaderFieldKey(i), this.connection.getHeaderField(i));
				}
				this.headers = read;
			}
			return this.headers;
		}

		@Override
		public InputStream getBody() throws IOException {
			if (this.body == null) {
				if (this.connection.getResponseCode() >= 400) {
					// an error without a body has no error stream; getInputStream would throw for the status
					InputStream error = this.connection.getErrorStream();
					this.body = (error != null) ? error : InputStream.nullInputStream();
				}
				else {
					this.body = this.connection.getInputStream();
				}
			}
			return this.body;
		}

		/** Reads what is left of the body, so that HttpURLConnection can keep the connection alive for the next call. */
		@Override
		public void close() {
			try (InputStream remaining = getBody()) {
				StreamUtils.drain(remaining);
			}
			catch (IOException ex) {
				// the connection is not reused; nothing else depends on it
			}
		}

	}

}
