package org.meshguide.captcha;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Preprocessing.Background;
import org.meshguide.captcha.core.Preprocessing.Look;
import org.meshguide.captcha.core.Preprocessing.Polarity;
import org.meshguide.captcha.core.Preprocessing.View;

import org.springframework.stereotype.Component;

/**
 * Reads a decoded image as a profile's text. The model first reads the image as training showed it (stretched, or
 * padded to its own aspect ratio, ink measured as it learnt: {@link CaptchaModel#input()}). When that reading is
 * unsure (its probability under {@code captcha.second-look-below}), the model reads the image again in the
 * {@link #secondLook looks} that show it something new, on top of its fit, all in one batch, and the text with the
 * most probability summed over every look wins. The looks undo what most often misleads it on captchas from
 * libraries it never saw: the median pixel misjudging the polarity (a dense dark grid behind dark text), text that
 * fills the frame more tightly than training's did, and a background that changes colour across the image (a
 * gradient, colourful noise), against which the whole image is ink. On the libraries it trained on about seven
 * first readings in ten are sure and cost one inference; on libraries it never saw most are not
 * (captcha-trainer/docs/experiments.md, "第二眼"). An ensemble ({@link CaptchaModel} with several members) reads
 * each look with every member, and every reading votes: models trained apart misread different images, so the vote
 * is sometimes right where a member is not (how often: captcha-trainer/docs/experiments.md,
 * "训练之间的波动与集成").
 */
@Component
class CaptchaReader {

	/**
	 * The margins of the second look, each a fraction of the image's width and height, seen as the model was trained
	 * to: chosen by measurement, one at a time, on captchas the benchmark does not use
	 * (captcha-trainer/docs/experiments.md, "第二眼").
	 */
	private static final List<View> MARGINS = List.of(new View(Polarity.JUDGED, 0.05, 0.12),
			new View(Polarity.JUDGED, 0, 0.2), new View(Polarity.JUDGED, 0.04, 0));

	/**
	 * Ink measured against the local background, as is and with two margins: chosen, like the margins, on captchas
	 * the benchmark does not use (captcha-trainer/docs/experiments.md, "第二眼"). As is, it reads text on gradients
	 * and colourful noise, but where large bold text fills a strip the strip's background takes the text's colour; the
	 * margins give every strip paper to take its colour from.
	 */
	private static final List<View> LOCAL_INK = List.of(View.AS_IS, new View(Polarity.JUDGED, 0.05, 0.12),
			new View(Polarity.JUDGED, 0.1, 0.3));

	/**
	 * @return the looks a model trained to see images as {@code input} takes at an unsure image, those of them that
	 * show it something new: the reversed polarity, the {@link #MARGINS}, and, with {@code localInk}, for a model
	 * trained on the image's background, the {@link #LOCAL_INK} looks
	 */
	static List<Look> secondLook(Preprocessing.Input input, boolean localInk) {
		Background own = input.background();
		Stream<Look> looks = Stream.concat(Stream.of(new Look(new View(Polarity.REVERSED, 0, 0), own)),
				MARGINS.stream().map((margins) -> new Look(margins, own)));
		if (localInk && own == Background.IMAGE) {
			looks = Stream.concat(looks, LOCAL_INK.stream().map((view) -> new Look(view, Background.LOCAL)));
		}
		return looks.filter(input::differs).toList();
	}

	/**
	 * @param text the text read
	 * @param confidence its probability, averaged over the looks taken and the ensemble's members
	 * @param views how many looks were taken: 1, or 1 + those of the {@link #secondLook second look}
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
		List<float[]> looks = secondLook(input, this.properties.secondLookLocalInk()).stream()
			.map((look) -> input.ink(image, look))
			.toList();
		for (float[][][] member : this.model.logits(looks)) {
			for (float[][] look : member) {
				vote(votes, look, profile);
			}
		}
		String best = winner(votes);
		int read = 1 + looks.size();
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
