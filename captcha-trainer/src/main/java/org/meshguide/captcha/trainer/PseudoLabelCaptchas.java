package org.meshguide.captcha.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.meshguide.captcha.core.Vocabulary;
import org.meshguide.captcha.testkit.gen.CaptchaGenerator;
import org.meshguide.captcha.testkit.gen.Generators;
import org.meshguide.captcha.testkit.gen.RenderedGenerator;
import org.meshguide.captcha.testkit.gen.Sample;

/**
 * Labels captchas nobody labelled with what a running captcha-service reads on them, for self-training: a team
 * that meets a new captcha has its images but not their texts. Each image is uploaded as a client would; the
 * service's reading becomes the label when the service answered (200) with at least --min-confidence. The
 * folders it writes are what {@code TrainCaptchaModel --pseudo} trains on (the kept images and a labels.tsv).
 * <p>
 * Two sources. {@code --generators} draws fresh captchas from the repository's generators, which know each
 * image's text; {@code --images} reads a folder of captchas someone collected, as they are (PNG, JPEG, GIF,
 * BMP). A known text (the generator's, or a labels.tsv in the folder, e.g. a hand-checked part of it) is never
 * written: it only measures, in the summary, how often a kept label is wrong, and what the threshold trades.
 * <pre>
 * --url URL              the service (default http://127.0.0.1:8080)
 * --generators A,B       the captchas to label (e.g. hutool-math,hutool-text), or:
 * --images DIR           every image file in DIR, in name order
 * --profile P            with --images: the service profile that reads them (math, text)
 * --name NAME            with --images: the output folder is pseudo-NAME (default DIR's name)
 * --count N              images per generator (default 5000); with --images at most N (default all)
 * --seed N               default 9001 (the benchmark uses 7001, the tests other seeds)
 * --min-confidence C     the answer's confidence a label needs (default 0.5: the text holds more than half the
 *                        probability, averaged over the views the service read)
 * --out DIR              writes DIR/pseudo-NAME/, emptied first (default target/pseudo)
 * --summary FILE         appends the summary table (Markdown) to FILE too
 * </pre>
 */
public final class PseudoLabelCaptchas {

	/** What the service decodes; anything else in a folder of collected captchas is not uploaded. */
	private static final Set<String> IMAGE_SUFFIXES = Set.of(".png", ".jpg", ".jpeg", ".jfif", ".gif", ".bmp");

	/** Rejections named one by one in the log before the rest are only counted. */
	private static final int REJECTIONS_SHOWN = 5;

	private PseudoLabelCaptchas() {
	}

	/**
	 * One image to label.
	 * @param file the name it is written under when its label is kept
	 * @param truth its real text as a label ({@link Vocabulary#label}), null when nobody knows it
	 */
	record Captcha(String file, byte[] bytes, String truth) {
	}

	/**
	 * What to label and how the service should read it. {@code captcha} is called once per index, in order
	 * (a generator's images come from one random sequence).
	 */
	record Source(String name, String profile, int count, IntFunction<Captcha> captcha) {
	}

	/** Reads one image with a service profile: {@link CaptchaClient#read(String, byte[])} over HTTP. */
	@FunctionalInterface
	interface Reader {

		CaptchaClient.Reply read(String profile, byte[] image);

	}

