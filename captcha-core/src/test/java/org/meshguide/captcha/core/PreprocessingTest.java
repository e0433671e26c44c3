package org.meshguide.captcha.core;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Preprocessing.Polarity;
import org.meshguide.captcha.core.Preprocessing.View;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class PreprocessingTest {

	private static final int W = Preprocessing.WIDTH;

	private static final int H = Preprocessing.HEIGHT;

	@Test
	void darkStrokesOnLightBackgroundAreInk() {
		float[] ink = Preprocessing.ink(barOn(Color.WHITE, Color.BLACK));
		assertThat(ink[row(24) + 80]).isCloseTo(1f, within(0.01f));
		assertThat(ink[row(2) + 80]).isCloseTo(0f, within(0.01f));
	}

	@Test
	void onADarkBackgroundTheBrightStrokesAreInk() {
		float[] ink = Preprocessing.ink(barOn(Color.BLACK, Color.WHITE));
		assertThat(ink[row(24) + 80]).isCloseTo(1f, within(0.01f));
		assertThat(ink[row(2) + 80]).isCloseTo(0f, within(0.01f));
	}

	@Test
	void reversedPolarityReadsTheOtherWayRound() {
		float[] ink = Preprocessing.ink(barOn(Color.WHITE, Color.BLACK), new View(Polarity.REVERSED, 0, 0));
		assertThat(ink[row(24) + 80]).isCloseTo(0f, within(0.01f));
		assertThat(ink[row(2) + 80]).isCloseTo(1f, within(0.01f));
	}

	@Test
	void asIsIsWhatTrainingSees() {
		BufferedImage image = barOn(new Color(250, 240, 200), new Color(30, 60, 200));
		assertThat(Preprocessing.ink(image, View.AS_IS)).isEqualTo(Preprocessing.ink(image));
	}

	@Test
	void marginsShrinkTheImageIntoTheMiddleOnItsOwnBackground() {
		// a pale yellow background: the margins must be that, not white, or they would read as faint ink
		BufferedImage image = new BufferedImage(200, 50, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setColor(new Color(250, 240, 170));
		g.fillRect(0, 0, 200, 50);
		g.setColor(Color.BLACK);
		g.fillRect(0, 15, 200, 20);
		g.dispose();
		// 25 % of the width on each side: the image takes the middle 160 / 1.5 ≈ 107 columns
		float[] ink = Preprocessing.ink(image, new View(Polarity.JUDGED, 0.25, 0.25));
		int margin = Math.round(W * 0.25f / 1.5f);
		assertThat(ink[row(24) + margin - 2]).as("left margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(24) + W - margin + 1]).as("right margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(1) + 80]).as("top margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(12) + 80]).as("the image's own background, as blank as the margins").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(24) + margin + 2]).as("the bar, moved in").isCloseTo(1f, within(0.01f));
		float[] asIs = Preprocessing.ink(image);
		assertThat(asIs[row(24) + 2]).as("without margins the bar reaches the edge").isCloseTo(1f, within(0.01f));
	}

	@Test
	void marginsAreFractionsOfTheImage() {
		assertThatIllegalArgumentException().isThrownBy(() -> new View(Polarity.JUDGED, -0.1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new View(Polarity.JUDGED, 0, 1.5));
	}

	/** A horizontal bar across the middle third. */
	private static BufferedImage barOn(Color background, Color bar) {
		BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setColor(background);
		g.fillRect(0, 0, W, H);
		g.setColor(bar);
		g.fillRect(0, 16, W, 16);
		g.dispose();
		return image;
	}

	private static int row(int y) {
		return y * W;
	}

}
