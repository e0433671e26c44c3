package org.meshguide.common.upstream;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * An upstream call that did not give a usable answer. {@link #status()} is what this app answers with:
 * the upstream's own 5xx (so an injected 503 stays a 503 at the edge), 502 for a refusal, a 4xx or an
 * unknown host, 504 for a timeout.
 */
public final class UpstreamException extends RuntimeException {

	private static final int MAX_BODY_CHARS = 200;

	private final String upstream;

	private final URI url;

	private final HttpStatusCode status;

	private final Integer upstreamStatus;

	private final String upstreamBody;

	private UpstreamException(String upstream, URI url, HttpStatusCode status, Integer upstreamStatus,
			String upstreamBody, String detail, Throwable cause) {
		super(detail, cause);
		this.upstream = upstream;
		this.url = url;
		this.status = status;
		this.upstreamStatus = upstreamStatus;
		this.upstreamBody = upstreamBody;
	}

	static UpstreamException answered(String upstream, URI url, int upstreamStatus, String body) {
		HttpStatusCode status = (upstreamStatus >= 500) ? HttpStatusCode.valueOf(upstreamStatus) : HttpStatus.BAD_GATEWAY;
		String trimmed = (body.length() > MAX_BODY_CHARS) ? body.substring(0, MAX_BODY_CHARS) + "…" : body;
		return new UpstreamException(upstream, url, status, upstreamStatus, trimmed,
				upstream + " answered " + upstreamStatus, null);
	}

	static UpstreamException unreachable(String upstream, URI url, HttpStatus status, String what, Throwable cause) {
		return new UpstreamException(upstream, url, status, null, null, upstream + " unreachable: " + what, cause);
	}

	public String upstream() {
		return this.upstream;
	}

	public URI url() {
		return this.url;
	}

	public HttpStatusCode status() {
		return this.status;
	}

	/** The status the upstream answered with, or {@code null} when it gave no answer. */
	public Integer upstreamStatus() {
		return this.upstreamStatus;
	}

	/** The start of the upstream's error body (Envoy says "fault filter abort" there), or {@code null}. */
	public String upstreamBody() {
		return this.upstreamBody;
	}

}