	public static void main(String[] args) throws IOException {
		List<String> words = Args.words(args);
		String url = Args.option(words, "url", "http://127.0.0.1:8080");
		long seed = Long.parseLong(Args.option(words, "seed", "9001"));
		double minConfidence = Double.parseDouble(Args.option(words, "min-confidence", "0.5"));
		Path out = Path.of(Args.option(words, "out", "target/pseudo"));
		String summaryFile = Args.option(words, "summary", "");
		String names = Args.option(words, "generators", "");
		String images = Args.option(words, "images", "");
		String profile = Args.option(words, "profile", "");
		if (names.isEmpty() == images.isEmpty() || (!images.isEmpty() && profile.isEmpty())
				|| !(minConfidence >= 0 && minConfidence <= 1)) {
			throw new IllegalArgumentException("usage: (--generators A,B | --images DIR --profile P [--name NAME])"
					+ " [--count N] [--seed N] [--min-confidence 0-1] [--out DIR] [--url URL]; got " + words);
		}
		List<Source> sources = new ArrayList<>();
		if (images.isEmpty()) {
			int count = Integer.parseInt(Args.option(words, "count", "5000"));
			for (String name : names.split(",")) {
				sources.add(generated(Generators.named(name), count, seed));
			}
		}
		else {
			Path folder = Path.of(images).toAbsolutePath().normalize();
			String name = Args.option(words, "name", folder.getFileName().toString());
			if (out.resolve("pseudo-" + name).toAbsolutePath().normalize().equals(folder)) {
				throw new IllegalArgumentException("--images " + images + " is the folder the labels would be written to,"
						+ " which is emptied first; give another --out or --name");
			}
			sources.add(folder(folder, name, profile, Integer.parseInt(Args.option(words, "count", "0"))));
		}
		CaptchaClient client = new CaptchaClient(url);
		StringBuilder summary = new StringBuilder(Tally.header(minConfidence));
		for (Source source : sources) {
			Path folder = out.resolve("pseudo-" + source.name());
			Tally tally = label(source, client::read, minConfidence, folder);
			summary.append(tally.row(source.name()));
			System.out.printf(Locale.ROOT, "[pseudo] %s: %d of %d kept in %s%n", source.name(), tally.kept(),
					source.count(), folder);
		}
		summary.append(Tally.FOOTER);
		System.out.print(summary);
		if (!summaryFile.isEmpty()) {
			Files.writeString(Path.of(summaryFile), summary, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
	}

	/** Uploads every captcha of {@code source} and writes the kept ones with their readings into {@code folder}. */
	static Tally label(Source source, Reader reader, double minConfidence, Path folder) throws IOException {
		empty(folder);
		Tally tally = new Tally(source.count(), minConfidence);
		List<String> labels = new ArrayList<>();
		for (int i = 0; i < source.count(); i++) {
			Captcha captcha = source.captcha().apply(i);
			CaptchaClient.Reply reply = reader.read(source.profile(), captcha.bytes());
			if (reply.status() != 200) {
				// 422 is a reading the service could not evaluate (a division by zero): not a label to train on
				if (reply.status() != 422 && tally.reject() <= REJECTIONS_SHOWN) {
					System.out.printf(Locale.ROOT, "[pseudo] %s: %s refused (HTTP %d)%n", source.name(), captcha.file(),
							reply.status());
				}
				continue;
			}
			Boolean wrong = (captcha.truth() == null) ? null : !reply.text().equals(captcha.truth());
			if (tally.add(reply.confidence(), wrong)) {
				Files.write(folder.resolve(captcha.file()), captcha.bytes());
				labels.add(captcha.file() + "\t" + reply.text());
			}
		}
		Files.write(folder.resolve(RenderedGenerator.LABELS), labels, StandardCharsets.UTF_8);
		return tally;
	}

	/** A folder mixing two runs' labels would say neither's: the output folder starts empty. */
	private static void empty(Path folder) throws IOException {
		Files.createDirectories(folder);
		try (Stream<Path> files = Files.list(folder)) {
			for (Path file : files.toList()) {
				if (Files.isDirectory(file)) {
					throw new IllegalArgumentException(folder + " holds a folder (" + file.getFileName()
							+ "); it is not a folder this program wrote, so it is left alone");
				}
				Files.delete(file);
			}
		}
	}

	static Source generated(CaptchaGenerator generator, int count, long seed) {
		Random random = new Random(seed);
		return new Source(generator.name(), CaptchaClient.profile(generator.name()), count, (i) -> {
			Sample sample = generator.next(random);
			return new Captcha(String.format(Locale.ROOT, "%05d.png", i), CaptchaClient.png(sample), sample.label());
		});
	}

	/**
	 * The image files of {@code folder} in name order, at most {@code limit} of them (0: all), with the texts of
	 * its labels.tsv as their truth when it has one.
	 */
	static Source folder(Path folder, String name, String profile, int limit) throws IOException {
		if (!Files.isDirectory(folder)) {
			throw new IllegalArgumentException("--images " + folder + ": no such folder");
		}
		List<Path> files;
		try (Stream<Path> listing = Files.list(folder)) {
			files = listing.filter(Files::isRegularFile).filter(PseudoLabelCaptchas::isImage).sorted().toList();
		}
		if (limit > 0 && files.size() > limit) {
			files = files.subList(0, limit);
		}
		if (files.isEmpty()) {
			throw new IllegalArgumentException("--images " + folder + ": no image files (" + IMAGE_SUFFIXES + ") there");
		}
		Map<String, String> truths = RenderedGenerator.labels(folder);
		List<Path> chosen = files;
		return new Source(name, profile, chosen.size(), (i) -> {
			Path file = chosen.get(i);
			String fileName = file.getFileName().toString();
			try {
				return new Captcha(fileName, Files.readAllBytes(file), truths.get(fileName));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	private static boolean isImage(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		int dot = name.lastIndexOf('.');
		return dot >= 0 && IMAGE_SUFFIXES.contains(name.substring(dot));
	}

	/**
	 * Counts, for the summary, how many readings each confidence threshold keeps and how many of those are wrong
	 * (among the images whose text is known).
	 */
	static final class Tally {

		/** Confidences the summary reports the trade-off at (the kept share against the wrong labels among them). */
		private static final double[] THRESHOLDS = { 0, 0.3, 0.5, 0.7, 0.9 };

		static final String FOOTER = String.format(Locale.ROOT, "%nColumns five to nine: at that confidence, the share"
				+ " of the images kept / the share of the kept labels that are wrong (measured with the known text,"
				+ " which is not written; n/a when no text is known). Refused: uploads answered with neither 200 nor"
				+ " 422 (the service's log says why).%n");

		private final int count;

		private final double minConfidence;

		private final int[] keptAt = new int[THRESHOLDS.length];

		private final int[] knownAt = new int[THRESHOLDS.length];

		private final int[] wrongAt = new int[THRESHOLDS.length];

		private int kept;

		private int knownKept;

		private int wrongKept;

		private int rejected;

		Tally(int count, double minConfidence) {
			this.count = count;
			this.minConfidence = minConfidence;
		}

		static String header(double minConfidence) {
			StringBuilder header = new StringBuilder(String.format(Locale.ROOT,
					"%n| source | images | kept (confidence ≥ %.2f) | wrong among kept |", minConfidence));
			for (double threshold : THRESHOLDS) {
				header.append(String.format(Locale.ROOT, " ≥ %.1f: kept / wrong |", threshold));
			}
			return header.append(String.format(" refused by the service |%n|---|---|---|---|%s---|%n",
					"---|".repeat(THRESHOLDS.length))).toString();
		}

		/**
		 * @param wrong whether the reading differs from the known text, null when the text is not known
		 * @return whether the reading is kept as a label
		 */
		boolean add(double confidence, Boolean wrong) {
			for (int t = 0; t < THRESHOLDS.length; t++) {
				if (confidence >= THRESHOLDS[t]) {
					this.keptAt[t]++;
					count(wrong, t);
				}
			}
			if (confidence < this.minConfidence) {
				return false;
			}
			this.kept++;
			if (wrong != null) {
				this.knownKept++;
				this.wrongKept += wrong ? 1 : 0;
			}
			return true;
		}

		private void count(Boolean wrong, int threshold) {
			if (wrong != null) {
				this.knownAt[threshold]++;
				this.wrongAt[threshold] += wrong ? 1 : 0;
			}
		}

		/** @return the number of refused uploads so far, this one included */
		int reject() {
			return ++this.rejected;
		}

		int kept() {
			return this.kept;
		}

		String row(String name) {
			StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %d (%.1f %%) | %s |", name,
					this.count, this.kept, 100.0 * this.kept / Math.max(1, this.count), wrong(this.wrongKept, this.knownKept)));
			for (int t = 0; t < THRESHOLDS.length; t++) {
				row.append(String.format(Locale.ROOT, " %.1f / %s |", 100.0 * this.keptAt[t] / Math.max(1, this.count),
						share(this.wrongAt[t], this.knownAt[t])));
			}
			return row.append(String.format(Locale.ROOT, " %d |%n", this.rejected)).toString();
		}

		private static String wrong(int wrong, int known) {
			return (known == 0) ? "n/a" : String.format(Locale.ROOT, "%d (%.1f %%)", wrong, 100.0 * wrong / known);
		}

		private static String share(int wrong, int known) {
			return (known == 0) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100.0 * wrong / known);
		}

	}

}
