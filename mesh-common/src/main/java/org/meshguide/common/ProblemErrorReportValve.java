package org.meshguide.common;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.http.ResponseUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;

/**
 * Answers with an RFC 9457 problem body where Tomcat rejects a request before Spring sees it (a header
 * over {@code server.max-http-request-header-size}, a malformed request line), instead of Tomcat's HTML page.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	private static final Logger log = LoggerFactory.getLogger(ProblemErrorReportValve.class);

	private final String servedBy;

	public ProblemErrorReportValve(String servedBy) {
		this.servedBy = servedBy;
	}

	/**
	 * Replaces the host's error report valve once the context is attached to its host (the host adds its
	 * valve when it starts, just before it starts its contexts).
	 */
	static void install(Context context, String servedBy) {
		context.addLifecycleListener(event -> {
			if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && context.getParent() instanceof Host host) {
				for (Valve valve : host.getPipeline().getValves()) {
					if (valve instanceof ErrorReportValve && !(valve instanceof ProblemErrorReportValve)) {
						host.getPipeline().removeValve(valve);
					}
				}
				host.getPipeline().addValve(new ProblemErrorReportValve(servedBy));
			}
		});
	}

	/** Why the server refuses a request with this status before the application sees it. */
	static String reason(int status) {
		return switch (status) {
			case 408 -> "the request did not arrive in time";
			case 413 -> "the request is larger than the server accepts";
			case 414, 431 -> "the request line or headers are larger than the server accepts";
			case 501 -> "a method or transfer coding the server does not implement";
			case 505 -> "an HTTP version the server does not support";
			default -> "malformed request, or request headers larger than the server accepts";
		};
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		HttpStatus httpStatus = HttpStatus.resolve(status);
		String title = (httpStatus != null) ? httpStatus.getReasonPhrase() : "Error";
		log.warn("Request rejected by the HTTP server before reaching the application: {} {}", status, title);
		String body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
				+ ",\"detail\":\"rejected by the HTTP server before reaching the application (" + reason(status)
				+ ")\",\"servedBy\":\"" + this.servedBy + "\"}";
		try {
			response.setHeader(ServedByFilter.HEADER, this.servedBy);
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			ResponseUtil.addVaryFieldName(response, "accept");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			log.debug("Could not write the problem body: {}", ex.getMessage());
		}
	}

}
