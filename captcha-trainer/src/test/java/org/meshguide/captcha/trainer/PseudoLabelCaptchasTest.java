package org.meshguide.captcha.trainer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshguide.captcha.testkit.gen.Generators;
import org.meshguide.captcha.testkit.gen.RenderedGenerator;
import org.meshguide.captcha.trainer.PseudoLabelCaptchas.Captcha;
import org.meshguide.captcha.trainer.PseudoLabelCaptchas.Source;
import org.meshguide.captcha.trainer.PseudoLabelCaptchas.Tally;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The labeller's own bookkeeping: which files a collected folder yields, what is kept and written, and what the
 * summary counts. The service's readings are the {@link PseudoLabelCaptchas.Reader} boundary here; the real
 * service is exercised end to end by captcha-trainer/scripts/verify-trainer.sh.
 */
class PseudoLabelCaptchasTest {

	@TempDir
	Path root;

	@Test
	void aCollectedFolderYieldsItsImageFilesInNameOrderWithTheTextsOfItsLabelsAsTruth() throws IOException {
		Path collected = this.root.resolve("collected");
		Files.createDirectories(collected);
		Files.write(collected.resolve("b.jpg"), jpeg());
		Files.write(collected.resolve("a.PNG"), png());
		Files.write(collected.resolve("c.gif"), png());
		Files.writeString(collected.resolve("notes.txt"), "not a captcha");
		Files.createDirectories(collected.resolve("sub.png"));
		Files.writeString(collected.resolve("labels.tsv"), "b.jpg\t12 + 3 = ?\n", StandardCharsets.UTF_8);

		Source source = PseudoLabelCaptchas.folder(collected, "site-math", "math", 0);

		assertThat(source.name()).isEqualTo("site-math");
		assertThat(source.profile()).isEqualTo("math");
		assertThat(source.count()).isEqualTo(3);
		List<Captcha> captchas = List.of(source.captcha().apply(0), source.captcha().apply(1), source.captcha().apply(2));
		assertThat(captchas).extracting(Captcha::file).containsExactly("a.PNG", "b.jpg", "c.gif");
		assertThat(captchas).extracting(Captcha::truth).containsExactly(null, "12+3=?", null);
		assertThat(captchas.get(1).bytes()).isEqualTo(Files.readAllBytes(collected.resolve("b.jpg")));
		assertThat(PseudoLabelCaptchas.folder(collected, "site-math", "math", 2).count()).isEqualTo(2);
	}

