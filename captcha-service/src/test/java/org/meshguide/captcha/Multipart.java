package org.meshguide.captcha;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.meshguide.captcha.testkit.ImageUpload;

/**
 * multipart/form-data uploads as curl -F sends them, over real HTTP.
 */
final class Multipart {

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private Multipart() {
	}

	static HttpResponse<String> post(URI uri, String field, String contentType, byte[] content) {
		return send(new ImageUpload(field, "captcha", contentType, content).post(uri).build());
	}

	static HttpResponse<String> send(HttpRequest request) {
		try {
			return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new AssertionError("request to " + request.uri() + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
