package org.meshguide.captcha;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * @param profile the profile asked for
 * @param text what the model read, in the vocabulary's spelling ({@code ×} stays {@code ×})
 * @param result the computed answer, for arithmetic profiles only
 * @param confidence probability of the reading under the model, 0–1 (averaged over the views read)
 * @param views how many views of the image the model read: 1, or 5 when the first reading was unsure and it took
 * a second look ({@link CaptchaReader})
 * @param modelVersion the model's version from its metadata
 * @param elapsedMs time spent decoding, preprocessing, recognising and computing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Answer(String profile, String text, Long result, double confidence, int views, String modelVersion,
		double elapsedMs) {
}
