package org.meshguide.captcha.trainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.meshguide.captcha.testkit.ImageUpload;
import org.meshguide.captcha.testkit.gen.Sample;

/**
 * Uploads captchas to a running captcha-service as PNG, one request at a time, the way a client of the service
 * does, and reads the fields of its answer that the benchmark and the pseudo-labeller need.
 */
final class CaptchaClient {

	private static final Pattern TEXT = Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern CONFIDENCE = Pattern.compile("\"confidence\":([0-9.Ee-]+)");

	private static final Pattern ELAPSED = Pattern.compile("\"elapsedMs\":([0-9.]+)");

	private static final Pattern VIEWS = Pattern.compile("\"views\":([0-9]+)");

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String url;

	CaptchaClient(String url) {
		this.url = url;
	}

	/**
	 * @param status the HTTP status
	 * @param text what the service read, or "HTTP status" when its answer has no text
	 * @param confidence the answer's confidence, 0 when it has none
	 * @param views how many views the service read (more than one: it took its second look), 0 when not said
	 * @param elapsedMs the time the service says it spent, negative when not said
	 */
	record Reply(int status, String text, double confidence, int views, double elapsedMs) {

		/**
		 * Whether the service read a text: 200, or 422, how it answers a division by zero it read (the reading
		 * is then in the problem body).
		 */
		boolean answered() {
			return this.status == 200 || this.status == 422;
		}

	}

	/** The service profile that reads a generator's captchas: {@code math} for arithmetic ones, else {@code text}. */
	static String profile(String generator) {
		return generator.contains("-math") ? "math" : "text";
	}

	Reply read(String profile, Sample sample) {
		return read(profile, png(sample));
	}

	Reply read(String profile, byte[] png) {
		HttpRequest request = ImageUpload.png(png)
			.post(URI.create(this.url + "/anticaptcha/" + profile))
			.timeout(Duration.ofSeconds(30))
			.build();
		HttpResponse<String> response;
		try {
			response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return parse(response.statusCode(), response.body());
	}

	private static Reply parse(int status, String body) {
		Matcher text = TEXT.matcher(body);
		Matcher confidence = CONFIDENCE.matcher(body);
		Matcher views = VIEWS.matcher(body);
		Matcher elapsed = ELAPSED.matcher(body);
		return new Reply(status, text.find() ? text.group(1) : "HTTP " + status,
				confidence.find() ? Double.parseDouble(confidence.group(1)) : 0,
				views.find() ? Integer.parseInt(views.group(1)) : 0,
				elapsed.find() ? Double.parseDouble(elapsed.group(1)) : -1);
	}

	static byte[] png(Sample sample) {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		try {
			ImageIO.write(sample.image(), "png", png);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return png.toByteArray();
	}

}
