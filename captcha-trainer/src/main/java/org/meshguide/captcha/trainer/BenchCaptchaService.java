package org.meshguide.captcha.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.meshguide.captcha.testkit.gen.CaptchaGenerator;
import org.meshguide.captcha.testkit.gen.Generators;
import org.meshguide.captcha.testkit.gen.RenderedGenerator;
import org.meshguide.captcha.testkit.gen.Sample;

/**
 * Measures a running captcha-service through HTTP, as a client sees it: for each library generator, fresh
 * captchas (a seed neither training nor the tests use) uploaded one at a time as PNG; full-string accuracy
 * (the whole reading right, or it counts as wrong), for arithmetic captchas also whether the expression was
 * right whatever became of the "=?" after it and whichever of × x * it read for a multiplication (the answer
 * is then right), the latency of each request, and the share of requests that took the service's second look
 * (replies with more than one view: answers, and the 422s that carry their views too). A division by zero read
 * right (HTTP 422) counts as read.
 * Appends a Markdown table to --out, the first misreadings of each generator and the commonest kinds of edit
 * among them ({@link Misreadings}): what to work on next. With --readings, also every reading, one line per
 * captcha, so that two models measured on the same captchas can be compared captcha by captcha
 * (captcha-trainer/scripts/compare-readings.py).
 * <pre>
 * --url URL            the service (default http://127.0.0.1:8080)
 * --count N            captchas per generator (default 1000)
 * --seed N             default 7001
 * --generators A,B     default: every library generator, the four the model trains on and the four it never saw
 * --foreign DIR        also the captchas libraries in other languages rendered into DIR (the held-out set of
 *                      captcha-trainer/scripts/render-foreign-captchas.sh), each file once, in order
 * --held-out DIR       draw each generator's captchas once, into DIR/seed-N/GENERATOR (images and labels.tsv,
 *                      the first run that needs them), and read them from there: every run and every model is
 *                      then measured on the same captchas, which hutool's own randomness (no seed) does not
 *                      allow otherwise; for the seeded libraries the images are the ones drawn live
 * --label TEXT         the model's name in the table
 * --out FILE           default target/bench.md
 * --readings FILE      append "model TAB generator TAB index TAB label TAB reading TAB full-string right TAB
 *                      answer right" per captcha
 * </pre>
 */
public final class BenchCaptchaService {

	private static final int WARMUP = 50;

	private static final int MISREAD_EXAMPLES = 8;

	private static final int KINDS = 8;

	private BenchCaptchaService() {
	}

