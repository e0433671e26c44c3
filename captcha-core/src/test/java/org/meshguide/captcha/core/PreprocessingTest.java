package org.meshguide.captcha.core;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.meshguide.captcha.core.Preprocessing.Background;
import org.meshguide.captcha.core.Preprocessing.Fit;
import org.meshguide.captcha.core.Preprocessing.Input;
import org.meshguide.captcha.core.Preprocessing.Look;
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
		float[] ink = Input.DEFAULT.ink(barOn(Color.WHITE, Color.BLACK));
		assertThat(ink[row(24) + 80]).isCloseTo(1f, within(0.01f));
		assertThat(ink[row(2) + 80]).isCloseTo(0f, within(0.01f));
	}

	@Test
	void onADarkBackgroundTheBrightStrokesAreInk() {
		float[] ink = Input.DEFAULT.ink(barOn(Color.BLACK, Color.WHITE));
		assertThat(ink[row(24) + 80]).isCloseTo(1f, within(0.01f));
		assertThat(ink[row(2) + 80]).isCloseTo(0f, within(0.01f));
	}

	@Test
	void reversedPolarityReadsTheOtherWayRound() {
		float[] ink = Preprocessing.ink(barOn(Color.WHITE, Color.BLACK), new View(Polarity.REVERSED, 0, 0),
				Background.IMAGE);
		assertThat(ink[row(24) + 80]).isCloseTo(0f, within(0.01f));
		assertThat(ink[row(2) + 80]).isCloseTo(1f, within(0.01f));
	}

	@Test
	void asIsIsWhatTrainingSees() {
		BufferedImage image = barOn(new Color(250, 240, 200), new Color(30, 60, 200));
		assertThat(Preprocessing.ink(image, View.AS_IS, Background.IMAGE)).isEqualTo(Input.DEFAULT.ink(image));
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
		float[] ink = Preprocessing.ink(image, new View(Polarity.JUDGED, 0.25, 0.25), Background.IMAGE);
		int margin = Math.round(W * 0.25f / 1.5f);
		assertThat(ink[row(24) + margin - 2]).as("left margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(24) + W - margin + 1]).as("right margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(1) + 80]).as("top margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(12) + 80]).as("the image's own background, as blank as the margins").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(24) + margin + 2]).as("the bar, moved in").isCloseTo(1f, within(0.01f));
		float[] asIs = Input.DEFAULT.ink(image);
		assertThat(asIs[row(24) + 2]).as("without margins the bar reaches the edge").isCloseTo(1f, within(0.01f));
	}

	@Test
	void marginsAreFractionsOfTheImage() {
		assertThatIllegalArgumentException().isThrownBy(() -> new View(Polarity.JUDGED, -0.1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new View(Polarity.JUDGED, 0, 1.5));
	}

	@Test
	void letterboxKeepsANarrowImagesAspectRatio() {
		// 100 × 50 (aspect 2, the input's is 3.33) with a black square on its left half, clear of the edge rows
		BufferedImage image = blackOnWhite(100, 50, new Rectangle(0, 5, 50, 40));
		View view = Preprocessing.Fit.LETTERBOX.view(image);
		assertThat(view.marginY()).isZero();
		// 48 rows tall, so 96 columns wide, centred: columns 32 to 127, the square's left edge at 32, right at 80
		float[] ink = Preprocessing.ink(image, view, Background.IMAGE);
		assertThat(ink[row(24) + 29]).as("left margin").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(24) + 35]).as("the square's left side").isCloseTo(1f, within(0.01f));
		assertThat(ink[row(24) + 77]).as("the square's right side").isCloseTo(1f, within(0.01f));
		assertThat(ink[row(24) + 83]).as("right of the square").isCloseTo(0f, within(0.01f));
		assertThat(Input.DEFAULT.ink(image)[row(24) + 29]).as("stretched, the square fills columns 0 to 79")
			.isCloseTo(1f, within(0.01f));
	}

	@Test
	void letterboxKeepsAWideImagesAspectRatio() {
		// 400 × 50 (aspect 8) with a bar across rows 20 to 29: 20 rows of 48 tall, rows 14 to 33, the bar at 22 to 25
		BufferedImage image = blackOnWhite(400, 50, new Rectangle(0, 20, 400, 10));
		View view = Preprocessing.Fit.LETTERBOX.view(image);
		assertThat(view.marginX()).isZero();
		float[] ink = Preprocessing.ink(image, view, Background.IMAGE);
		assertThat(ink[row(18) + 80]).as("above the bar").isCloseTo(0f, within(0.01f));
		assertThat(ink[row(24) + 80]).as("the bar").isCloseTo(1f, within(0.01f));
		assertThat(ink[row(28) + 80]).as("below the bar").isCloseTo(0f, within(0.01f));
		assertThat(Input.DEFAULT.ink(image)[row(27) + 80]).as("stretched, the bar spans rows 19 to 28")
			.isCloseTo(1f, within(0.01f));
	}

	@Test
	void letterboxPadsAtMostTheImagesOwnSizeAndStretchIsAsIs() {
		BufferedImage sliver = new BufferedImage(4, 200, BufferedImage.TYPE_INT_RGB);
		assertThat(Preprocessing.Fit.LETTERBOX.view(sliver)).isEqualTo(new View(Polarity.JUDGED, 1, 0));
		BufferedImage ribbon = new BufferedImage(2000, 10, BufferedImage.TYPE_INT_RGB);
		assertThat(Preprocessing.Fit.LETTERBOX.view(ribbon)).isEqualTo(new View(Polarity.JUDGED, 0, 1));
		assertThat(Preprocessing.Fit.STRETCH.view(ribbon)).isEqualTo(View.AS_IS);
		assertThat(Preprocessing.Fit.STRETCH.view(sliver)).isEqualTo(View.AS_IS);
	}

	@Test
	void pillarboxPadsANarrowImageAndStretchesAWideOne() {
		BufferedImage narrow = new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB);
		assertThat(Preprocessing.Fit.PILLARBOX.view(narrow)).isEqualTo(Preprocessing.Fit.LETTERBOX.view(narrow));
		assertThat(Preprocessing.Fit.PILLARBOX.view(narrow).marginX()).isGreaterThan(0);
		BufferedImage wide = new BufferedImage(400, 50, BufferedImage.TYPE_INT_RGB);
		assertThat(Preprocessing.Fit.PILLARBOX.view(wide)).isEqualTo(View.AS_IS);
		assertThat(Preprocessing.Fit.LETTERBOX.view(wide).marginY()).isGreaterThan(0);
	}

	@Test
	void aSecondLookOnTopOfAFitAddsItsMarginsAndTakesItsPolarity() {
		View letterboxed = new View(Polarity.JUDGED, 0.25, 0);
		assertThat(letterboxed.and(new View(Polarity.REVERSED, 0.5, 0.125)))
			.isEqualTo(new View(Polarity.REVERSED, 0.75, 0.125));
		assertThat(letterboxed.and(new View(Polarity.JUDGED, 0.875, 0))).as("at most the image's width on each side")
			.isEqualTo(new View(Polarity.JUDGED, 1, 0));
		assertThat(View.AS_IS.and(letterboxed)).isEqualTo(letterboxed);
	}

	@Test
	void againstAPlainBackgroundLocalInkIsTheImagesInk() {
		for (BufferedImage image : List.of(barOn(Color.WHITE, Color.BLACK), barOn(Color.BLACK, Color.WHITE),
				barOn(new Color(250, 240, 200), new Color(30, 60, 200)))) {
			float[] local = Preprocessing.ink(image, View.AS_IS, Background.LOCAL);
			float[] whole = Input.DEFAULT.ink(image);
			for (int i = 0; i < whole.length; i++) {
				assertThat(local[i]).as("pixel %d", i).isCloseTo(whole[i], within(0.01f));
			}
		}
	}

	@Test
	void againstTheLocalBackgroundTheDarkEndOfAGradientIsNotInk() {
		BufferedImage image = redBarOnAGradient();
		float[] whole = Input.DEFAULT.ink(image);
		float[] local = Preprocessing.ink(image, View.AS_IS, Background.LOCAL);
		assertThat(whole[row(5) + 5]).as("the dark end, against the whole image's light background").isGreaterThan(0.5f);
		assertThat(local[row(5) + 5]).as("the dark end, against the colour around it").isLessThan(0.1f);
		assertThat(local[row(40) + W - 5]).as("the light end").isLessThan(0.1f);
		assertThat(local[row(24) + 5]).as("the bar on the dark end").isGreaterThan(0.5f);
		assertThat(local[row(24) + W - 5]).as("the bar on the light end").isGreaterThan(0.9f);
	}

	@Test
	void againstTheLocalBackgroundInkHasNoPolarity() {
		float[] dark = Preprocessing.ink(barOn(Color.WHITE, Color.BLACK), View.AS_IS, Background.LOCAL);
		float[] light = Preprocessing.ink(barOn(Color.BLACK, Color.WHITE), View.AS_IS, Background.LOCAL);
		assertThat(light).isEqualTo(dark);
		assertThat(Preprocessing.ink(barOn(Color.WHITE, Color.BLACK), new View(Polarity.REVERSED, 0, 0), Background.LOCAL))
			.isEqualTo(dark);
	}

	@Test
	void anInputReadsAsItsFitAndBackgroundSayAndKnowsWhichLooksAreNew() {
		BufferedImage image = blackOnWhite(100, 50, new Rectangle(10, 10, 30, 30));
		Input local = new Input(Fit.LETTERBOX, Background.LOCAL);
		assertThat(local.ink(image)).isEqualTo(Preprocessing.ink(image, Fit.LETTERBOX.view(image), Background.LOCAL));
		Look reversed = new Look(new View(Polarity.REVERSED, 0, 0), Background.LOCAL);
		assertThat(local.ink(image, reversed)).isEqualTo(local.ink(image));
		assertThat(local.differs(reversed)).isFalse();
		assertThat(Input.DEFAULT.differs(new Look(reversed.view(), Background.IMAGE))).isTrue();
		assertThat(local.differs(new Look(new View(Polarity.JUDGED, 0, 0.2), Background.LOCAL))).isTrue();
		assertThat(Input.DEFAULT.differs(new Look(View.AS_IS, Background.IMAGE))).isFalse();
		assertThat(Input.DEFAULT.ink(image)).isEqualTo(Preprocessing.ink(image, View.AS_IS, Background.IMAGE));
	}

	@Test
	void aLookMayMeasureInkAgainstAnotherBackgroundThanTheModelWasTrainedOn() {
		BufferedImage image = redBarOnAGradient();
		Look localInk = new Look(View.AS_IS, Background.LOCAL);
		assertThat(Input.DEFAULT.differs(localInk)).isTrue();
		assertThat(Input.DEFAULT.ink(image, localInk)).isEqualTo(Preprocessing.ink(image, View.AS_IS, Background.LOCAL))
			.isNotEqualTo(Input.DEFAULT.ink(image));
		assertThat(new Input(Fit.STRETCH, Background.LOCAL).differs(localInk)).as("that model's first look").isFalse();
		BufferedImage narrow = blackOnWhite(100, 50, new Rectangle(10, 10, 30, 30));
		Input letterboxed = new Input(Fit.LETTERBOX, Background.IMAGE);
		Look margins = new Look(new View(Polarity.JUDGED, 0.1, 0), Background.LOCAL);
		assertThat(letterboxed.ink(narrow, margins)).as("the look's margins on top of the fit's")
			.isEqualTo(Preprocessing.ink(narrow, Fit.LETTERBOX.view(narrow).and(margins.view()), Background.LOCAL))
			.isNotEqualTo(Preprocessing.ink(narrow, margins.view(), Background.LOCAL));
	}

	private static BufferedImage blackOnWhite(int width, int height, Rectangle black) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, height);
		g.setColor(Color.BLACK);
		g.fill(black);
		g.dispose();
		return image;
	}

	/** A horizontal bar across the middle third. */
	/** A red bar across a background from dark grey on the left to white on the right. */
	private static BufferedImage redBarOnAGradient() {
		BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setPaint(new GradientPaint(0, 0, new Color(50, 50, 50), W, 0, Color.WHITE));
		g.fillRect(0, 0, W, H);
		g.setColor(new Color(220, 0, 0));
		g.fillRect(0, 20, W, 8);
		g.dispose();
		return image;
	}

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
