package org.meshguide.captcha.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.meshguide.captcha.core.gen.CaptchaGenerator;
import org.meshguide.captcha.core.gen.Generators;
import org.meshguide.captcha.core.gen.Sample;

/**
 * Labels captchas nobody labelled with what a running captcha-service reads on them, for self-training: a team
 * that meets a new captcha has its images but not their texts. Each image is uploaded as a client would; the
 * service's reading becomes the label when the service answered (200) with at least --min-confidence. The
 * folders it writes are what {@code TrainCaptchaModel --pseudo} trains on (a PNG per image and a labels.tsv).
 * <p>
 * The generators here know each image's text, as the real situation would not. That text is never written:
 * it only measures, in the summary, how often a kept label is wrong, and what the threshold trades.
 * <pre>
 * --url URL              the service (default http://127.0.0.1:8080)
 * --generators A,B       the captchas to label (e.g. hutool-math,hutool-text)
 * --count N              images per generator (default 5000)
 * --seed N               default 9001 (the benchmark uses 7001, the tests other seeds)
 * --min-confidence C     the answer's confidence a label needs (default 0.5: the text holds more than half the
 *                        probability, averaged over the views the service read)
 * --out DIR              writes DIR/pseudo-GENERATOR/ (default target/pseudo)
 * --summary FILE         appends the summary table (Markdown) to FILE too
 * </pre>
 */
public final class PseudoLabelCaptchas {

	/** Confidences the summary reports the trade-off at (the kept share against the wrong labels among them). */
	private static final double[] THRESHOLDS = { 0, 0.3, 0.5, 0.7, 0.9 };

	private PseudoLabelCaptchas() {
	}

	public static void main(String[] args) throws IOException {
		List<String> words = Args.words(args);
		String url = Args.option(words, "url", "http://127.0.0.1:8080");
		int count = Integer.parseInt(Args.option(words, "count", "5000"));
		long seed = Long.parseLong(Args.option(words, "seed", "9001"));
		double minConfidence = Double.parseDouble(Args.option(words, "min-confidence", "0.5"));
		Path out = Path.of(Args.option(words, "out", "target/pseudo"));
		String summaryFile = Args.option(words, "summary", "");
		String names = Args.option(words, "generators", "");
		if (names.isEmpty() || !(minConfidence >= 0 && minConfidence <= 1)) {
			throw new IllegalArgumentException("usage: --generators A,B [--count N] [--seed N] [--min-confidence 0-1]"
					+ " [--out DIR] [--url URL]; got " + words);
		}
		List<CaptchaGenerator> generators = Arrays.stream(names.split(",")).map(Generators::named).toList();
		CaptchaClient client = new CaptchaClient(url);
		StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
				"%n| generator | images | kept (confidence ≥ %.2f) | wrong among kept |%s%n|---|---|---|---|%s%n",
				minConfidence, header(), "---|".repeat(THRESHOLDS.length)));
		for (CaptchaGenerator generator : generators) {
			String profile = CaptchaClient.profile(generator.name());
			Path folder = out.resolve("pseudo-" + generator.name());
			Files.createDirectories(folder);
			List<String> labels = new ArrayList<>();
			Random random = new Random(seed);
			int[] keptAt = new int[THRESHOLDS.length];
			int[] wrongAt = new int[THRESHOLDS.length];
			int wrongKept = 0;
			for (int i = 0; i < count; i++) {
				Sample sample = generator.next(random);
				byte[] png = CaptchaClient.png(sample);
				CaptchaClient.Reply reply = client.read(profile, png);
				if (reply.status() != 200) {
					continue;
				}
				boolean wrong = !reply.text().equals(sample.label());
				for (int t = 0; t < THRESHOLDS.length; t++) {
					if (reply.confidence() >= THRESHOLDS[t]) {
						keptAt[t]++;
						wrongAt[t] += wrong ? 1 : 0;
					}
				}
				if (reply.confidence() >= minConfidence) {
					String file = String.format(Locale.ROOT, "%05d.png", i);
					Files.write(folder.resolve(file), png);
					labels.add(file + "\t" + reply.text());
					wrongKept += wrong ? 1 : 0;
				}
			}
			Files.write(folder.resolve("labels.tsv"), labels, StandardCharsets.UTF_8);
			summary.append(row(generator.name(), count, labels.size(), wrongKept, keptAt, wrongAt));
			System.out.printf(Locale.ROOT, "[pseudo] %s: %d of %d kept in %s%n", generator.name(), labels.size(), count,
					folder);
		}
		summary.append(String.format(Locale.ROOT,
				"%nThe columns after the fourth: at that confidence, the share of the images kept / the share of the"
						+ " kept labels that are wrong (measured with the generator's own text, which is not written).%n"));
		System.out.print(summary);
		if (!summaryFile.isEmpty()) {
			Files.writeString(Path.of(summaryFile), summary, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
	}

	private static String header() {
		StringBuilder header = new StringBuilder();
		for (double threshold : THRESHOLDS) {
			header.append(String.format(Locale.ROOT, " ≥ %.1f: kept / wrong |", threshold));
		}
		return header.toString();
	}

	private static String row(String name, int count, int kept, int wrongKept, int[] keptAt, int[] wrongAt) {
		StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %d (%.1f %%) | %d (%.1f %%) |",
				name, count, kept, 100.0 * kept / count, wrongKept, 100.0 * wrongKept / Math.max(1, kept)));
		for (int t = 0; t < THRESHOLDS.length; t++) {
			row.append(String.format(Locale.ROOT, " %.1f / %.1f %% |", 100.0 * keptAt[t] / count,
					100.0 * wrongAt[t] / Math.max(1, keptAt[t])));
		}
		return row.append(String.format("%n")).toString();
	}

}
