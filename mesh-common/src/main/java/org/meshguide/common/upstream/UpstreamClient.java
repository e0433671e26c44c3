package org.meshguide.common.upstream;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.SimpleClientHttpRequestFactoryBuilder;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * A named HTTP upstream. Every failure becomes an {@link UpstreamException} that says which upstream failed
 * and how, so the caller answers with a status that tells a timeout from a refusal from an upstream error.
 */
public final class UpstreamClient {

	private final String name;

	private final Upstream upstream;

	private final RestClient restClient;

	/**
	 * @param builder the auto-configured builder: it carries the observation customizer, which is what makes
	 * outgoing calls child spans and writes the B3 and baggage headers
	 * @param requestFactories the auto-configured factory builder, i.e. the HTTP client named by
	 * {@code spring.http.clients.imperative.factory}, built here with this upstream's own timeouts
	 */
	public UpstreamClient(String name, Upstream upstream, RestClient.Builder builder,
			ClientHttpRequestFactoryBuilder<?> requestFactories) {
		this.name = name;
		this.upstream = upstream;
		ClientHttpRequestFactory requestFactory = requestFactory(upstream, requestFactories);
		this.restClient = builder.clone().baseUrl(upstream.url().toString()).requestFactory(requestFactory).build();
	}

	/**
	 * HttpURLConnection (the default, {@code simple}) through {@link ConnectPhaseRequestFactory}, which tells a
	 * connect timeout from a read timeout; the JDK client and HttpClient 5 throw exception types of their own
	 * for the two, so they are built as Spring Boot configures them.
	 */
	private static ClientHttpRequestFactory requestFactory(Upstream upstream,
			ClientHttpRequestFactoryBuilder<?> requestFactories) {
		if (requestFactories instanceof SimpleClientHttpRequestFactoryBuilder) {
			ConnectPhaseRequestFactory requestFactory = new ConnectPhaseRequestFactory();
			requestFactory.setConnectTimeout(upstream.connectTimeout());
			requestFactory.setReadTimeout(upstream.readTimeout());
			return requestFactory;
		}
		return requestFactories
			.build(HttpClientSettings.defaults().withTimeouts(upstream.connectTimeout(), upstream.readTimeout()));
	}

	public String name() {
		return this.name;
	}

	public String get(String path) {
		try {
			String body = this.restClient.get().uri(path).retrieve().body(String.class);
			return (body != null) ? body : "";
		}
		catch (RestClientResponseException ex) {
			throw UpstreamException.answered(this.name, this.upstream.url().resolve(path), ex.getStatusCode().value(),
					ex.getResponseBodyAsString());
		}
		catch (ResourceAccessException ex) {
			throw unreachable(path, ex);
		}
	}

	/**
	 * POSTs a request body to the upstream as it arrives, without holding it in memory: with the length known
	 * up front the connection streams it in fixed-length mode. The upstream's own answers, 4xx included, are
	 * passed back as they are (a client error belongs to the client); a 5xx or no answer at all is an
	 * {@link UpstreamException}, as for {@link #get}.
	 * @param contentType the request's content type, parameters (a multipart boundary) included
	 * @param contentLength the exact length of {@code body}
	 */
	public ResponseEntity<byte[]> forward(String path, String contentType, long contentLength, InputStream body) {
		try {
			return this.restClient.post()
				.uri(path)
				// verbatim: a re-serialised multipart boundary must still be the one the body uses
				.header(HttpHeaders.CONTENT_TYPE, contentType)
				.contentLength(contentLength)
				.body(body::transferTo)
				.exchange((request, response) -> {
					byte[] answer = response.getBody().readAllBytes();
					int status = response.getStatusCode().value();
					if (status >= 500) {
						throw UpstreamException.answered(this.name, this.upstream.url().resolve(path), status,
								new String(answer, StandardCharsets.UTF_8));
					}
					ResponseEntity.BodyBuilder builder = ResponseEntity.status(status);
					if (response.getHeaders().getContentType() != null) {
						builder.contentType(response.getHeaders().getContentType());
					}
					return builder.body(answer);
				});
		}
		catch (ResourceAccessException ex) {
			throw unreachable(path, ex);
		}
	}

	private UpstreamException unreachable(String path, ResourceAccessException ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		HttpStatus status = HttpStatus.BAD_GATEWAY;
		String what;
		if (cause instanceof ConnectPhaseRequestFactory.ConnectTimeoutException
				|| cause instanceof HttpConnectTimeoutException
				|| cause instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
			status = HttpStatus.GATEWAY_TIMEOUT;
			what = "no connection within " + this.upstream.connectTimeout().toMillis() + " ms";
		}
		else if (cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException) {
			status = HttpStatus.GATEWAY_TIMEOUT;
			what = "no response within " + this.upstream.readTimeout().toMillis() + " ms";
		}
		else if (cause instanceof ConnectException) {
			what = "connection refused";
		}
		else if (cause instanceof UnknownHostException) {
			what = "unknown host " + cause.getMessage();
		}
		else {
			what = cause.getClass().getSimpleName() + ": " + cause.getMessage();
		}
		return UpstreamException.unreachable(this.name, this.upstream.url().resolve(path), status, what, ex);
	}

}
