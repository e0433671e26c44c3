package org.meshguide.common.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A 500 problem for what no other handler knows, logged with its stack trace. Last in line on purpose: a
 * catch-all for {@link RuntimeException} ahead of Spring's problem-details handler would turn the client errors
 * it maps (an unreadable JSON body is a {@code HttpMessageNotReadableException}, a 400) into 500s.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class UnexpectedProblemHandler {

	private static final Logger log = LoggerFactory.getLogger(UnexpectedProblemHandler.class);

	private final String servedBy;

	public UnexpectedProblemHandler(String servedBy) {
		this.servedBy = servedBy;
	}

	@ExceptionHandler(RuntimeException.class)
	ProblemDetail unexpected(RuntimeException ex) {
		log.error("Unexpected failure", ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"unexpected " + ex.getClass().getSimpleName() + "; see the log of " + this.servedBy);
		problem.setProperty("servedBy", this.servedBy);
		return problem;
	}

}
