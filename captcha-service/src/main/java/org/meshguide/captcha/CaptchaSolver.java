package org.meshguide.captcha;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Upload in, answer out. Recognition runs under a semaphore: that, not Tomcat's 200 threads, bounds how many
 * decoded images are in memory at once. It is observed as its own span ({@code captcha.recognition}), so a
 * trace shows how much of a request was the model.
 */
@Service
class CaptchaSolver {

	private final CaptchaModel model;

	private final CaptchaReader reader;

	private final Profiles profiles;

	private final CaptchaProperties properties;

	private final ObservationRegistry observations;

	private final Semaphore slots;

	CaptchaSolver(CaptchaModel model, CaptchaReader reader, Profiles profiles, CaptchaProperties properties,
			ObservationRegistry observations) {
		this.model = model;
		this.reader = reader;
		this.profiles = profiles;
		this.properties = properties;
		this.observations = observations;
		this.slots = new Semaphore(properties.maxConcurrent(), true);
	}

	Answer solve(String profileName, MultipartFile upload) {
		long start = System.nanoTime();
		Profiles.Profile profile = this.profiles.get(profileName);
		if (upload.isEmpty()) {
			throw CaptchaException.empty();
		}
		acquireSlot();
		try {
			CaptchaReader.Recognition recognition = recognise(upload, profile);
			Long result = profile.settings().arithmetic() ? compute(recognition) : null;
			if (!profile.pattern().matcher(recognition.text()).matches()) {
				throw CaptchaException.unanswerable(recognition,
						"profile " + profileName + " expects " + profile.pattern().pattern());
			}
			return new Answer(profileName, recognition.text(), result, recognition.confidence(), recognition.views(),
					this.model.version(), (System.nanoTime() - start) / 1e6);
		}
		finally {
			this.slots.release();
		}
	}

	private CaptchaReader.Recognition recognise(MultipartFile upload, Profiles.Profile profile) {
		Observation observation = Observation.createNotStarted("captcha.recognition", this.observations)
			.lowCardinalityKeyValue("captcha.profile", profile.name());
		return observation.observe(() -> {
			CaptchaReader.Recognition recognition = this.reader.read(ImageDecoder.decode(read(upload), this.properties),
					profile);
			// in the span, so a trace shows which requests took the second look and its time
			observation.lowCardinalityKeyValue("captcha.views", String.valueOf(recognition.views()));
			return recognition;
		});
	}

	private static Long compute(CaptchaReader.Recognition recognition) {
		try {
			return Arithmetic.evaluate(recognition.text());
		}
		catch (IllegalArgumentException ex) {
			throw CaptchaException.unanswerable(recognition, ex.getMessage());
		}
	}

	private static byte[] read(MultipartFile upload) {
		try {
			return upload.getBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the upload could not be read back", ex);
		}
	}

	private void acquireSlot() {
		try {
			if (!this.slots.tryAcquire(this.properties.queueTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				throw CaptchaException.busy(this.properties.queueTimeout().toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw CaptchaException.busy(this.properties.queueTimeout().toMillis());
		}
	}

}
