package org.meshguide.captcha;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/**
 * What captcha-service accepts and how hard it may work. Together the limits bound the heap: at most
 * {@code maxConcurrent} images are decoded at once, each at most {@code maxPixels} × 4 bytes.
 *
 * @param model the ONNX model (metadata carries its version and vocabulary); several, separated by commas, make
 * an ensemble whose members' readings vote (each costs one more inference per image)
 * @param maxImageSize largest upload: application.yml makes it Spring's multipart limit, so a bigger part is
 * refused (413) while it streams in, before it is stored anywhere
 * @param maxWidth widest image accepted, read from the image header before any pixel is decoded
 * @param maxHeight tallest image accepted, likewise
 * @param maxPixels largest width × height accepted, likewise
 * @param maxConcurrent images decoded and recognised at once; the rest wait
 * @param queueTimeout how long a request waits for its turn before a 503
 * @param inferenceThreads ONNX Runtime intra-op threads per recognition; 1 gives the best throughput on a
 * small CPU limit (requests already run in parallel)
 * @param beamWidth how many candidate readings the decoder keeps per image column
 * @param secondLookBelow when the first reading's probability is below this, the model also reads the image in
 * the {@link CaptchaReader#secondLook second look}'s views and the most probable text over all of them wins; 0
 * never takes the second look, 1 always does
 * @param secondLookLocalInk whether the second look of a model trained on the whole image's background also
 * measures ink against the colour around each pixel, in three more views: it reads captchas on gradients and
 * colourful noise, three more images in the unsure image's batch; false leaves the four views the service took
 * before them (captcha-trainer/docs/experiments.md, "第二眼")
 * @param profiles what each {@code /anticaptcha/{profile}} path means
 */
@ConfigurationProperties("captcha")
public record CaptchaProperties(@DefaultValue("classpath:model/captcha.onnx") List<Resource> model,
		@DefaultValue("1MB") DataSize maxImageSize, @DefaultValue("2000") int maxWidth,
		@DefaultValue("2000") int maxHeight, @DefaultValue("2000000") long maxPixels,
		@DefaultValue("2") int maxConcurrent, @DefaultValue("5s") Duration queueTimeout,
		@DefaultValue("1") int inferenceThreads, @DefaultValue("16") int beamWidth,
		@DefaultValue("0.9") double secondLookBelow, @DefaultValue("true") boolean secondLookLocalInk,
		Map<String, Profile> profiles) {

	public CaptchaProperties {
		if (model.isEmpty()) {
			throw new IllegalArgumentException("captcha.model names no model file");
		}
		if (secondLookBelow < 0 || secondLookBelow > 1) {
			throw new IllegalArgumentException("captcha.second-look-below is a probability, 0 to 1: " + secondLookBelow);
		}
	}

	/**
	 * @param aliasOf another profile this one is a second name for (the seed's {@code yk122} is {@code math})
	 * @param alphabet the only characters the answer may contain: the model's other outputs are ignored
	 * @param pattern the shape of an answer; the decoder searches only among texts that have it
	 * @param arithmetic whether the text is an expression to compute
	 */
	public record Profile(String aliasOf, String alphabet, String pattern, @DefaultValue("false") boolean arithmetic) {
	}

}
