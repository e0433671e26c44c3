package org.meshguide.captcha.testkit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One image as a multipart/form-data request body, byte for byte what
 * {@code curl -F "img=@captcha.png;type=image/png"} sends. The benchmark and the tests at every layer (the
 * service, gateway → service, the mesh's ingress) upload captchas with it, so they all send the same thing.
 *
 * @param field the form field (captcha-service reads {@code img})
 * @param filename the file name curl would send
 * @param contentType the part's media type
 * @param content the file's bytes
 */
public record ImageUpload(String field, String filename, String contentType, byte[] content) {

	/** A PNG in the field captcha-service reads. */
	public static ImageUpload png(byte[] content) {
		return new ImageUpload("img", "captcha.png", "image/png", content);
	}

	/** A POST of this upload to {@code uri}, to which the caller may add headers and a timeout. */
	public HttpRequest.Builder post(URI uri) {
		String boundary = "----meshguide" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + this.field
				+ "\"; filename=\"" + this.filename + "\"\r\nContent-Type: " + this.contentType + "\r\n\r\n")
			.getBytes(StandardCharsets.UTF_8));
		body.writeBytes(this.content);
		body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return HttpRequest.newBuilder(uri)
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
	}

}
