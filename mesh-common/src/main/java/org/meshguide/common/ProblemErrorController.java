package org.meshguide.common;

import java.net.URI;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error page ({@code /error}) as an RFC 9457 problem, in place of Spring Boot's own JSON: what the servlet
 * container refuses itself (a TRACE, a request its filters reject) is answered in the same format as what the
 * application refuses. Renders nothing of the failure but its status and path.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
public class ProblemErrorController implements ErrorController {

	private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

	private final String servedBy;

	public ProblemErrorController(String servedBy) {
		this.servedBy = servedBy;
	}

	@RequestMapping
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		String path = (uri != null) ? uri.toString() : request.getRequestURI();
		// the container forwards to the error page as a GET: the request's own method is not known here
		String detail = (status == HttpStatus.METHOD_NOT_ALLOWED) ? "the method is not allowed on " + path
				: "the HTTP server refused the request to " + path + " before the application saw it";
		log.info("Answered {} from the error page: {}", status.value(), detail);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setInstance(instance(path));
		problem.setProperty("servedBy", this.servedBy);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	/** The refused request's path as the problem's instance (not /error), or "/" if it is no valid URI. */
	private static URI instance(String path) {
		try {
			return URI.create(path.startsWith("/") ? path : "/");
		}
		catch (IllegalArgumentException ex) {
			return URI.create("/");
		}
	}

}
