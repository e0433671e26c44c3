package org.meshguide.captcha.testkit.gen;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.meshguide.captcha.core.Vocabulary;

/**
 * Captchas that a library in another language rendered beforehand (captcha-trainer/foreign: Go's
 * base64Captcha and steambap/captcha, Python's captcha), or that a model labelled (the trainer's
 * PseudoLabelCaptchas): a folder of image files and a {@code labels.tsv} of "file TAB text". The seed picks
 * which file; the renderer's own seed fixed the pixels.
 */
public final class RenderedGenerator implements CaptchaGenerator {

	/** The folder's "file TAB text" list, one image per line. */
	public static final String LABELS = "labels.tsv";

	private final String name;

	private final List<Path> files = new ArrayList<>();

	private final List<String> labels = new ArrayList<>();

	/** Reads the labels now, so that a broken folder fails before training starts, not halfway through. */
	public RenderedGenerator(Path folder) {
		this.name = folder.getFileName().toString();
		labels(folder).forEach((file, label) -> {
			if (!Files.isRegularFile(folder.resolve(file))) {
				throw new IllegalArgumentException(folder.resolve(LABELS) + " names " + file + ", which is not a file there");
			}
			this.files.add(folder.resolve(file));
			this.labels.add(label);
		});
		if (this.files.isEmpty()) {
			throw new IllegalArgumentException(folder.resolve(LABELS) + " names no image");
		}
	}

	/**
	 * The {@value #LABELS} of {@code folder}, file by file in its order, each text as the model labels it
	 * ({@link Vocabulary#label}); empty when there is none.
	 */
	public static Map<String, String> labels(Path folder) {
		Path list = folder.resolve(LABELS);
		Map<String, String> labels = new LinkedHashMap<>();
		if (!Files.isRegularFile(list)) {
			return labels;
		}
		try {
			for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
				String[] fields = line.split("\t", 2);
				if (fields.length != 2) {
					throw new IllegalArgumentException(list + ": not \"file TAB text\": " + line);
				}
				labels.put(fields[0], Vocabulary.label(fields[1]));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return labels;
	}

	/**
	 * One generator per subfolder of {@code root} that has a {@value #LABELS}, by name in name order; none if
	 * there is no root.
	 */
	public static Map<String, RenderedGenerator> in(Path root) {
		Map<String, RenderedGenerator> generators = new LinkedHashMap<>();
		if (!Files.isDirectory(root)) {
			return generators;
		}
		try (Stream<Path> folders = Files.list(root)) {
			folders.filter((folder) -> Files.isRegularFile(folder.resolve(LABELS)))
				.sorted()
				.map(RenderedGenerator::new)
				.forEach((generator) -> generators.put(generator.name(), generator));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return generators;
	}

	@Override
	public String name() {
		return this.name;
	}

	public int size() {
		return this.files.size();
	}

	@Override
	public Sample next(Random random) {
		return sample(random.nextInt(this.files.size()));
	}

	/** @param index of the file, in the order of {@value #LABELS} */
	public Sample sample(int index) {
		try {
			BufferedImage image = ImageIO.read(this.files.get(index).toFile());
			if (image == null) {
				throw new IllegalStateException(this.files.get(index) + " is not an image ImageIO can read");
			}
			// the Go libraries draw on a transparent canvas when asked to
			return Sample.onWhite(image, this.labels.get(index));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
