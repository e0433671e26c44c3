package org.meshguide.captcha;

import java.net.URI;
import java.util.Collection;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request captcha-service will not answer, with the status and RFC 9457 body it answers instead
 * (mesh-common's problem handler passes both on).
 */
final class CaptchaException extends ErrorResponseException {

	private CaptchaException(HttpStatus status, String type, String detail) {
		super(status, problem(status, type, detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:mesh-guide:problem:captcha:" + type));
		return problem;
	}

	static CaptchaException empty() {
		return new CaptchaException(HttpStatus.BAD_REQUEST, "empty", "the img part is empty");
	}

	static CaptchaException notAnImage(String detail) {
		return new CaptchaException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "not-an-image",
				detail + "; send a PNG, JPEG, GIF or BMP image in the multipart field img");
	}

	static CaptchaException undecodable(String detail) {
		return new CaptchaException(HttpStatus.BAD_REQUEST, "undecodable", "the image cannot be decoded: " + detail);
	}

	static CaptchaException dimensions(int width, int height, CaptchaProperties limits) {
		return new CaptchaException(HttpStatus.BAD_REQUEST, "dimensions",
				"the image is " + width + "×" + height + "; accepted: at most " + limits.maxWidth() + "×"
						+ limits.maxHeight() + " and " + limits.maxPixels() + " pixels");
	}

	static CaptchaException unknownProfile(String profile, Collection<String> known) {
		CaptchaException ex = new CaptchaException(HttpStatus.NOT_FOUND, "unknown-profile",
				"no profile '" + profile + "'; known profiles: " + String.join(", ", known));
		ex.getBody().setProperty("profiles", known);
		return ex;
	}

	/**
	 * Carries the reading as a 200 would (text, confidence, views): a client can tell a division by zero read
	 * with confidence from a reading no look could make sense of, and a benchmark counts its second looks.
	 */
	static CaptchaException unanswerable(CaptchaReader.Recognition recognition, String why) {
		CaptchaException ex = new CaptchaException(HttpStatus.UNPROCESSABLE_CONTENT, "unanswerable",
				"recognised '" + recognition.text() + "' but " + why);
		ex.getBody().setProperty("text", recognition.text());
		ex.getBody().setProperty("confidence", recognition.confidence());
		ex.getBody().setProperty("views", recognition.views());
		return ex;
	}

	static CaptchaException busy(long waitedMillis) {
		return new CaptchaException(HttpStatus.SERVICE_UNAVAILABLE, "busy",
				"no recognition slot free within " + waitedMillis + " ms; retry later");
	}

}
