package org.meshguide.captcha.testkit.gen;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RenderedGeneratorTest {

	@TempDir
	Path root;

	@Test
	void readsEachFileWithItsTextAsTheModelLabelsIt() throws IOException {
		Path folder = this.root.resolve("base64captcha-math");
		// a transparent canvas, as steambap/captcha draws by default
		BufferedImage transparent = new BufferedImage(120, 40, BufferedImage.TYPE_INT_ARGB);
		write(folder, "00000.png", transparent);
		write(folder, "00001.png", new BufferedImage(90, 30, BufferedImage.TYPE_INT_RGB));
		Files.writeString(folder.resolve("labels.tsv"), "00000.png\t9x8=?\n00001.png\tRRArUs\n");

		RenderedGenerator generator = RenderedGenerator.in(this.root).get("base64captcha-math");

		assertThat(RenderedGenerator.in(this.root)).containsOnlyKeys("base64captcha-math");
		assertThat(generator.name()).isEqualTo("base64captcha-math");
		assertThat(generator.size()).isEqualTo(2);
		Sample first = generator.sample(0);
		assertThat(first.label()).isEqualTo("9x8=?");
		assertThat(first.image().getRGB(5, 5)).as("flattened onto white").isEqualTo(0xffffffff);
		assertThat(generator.sample(1).label()).isEqualTo("rrarus");
		assertThat(generator.next(new Random(1)).label()).isIn("9x8=?", "rrarus");
	}

	@Test
	void refusesLabelsThatNameNoFileOrCharactersTheModelCannotOutput() throws IOException {
		Path folder = this.root.resolve("broken");
		write(folder, "00000.png", new BufferedImage(90, 30, BufferedImage.TYPE_INT_RGB));
		Files.writeString(folder.resolve("labels.tsv"), "00001.png\t12+3\n");
		assertThatIllegalArgumentException().isThrownBy(() -> new RenderedGenerator(folder)).withMessageContaining("00001.png");
		Files.writeString(folder.resolve("labels.tsv"), "00000.png\t12/3\n");
		assertThatIllegalArgumentException().isThrownBy(() -> new RenderedGenerator(folder)).withMessageContaining("'/'");
	}

	@Test
	void findsNothingWhereNothingWasRendered() {
		assertThat(RenderedGenerator.in(this.root.resolve("never-rendered"))).isEmpty();
	}

	private static void write(Path folder, String file, BufferedImage image) throws IOException {
		Files.createDirectories(folder);
		ImageIO.write(image, "png", folder.resolve(file).toFile());
	}

}