	@Test
	void aFolderWithoutImagesOrABrokenLabelsFileIsRefusedNamingIt() throws IOException {
		Path empty = Files.createDirectories(this.root.resolve("empty"));
		Files.writeString(empty.resolve("readme.md"), "#");
		assertThatIllegalArgumentException().isThrownBy(() -> PseudoLabelCaptchas.folder(empty, "x", "math", 0))
			.withMessageContaining("no image files");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PseudoLabelCaptchas.folder(this.root.resolve("missing"), "x", "math", 0))
			.withMessageContaining("no such folder");
		Files.write(empty.resolve("a.png"), png());
		Files.writeString(empty.resolve("labels.tsv"), "a.png 12+3\n");
		assertThatIllegalArgumentException().isThrownBy(() -> PseudoLabelCaptchas.folder(empty, "x", "math", 0))
			.withMessageContaining("file TAB text");
	}

	@Test
	void keepsSureReadingsOnlyAndWritesAFolderTheTrainerReads() throws IOException {
		Path collected = Files.createDirectories(this.root.resolve("collected"));
		for (String file : List.of("1.png", "2.png", "3.png", "4.png", "5.png")) {
			Files.write(collected.resolve(file), png());
		}
		Files.writeString(collected.resolve("labels.tsv"), "1.png\t1+1=?\n2.png\t2+2=?\n3.png\t3+3=?\n");
		// what the service answers, upload by upload: sure and right, sure and wrong, unsure, a division by
		// zero (422), a refused upload (415)
		List<CaptchaClient.Reply> replies = new ArrayList<>(List.of(new CaptchaClient.Reply(200, "1+1=?", 0.95, 1, 2),
				new CaptchaClient.Reply(200, "2+7=?", 0.6, 4, 5), new CaptchaClient.Reply(200, "3-3=?", 0.2, 4, 5),
				new CaptchaClient.Reply(422, "4÷0=?", 0.9, 1, 2), new CaptchaClient.Reply(415, "HTTP 415", 0, 0, -1)));
		List<String> profiles = new ArrayList<>();
		Path out = this.root.resolve("pseudo/pseudo-collected");
		Files.createDirectories(out);
		Files.writeString(out.resolve("stale.png"), "from an earlier run");

		Tally tally = PseudoLabelCaptchas.label(PseudoLabelCaptchas.folder(collected, "collected", "math", 0),
				(profile, image) -> {
					profiles.add(profile);
					return replies.remove(0);
				}, 0.5, out);

		assertThat(profiles).containsOnly("math").hasSize(5);
		assertThat(tally.kept()).isEqualTo(2);
		assertThat(Files.readAllLines(out.resolve("labels.tsv"))).containsExactly("1.png\t1+1=?", "2.png\t2+7=?");
		assertThat(out).isDirectoryNotContaining("glob:**/stale.png").isDirectoryNotContaining("glob:**/3.png");
		assertThat(Files.readAllBytes(out.resolve("2.png"))).isEqualTo(Files.readAllBytes(collected.resolve("2.png")));
		Map<String, RenderedGenerator> trainable = RenderedGenerator.in(out.getParent());
		assertThat(trainable).containsOnlyKeys("pseudo-collected");
		assertThat(trainable.get("pseudo-collected").sample(1).label()).isEqualTo("2+7=?");
		// kept 2 of 5, 1 of the 2 known kept wrong; at >= 0: 3 answered with 200, all 3 known, 2 wrong; 1 refused
		assertThat(tally.row("collected")).isEqualTo(
				"| collected | 5 | 2 (40.0 %) | 1 (50.0 %) | 60.0 / 66.7 % | 40.0 / 50.0 % | 40.0 / 50.0 % | 20.0 / 0.0 % |"
						+ " 20.0 / 0.0 % | 1 |" + System.lineSeparator());
	}

	@Test
	void withoutKnownTextsTheSummarySaysSoInsteadOfCountingNothingAsRight() {
		Tally tally = new Tally(2, 0.5);
		assertThat(tally.add(0.8, null)).isTrue();
		assertThat(tally.add(0.1, null)).isFalse();
		assertThat(tally.row("site")).startsWith("| site | 2 | 1 (50.0 %) | n/a | 100.0 / n/a |");
		assertThat(Tally.header(0.5)).contains("kept (confidence ≥ 0.50)");
	}

	@Test
	void aGeneratorSourceDrawsTheSameCaptchasForTheSameSeedAndKnowsTheirTexts() {
		Source first = PseudoLabelCaptchas.generated(Generators.named("kaptcha-math"), 3, 9001);
		Source again = PseudoLabelCaptchas.generated(Generators.named("kaptcha-math"), 3, 9001);
		assertThat(first.profile()).isEqualTo("math");
		for (int i = 0; i < 3; i++) {
			Captcha captcha = first.captcha().apply(i);
			assertThat(captcha.file()).isEqualTo("0000" + i + ".png");
			assertThat(captcha.truth()).isEqualTo(again.captcha().apply(i).truth()).isNotBlank();
		}
	}

	private static byte[] png() throws IOException {
		return encode("png");
	}

	private static byte[] jpeg() throws IOException {
		return encode("jpg");
	}

	private static byte[] encode(String format) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(60, 20, BufferedImage.TYPE_INT_RGB), format, bytes);
		return bytes.toByteArray();
	}

}
