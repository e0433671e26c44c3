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
 * Reads a decoded image as a profile's text. The model first reads the image as training showed it (stretched, or
 * padded to its own aspect ratio, ink measured as it learnt: {@link CaptchaModel#input()}). When that reading is
 * unsure (its probability under {@code captcha.second-look-below}), the model reads the image again in the
 * {@link #SECOND_LOOK} views that show it something new, on top of its fit, all in one batch, and the text with the
 * most probability summed over every view wins. The views undo what most often misleads it on captchas from
 * libraries it never saw: the median pixel misjudging the polarity (a dense dark grid behind dark text), and text
 * that fills the frame more tightly than training's did. On the libraries it trained on about seven first readings
 * in ten are sure and cost one inference; on libraries it never saw most are not (docs/13-captcha-service.md,
 * "第二眼"). An ensemble ({@link CaptchaModel} with several members) reads each view with every member, and every
 * reading votes: models trained apart misread different images, so the vote is sometimes right where a member is
 * not (how often: docs/13-captcha-service.md, "训练之间的波动与集成").
 */
@Component
class CaptchaReader {

	/** Chosen by measurement, one view at a time, on captchas the benchmark does not use (docs 13.3). */
	static final List<View> SECOND_LOOK = List.of(new View(Polarity.REVERSED, 0, 0),
			new View(Polarity.JUDGED, 0.05, 0.12), new View(Polarity.JUDGED, 0, 0.2), new View(Polarity.JUDGED, 0.04, 0));

	/**
	 * @param text the text read
	 * @param confidence its probability, averaged over the views read and the ensemble's members
	 * @param views how many views were read: 1, or 1 + those of {@link #SECOND_LOOK} that show the model something new
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
		Preprocessing.Input input = this.model.input();
		float[][][] firstLook = this.model.logits(input.ink(image));
		int members = firstLook.length;
		Map<String, Double> votes = new LinkedHashMap<>();
		for (float[][] member : firstLook) {
			vote(votes, member, profile);
		}
		String first = winner(votes);
		if (votes.get(first) / members >= this.properties.secondLookBelow()) {
			return new Recognition(first, votes.get(first) / members, 1);
		}
		List<float[]> views = SECOND_LOOK.stream()
			.filter(input::differs)
			.map((view) -> input.ink(image, view))
			.toList();
		for (float[][][] member : this.model.logits(views)) {
			for (float[][] view : member) {
				vote(votes, view, profile);
			}
		}
		String best = winner(votes);
		int read = 1 + views.size();
		return new Recognition(best, votes.get(best) / (read * members), read);
	}

	private void vote(Map<String, Double> votes, float[][] logits, Profiles.Profile profile) {
		CtcDecoder.Reading reading = CtcDecoder.decode(logits, profile.allowed(), profile.pattern(),
				this.properties.beamWidth());
		votes.merge(reading.text(), reading.confidence(), Double::sum);
	}

	/**
	 * The text with the most probability summed over its votes. The first reading (the first member's, in the
	 * first view) wins ties: when no view finds a text of the profile's shape, every vote is 0.
	 */
	private static String winner(Map<String, Double> votes) {
		String best = votes.keySet().iterator().next();
		for (Map.Entry<String, Double> vote : votes.entrySet()) {
			if (vote.getValue() > votes.get(best)) {
				best = vote.getKey();
			}
		}
		return best;
	}

}
