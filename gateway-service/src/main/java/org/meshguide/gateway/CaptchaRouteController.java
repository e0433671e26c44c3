package org.meshguide.gateway;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import org.meshguide.common.upstream.UpstreamClient;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /anticaptcha/**} to captcha-service, body streamed through: multipart parsing is off in the
 * gateway, so the upload goes from the client's connection to captcha-service's without being stored. The
 * length must be declared (curl and browsers do) and within {@code gateway.captcha-max-request-size}; both
 * are checked before the body is read.
 */
@RestController
class CaptchaRouteController {

	private final UpstreamClient captcha;

	private final long maxRequestSize;

	CaptchaRouteController(@Qualifier("captcha") UpstreamClient captcha, GatewayProperties properties) {
		this.captcha = captcha;
		this.maxRequestSize = properties.captchaMaxRequestSize().toBytes();
	}

	@PostMapping("/anticaptcha/**")
	ResponseEntity<byte[]> forward(HttpServletRequest request) throws IOException {
		long length = request.getContentLengthLong();
		if (length < 0) {
			throw refused(HttpStatus.LENGTH_REQUIRED, "uploads to /anticaptcha must declare their Content-Length");
		}
		if (length > this.maxRequestSize) {
			throw refused(HttpStatus.CONTENT_TOO_LARGE,
					"the upload has " + length + " bytes; the gateway forwards at most " + this.maxRequestSize);
		}
		if (request.getContentType() == null) {
			throw refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "uploads to /anticaptcha must be multipart/form-data");
		}
		String path = request.getRequestURI() + ((request.getQueryString() != null) ? "?" + request.getQueryString() : "");
		return this.captcha.forward(path, request.getContentType(), length, request.getInputStream());
	}

	private static ErrorResponseException refused(HttpStatus status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:mesh-guide:problem:captcha-route"));
		return new ErrorResponseException(status, problem, null);
	}

}
