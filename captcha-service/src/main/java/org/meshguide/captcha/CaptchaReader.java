package org.meshguide.captcha;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Preprocessing.Polarity;
import org.meshguide.captcha.core.Preprocessing.View;

import org.springframework.stereotype.Component;

/**
 * Reads a decoded image as a profile's text. The model first reads the image as training showed it. When that
 * reading is unsure (its probability under {@code captcha.second-look-below}), the model reads the image again
 * in the {@link #SECOND_LOOK} views, all in one batch, and the text with the most probability summed over every
 * view wins. The views undo what most often misleads it on captchas from libraries it never saw: the median
 * pixel misjudging the polarity (a dense dark grid behind dark text), and text that fills the frame more
 * tightly than training's did. On the libraries it trained on about seven first readings in ten are sure and
 * cost one inference; on libraries it never saw most are not (docs/13-captcha-service.md, "第二眼").
 */
@Component
class CaptchaReader {

	/** Chosen by measurement, one view at a time, on captchas the benchmark does not use (docs 13.3). */
	static final List<View> SECOND_LOOK = List.of(new View(Polarity.REVERSED, 0, 0),
			new View(Polarity.JUDGED, 0.05, 0.12), new View(Polarity.JUDGED, 0, 0.2), new View(Polarity.JUDGED, 0.04, 0));

	/**
	 * @param text the text read
	 * @param confidence its probability, averaged over the views read
	 * @param views how many views were read: 1, or 1 + {@link #SECOND_LOOK}'s
	 */
	record Recognition(String text, double confidence, int views) {
	}

	private final CaptchaModel model;

	private final CaptchaProperties properties;

	CaptchaReader(CaptchaModel model, CaptchaProperties properties) {
		this.model = model;
		this.properties = properties;
	}

	Recognition read(BufferedImage image, Profiles.Profile profile) {
		CtcDecoder.Reading first = decode(this.model.logits(Preprocessing.ink(image)), profile);
		if (first.confidence() >= this.properties.secondLookBelow()) {
			return new Recognition(first.text(), first.confidence(), 1);
		}
		float[][][] logits = this.model.logits(SECOND_LOOK.stream().map((view) -> Preprocessing.ink(image, view)).toList());
		Map<String, Double> votes = new LinkedHashMap<>();
		votes.put(first.text(), first.confidence());
		for (float[][] view : logits) {
			CtcDecoder.Reading reading = decode(view, profile);
			votes.merge(reading.text(), reading.confidence(), Double::sum);
		}
		// the first reading wins ties: when no view finds a text of the profile's shape, every vote is 0
		String best = first.text();
		for (Map.Entry<String, Double> vote : votes.entrySet()) {
			if (vote.getValue() > votes.get(best)) {
				best = vote.getKey();
			}
		}
		int views = 1 + SECOND_LOOK.size();
		return new Recognition(best, votes.get(best) / views, views);
	}

	private CtcDecoder.Reading decode(float[][] logits, Profiles.Profile profile) {
		return CtcDecoder.decode(logits, profile.allowed(), profile.pattern(), this.properties.beamWidth());
	}

}
