package org.meshguide.common.upstream;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;

/**
 * Turns upstream failures into RFC 9457 problem bodies. Unchecked exceptions that carry their own status
 * ({@link ErrorResponseException}, an upload over the multipart limit) keep it. Framework exceptions (400 for an
 * unreadable body, 404, 405, 406, 415...) are left to Spring's own problem-details handler, and what nobody
 * handles to {@link UnexpectedProblemHandler}, last in line.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class UpstreamProblemHandler {

	private static final Logger log = LoggerFactory.getLogger(UpstreamProblemHandler.class);

	private final String servedBy;

	public UpstreamProblemHandler(String servedBy) {
		this.servedBy = servedBy;
	}

	@ExceptionHandler(UpstreamException.class)
	ProblemDetail upstreamFailed(UpstreamException ex) {
		log.warn("Upstream call failed: {} ({})", ex.getMessage(), ex.url());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
		problem.setType(URI.create("urn:mesh-guide:problem:upstream"));
		problem.setTitle("Upstream " + ex.upstream() + " failed");
		problem.setProperty("upstream", ex.upstream());
		problem.setProperty("upstreamUrl", ex.url().toString());
		if (ex.upstreamStatus() != null) {
			problem.setProperty("upstreamStatus", ex.upstreamStatus());
			problem.setProperty("upstreamBody", ex.upstreamBody());
		}
		problem.setProperty("servedBy", this.servedBy);
		return problem;
	}

	@ExceptionHandler({ ErrorResponseException.class, MaxUploadSizeExceededException.class })
	ProblemDetail ownStatus(RuntimeException ex) {
		ProblemDetail problem = ((ErrorResponse) ex).getBody();
		log.info("Request refused: {} {}", problem.getStatus(), problem.getDetail());
		problem.setProperty("servedBy", this.servedBy);
		return problem;
	}

	@ExceptionHandler(MultipartException.class)
	ProblemDetail malformedMultipart(MultipartException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"the multipart body cannot be parsed");
		problem.setProperty("servedBy", this.servedBy);
		return problem;
	}

}