	public static void main(String[] args) throws Exception {
		List<String> words = Args.words(args);
		String url = Args.option(words, "url", "http://127.0.0.1:8080");
		int count = Integer.parseInt(Args.option(words, "count", "1000"));
		long seed = Long.parseLong(Args.option(words, "seed", "7001"));
		String label = Args.option(words, "label", "captcha.onnx");
		Path out = Path.of(Args.option(words, "out", "target/bench.md"));
		String names = Args.option(words, "generators", "");
		String foreign = Args.option(words, "foreign", "");
		String heldOut = Args.option(words, "held-out", "");
		String readings = Args.option(words, "readings", "");
		Map<String, RenderedGenerator> rendered = foreign.isEmpty() ? Map.of() : RenderedGenerator.in(Path.of(foreign));
		if (!foreign.isEmpty() && rendered.isEmpty()) {
			throw new IllegalArgumentException(
					"--foreign " + foreign + ": no rendered captchas there; run captcha-trainer/scripts/render-foreign-captchas.sh");
		}
		List<CaptchaGenerator> generators = new ArrayList<>();
		if (names.isEmpty()) {
			generators.addAll(Generators.all());
			generators.addAll(rendered.values());
		}
		else {
			Arrays.stream(names.split(","))
				.map((name) -> rendered.containsKey(name) ? rendered.get(name) : Generators.named(name))
				.forEach(generators::add);
		}
		if (!heldOut.isEmpty()) {
			for (int g = 0; g < generators.size(); g++) {
				if (!(generators.get(g) instanceof RenderedGenerator)) {
					generators.set(g, drawnOnce(generators.get(g), count, seed, Path.of(heldOut)));
				}
			}
		}
		CaptchaClient client = new CaptchaClient(url);
		// only with --readings: a line per captcha is the one thing here that grows with --count
		StringBuilder perCaptcha = readings.isEmpty() ? null : new StringBuilder();

		Random warmup = new Random(seed - 1);
		for (int i = 0; i < WARMUP; i++) {
			client.read("math", generators.get(0).next(warmup));
		}
		StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
				"%n| model | generator | captchas | full-string accuracy | expression right (answer right) | p50 ms | p99 ms"
						+ " | second look |%n"
						+ "|---|---|---|---|---|---|---|---|%n"));
		List<Double> all = new ArrayList<>();
		List<Double> inService = new ArrayList<>();
		StringBuilder misread = new StringBuilder();
		StringBuilder kindsOfError = new StringBuilder();
		for (CaptchaGenerator generator : generators) {
			String profile = CaptchaClient.profile(generator.name());
			boolean math = profile.equals("math");
			Random random = new Random(seed);
			int correct = 0;
			int answersRight = 0;
			int secondLooks = 0;
			List<Double> latencies = new ArrayList<>(count);
			List<String> examples = new ArrayList<>();
			Misreadings kinds = new Misreadings();
			for (int i = 0; i < count; i++) {
				// a rendered set is finite: each file once rather than some twice and some never
				Sample sample = (generator instanceof RenderedGenerator files) ? files.sample(i % files.size())
						: generator.next(random);
				byte[] image = CaptchaClient.png(sample);
				long start = System.nanoTime();
				CaptchaClient.Reply reply = client.read(profile, image);
				latencies.add((System.nanoTime() - start) / 1e6);
				if (reply.elapsedMs() >= 0) {
					inService.add(reply.elapsedMs());
				}
				if (reply.views() > 1) {
					secondLooks++;
				}
				String reading = reply.text();
				boolean answered = reply.answered();
				boolean right = answered && reading.equals(sample.label());
				boolean answerRight = answered && sameExpression(reading, sample.label());
				if (right) {
					correct++;
				}
				if (answerRight) {
					answersRight++;
				}
				else if (examples.size() < MISREAD_EXAMPLES) {
					examples.add("`" + sample.label() + "` → `" + reading + "`");
				}
				if (perCaptcha != null) {
					// for text the answer is the whole string: no ending, no multiplication sign to tell apart
					perCaptcha.append(String.join("\t", label, generator.name(), Integer.toString(i), sample.label(),
							reading, Boolean.toString(right), Boolean.toString(answerRight))).append('\n');
				}
				if (answered && !(math && answerRight)) {
					kinds.add(math ? withoutEnding(sample.label()) : sample.label(), math ? withoutEnding(reading) : reading);
				}
			}
			all.addAll(latencies);
			String expression = math
					? String.format(Locale.ROOT, "%.1f %%", 100.0 * answersRight / count) : "—";
			String row = String.format(Locale.ROOT, "| %s | %s | %d | %.1f %% | %s | %.1f | %.1f | %.1f %% |%n", label,
					generator.name(), count, 100.0 * correct / count, expression, percentile(latencies, 50),
					percentile(latencies, 99), 100.0 * secondLooks / count);
			System.out.print(row);
			table.append(row);
			misread.append(String.format(Locale.ROOT, "- %s %s: %s%n", label, generator.name(),
					examples.isEmpty() ? "none" : String.join(", ", examples)));
			kindsOfError.append(String.format(Locale.ROOT, "- %s %s: %s%n", label, generator.name(), kinds.summary(KINDS)));
		}
		table.append(String.format(Locale.ROOT,
				"%nAll %d requests: p50 %.1f ms, p99 %.1f ms through HTTP (one client, sequential, PNG); inside the service"
						+ " (decode, preprocess, infer, read, compute) p50 %.2f ms, p99 %.2f ms.%n",
				all.size(), percentile(all, 50), percentile(all, 99), percentile(inService, 50), percentile(inService, 99)));
		table.append(String.format(Locale.ROOT, "%nThe first misreadings (expression wrong) of each generator:%n%n"))
			.append(misread);
		table.append(String.format(Locale.ROOT,
				"%nThe commonest kinds of edit in the misreadings (arithmetic: expression wrong, the \"=?\" ending left out):%n%n"))
			.append(kindsOfError);
		System.out.print(table);
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, table, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		if (perCaptcha != null) {
			Files.writeString(Path.of(readings), perCaptcha, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
	}

	/**
	 * The generator's first {@code count} captchas for {@code seed}, drawn into {@code root} by the first run that
	 * asks for them, in the order a live run draws them. The labels are written last, so a run cut short leaves a
	 * folder that the next run draws again rather than one it trusts.
	 */
	static RenderedGenerator drawnOnce(CaptchaGenerator generator, int count, long seed, Path root) throws IOException {
		Path folder = root.resolve("seed-" + seed).resolve(generator.name());
		if (RenderedGenerator.labels(folder).size() >= count) {
			return new RenderedGenerator(folder);
		}
		Files.createDirectories(folder);
		Files.deleteIfExists(folder.resolve(RenderedGenerator.LABELS));
		Random random = new Random(seed);
		StringBuilder labels = new StringBuilder();
		for (int i = 0; i < count; i++) {
			Sample sample = generator.next(random);
			String file = String.format(Locale.ROOT, "%05d.png", i);
			Files.write(folder.resolve(file), CaptchaClient.png(sample));
			labels.append(file).append('\t').append(sample.label()).append('\n');
		}
		Files.writeString(folder.resolve(RenderedGenerator.LABELS), labels, StandardCharsets.UTF_8);
		return new RenderedGenerator(folder);
	}

	/**
	 * Whether a reading has the label's expression, whatever became of the "=?" after it and whichever of
	 * {@code × x *} stands for the multiplication: the service computes the same answer either way.
	 */
	static boolean sameExpression(String reading, String label) {
		return expression(reading).equals(expression(label));
	}

	private static String expression(String text) {
		return withoutEnding(text).replaceAll("[×x*]", "×");
	}

	private static String withoutEnding(String text) {
		return text.replaceFirst("[=?]+$", "");
	}

	/** The nearest-rank percentile: the smallest value with at least {@code percent} % of the values at or below it. */
	static double percentile(List<Double> values, int percent) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
	}

}
