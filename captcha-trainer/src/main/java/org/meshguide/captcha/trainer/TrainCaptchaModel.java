package org.meshguide.captcha.trainer;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;
import org.meshguide.captcha.testkit.gen.CaptchaGenerator;
import org.meshguide.captcha.testkit.gen.Generators;
import org.meshguide.captcha.testkit.gen.RenderedGenerator;
import org.meshguide.captcha.testkit.gen.Sample;

/**
 * Generates the training data with a fixed seed, trains {@link CaptchaNet} with CTC, exports ONNX and checks
 * the export against the trained model. Options (all optional):
 * <pre>
 * --out FILE        where the ONNX model goes
 * --seed N          data, initialisation and shuffling (default 20251125)
 * --samples N       training set size (default 128000)
 * --minutes N       training time budget: the learning rate decays over wall-clock time and training stops
 *                   when it is spent, so a busy machine gets fewer steps, not a later finish (default 40)
 * --steps N         a fixed number of steps instead (what repeats a run exactly, with --threads 1)
 * --exclude LIB     leave a library out (hutool, easy, kaptcha, cage), for the leave-one-generator-out figure;
 *                   leaving easy out also drops easy-captcha's fonts from the synthetic captchas
 * --threads N       threads for data generation (default 2); libtorch's own threads are set by the pom
 * --resume DIR      start from the parameters a previous run saved in DIR instead of random ones, or from
 *                   an exported model (a FILE.onnx, such as the service's), rebuilt by {@link OnnxImport}
 * --rate R          peak learning rate (default 2e-3; lower when resuming, so the restart does not undo
 *                   what the saved parameters learnt)
 * --checkpoint DIR  where this run saves its parameters for a later --resume (default target/checkpoint)
 * --mix G=S,...     change the share of some generators (e.g. easy-text=0.08); shares are relative weights,
 *                   so the others keep theirs and the whole set is rescaled. The libraries the service model
 *                   never saw (patchca, happy, simplecaptcha, wicket, jcaptcha) have no share unless given one here
 * --foreign DIR     captchas that libraries in other languages rendered (captcha-trainer/scripts/render-foreign-captchas.sh;
 *                   default target/foreign, where it writes them, seen from captcha-trainer/): DIR/train's
 *                   generators can be given a share with --mix, DIR/held-out's are validated
 * --pseudo DIR      captchas labelled by a model rather than by their generator (PseudoLabelCaptchas, for
 *                   self-training): DIR's folders (pseudo-hutool-math, ...) can be given a share with --mix.
 *                   Their names do not start with the library's, so --exclude hutool keeps them: what it
 *                   leaves out is every image whose label came from hutool
 * --width W         scales every layer's channels of {@link CaptchaNet} (default 1, the service's model;
 *                   0.5 to 3); --resume wants the width the resumed model was trained with
 * --background B    what ink is measured against ({@link Preprocessing.Background}): image (default; one
 *                   background for the whole image, as the service's v5 was trained) or local (the colour
 *                   around each pixel); written into the model, which the service then reads the same way
 * </pre>
 * Data generation is seeded per block of {@value #BLOCK} samples, so the data set does not depend on the
 * number of threads.
 */
public final class TrainCaptchaModel {

	private static final int BATCH = 64;

	private static final float DEFAULT_PEAK_RATE = 2e-3f;

	private static final int WARMUP = 300;

	private static final int BLOCK = 1000;

	/** Training images whose statistics rebuild the batch norms of an imported model. */
	private static final int CALIBRATION = 1024;

	/** Share of the training set per generator: hutool's thin glyphs among dense interference are the hardest. */
	private static final Map<String, Double> MIX = new LinkedHashMap<>();

	static {
		MIX.put("hutool-math", 0.22);
		MIX.put("easy-math", 0.17);
		MIX.put("kaptcha-math", 0.13);
		MIX.put("cage-math", 0.10);
		MIX.put("synthetic-math", 0.20);
		MIX.put("hutool-text", 0.04);
		MIX.put("easy-text", 0.03);
		MIX.put("kaptcha-text", 0.03);
		MIX.put("cage-text", 0.03);
		MIX.put("synthetic-text", 0.05);
	}

	private TrainCaptchaModel() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		long seed = Long.parseLong(options.getOrDefault("seed", "20251125"));
		int samples = Integer.parseInt(options.getOrDefault("samples", "128000"));
		int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
		Duration budget = Duration.ofMinutes(Long.parseLong(options.getOrDefault("minutes", "40")));
		int fixedSteps = Integer.parseInt(options.getOrDefault("steps", "0"));
		String excluded = options.getOrDefault("exclude", "");
		Path out = Path.of(options.getOrDefault("out", "target/captcha.onnx"));
		Path checkpoint = Path.of(options.getOrDefault("checkpoint", "target/checkpoint"));
		float peakRate = Float.parseFloat(options.getOrDefault("rate", Float.toString(DEFAULT_PEAK_RATE)));
		Path foreign = Path.of(options.getOrDefault("foreign", "target/foreign"));
		double width = width(options.getOrDefault("width", "1"));
		SyntheticGenerator.OffRightEdge offRight = options.containsKey("off-right")
				? SyntheticGenerator.OffRightEdge.parse(options.get("off-right")) : SyntheticGenerator.OffRightEdge.DEFAULT;
		Preprocessing.Fit fit = fit(options.getOrDefault("fit", Preprocessing.Fit.STRETCH.option()));
		Preprocessing.Background background = background(
				options.getOrDefault("background", Preprocessing.Background.IMAGE.option()));
		Preprocessing.Input input = new Preprocessing.Input(fit, background);
		Map<String, RenderedGenerator> rendered = RenderedGenerator.in(foreign.resolve("train"));
		Map<String, RenderedGenerator> renderedHeldOut = RenderedGenerator.in(foreign.resolve("held-out"));
		if (options.containsKey("foreign") && rendered.isEmpty()) {
			throw new IllegalArgumentException("--foreign " + foreign + ": no rendered captchas in " + foreign.resolve("train")
					+ "; run captcha-trainer/scripts/render-foreign-captchas.sh");
		}
		if (options.containsKey("pseudo")) {
			Map<String, RenderedGenerator> pseudo = RenderedGenerator.in(Path.of(options.get("pseudo")));
			if (pseudo.isEmpty()) {
				throw new IllegalArgumentException("--pseudo " + options.get("pseudo")
						+ ": no labelled folders there; run captcha-trainer/scripts/pseudo-label-captcha.sh");
			}
			rendered.putAll(pseudo);
		}
		Map<String, Double> mix = mix(options.getOrDefault("mix", ""), rendered.keySet());
		long started = System.nanoTime();

		List<String> names = trainedOn(mix, excluded);
		log("generators %s, excluded '%s', seed %d, %d threads", names, excluded, seed, threads);
		if (!mix.equals(MIX)) {
			log("mix %s", mix);
		}
		if (fit != Preprocessing.Fit.STRETCH) {
			log("images fitted into the input: --fit %s", fit.option());
		}
		if (background != Preprocessing.Background.IMAGE) {
			log("ink measured against the colour around each pixel: --background %s", background.option());
		}
		if (!offRight.equals(SyntheticGenerator.OffRightEdge.DEFAULT)) {
			log("synthetic texts off the right edge: --off-right %s", offRight.option());
		}
		// easy-captcha's fonts are its look: leaving it out leaves them out of the synthetic captchas too
		Data train = generate(names, mix, rendered, !excluded.equals("easy"), offRight, input, true, samples, seed, threads);
		log("generated %d training samples in %s", samples, since(started));
		// validation draws the libraries' captchas only, never synthetic ones, so --off-right does not reach it
		Map<String, Data> validation = new LinkedHashMap<>();
		for (CaptchaGenerator generator : Generators.all()) {
			validation.put(generator.name(),
					generate(List.of(generator.name()), MIX, Map.of(), true, offRight, input, false, 300, seed + 1, threads));
		}
		for (String name : renderedHeldOut.keySet()) {
			validation.put(name,
					generate(List.of(name), MIX, renderedHeldOut, true, offRight, input, false, 300, seed + 1, threads));
		}
		Random random = new Random(seed);

		Engine.getInstance().setRandomSeed((int) seed);
		CaptchaNet net = new CaptchaNet(width);
		try (Model model = Model.newInstance("captcha")) {
			model.setBlock(net.block);
			long budgetNanos = budget.toNanos();
			long[] trainStart = { System.nanoTime() };
			Tracker rate = (update) -> schedule(update, peakRate, (fixedSteps > 0) ? update / (double) fixedSteps
					: (System.nanoTime() - trainStart[0]) / (double) budgetNanos);
			DefaultTrainingConfig config = new DefaultTrainingConfig(new CtcLoss())
				.optOptimizer(Optimizer.adam().optLearningRateTracker(rate).build());
			try (Trainer trainer = model.newTrainer(config)) {
				trainer.initialize(new Shape(BATCH, 1, Preprocessing.HEIGHT, Preprocessing.WIDTH));
				if (options.containsKey("resume") && options.get("resume").endsWith(".onnx")) {
					Path resume = Path.of(options.get("resume"));
					String version;
					try (NDManager calibration = trainer.getManager().newSubManager()) {
						version = OnnxImport.read(net, resume, train.images(calibration, range(0, CALIBRATION)), calibration);
					}
					log("resumed from %s (%s): %s", resume, version, accuracy(trainer, validation));
					verify(trainer, resume, validation, "the imported model");
				}
				else if (options.containsKey("resume")) {
					Path resume = Path.of(options.get("resume"), "captcha.params");
					resume(net, width, resume, trainer.getManager());
					log("resumed from %s: %s", resume, accuracy(trainer, validation));
				}
				trainStart[0] = System.nanoTime();
				int step = 0;
				double lossSum = 0;
				int epoch = 0;
				while (!done(step, fixedSteps, trainStart[0], budgetNanos)) {
					int[] order = shuffled(train.size(), random);
					for (int from = 0; from + BATCH <= order.length && !done(step, fixedSteps, trainStart[0], budgetNanos); from += BATCH) {
						try (NDManager batch = trainer.getManager().newSubManager()) {
							int[] indices = Arrays.copyOfRange(order, from, from + BATCH);
							NDArray x = train.images(batch, indices);
							NDArray y = Ctc.encode(batch, train.labels(indices));
							try (GradientCollector collector = trainer.newGradientCollector()) {
								NDArray prediction = trainer.forward(new NDList(x)).singletonOrThrow();
								NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(prediction));
								collector.backward(loss);
								lossSum += loss.getFloat();
							}
							trainer.step();
						}
						step++;
						if (step % 100 == 0) {
							log("step %d loss %.4f rate %.5f (%s, %d ms per step)", step, lossSum / 100,
									rate.getNewValue(step), since(trainStart[0]),
									(System.nanoTime() - trainStart[0]) / 1_000_000 / step);
							lossSum = 0;
						}
					}
					epoch++;
					log("epoch %d done at step %d: %s", epoch, step, accuracy(trainer, validation));
				}
				String trainingTime = since(trainStart[0]);
				Files.createDirectories(checkpoint);
				try (DataOutputStream save = new DataOutputStream(new BufferedOutputStream(
						Files.newOutputStream(checkpoint.resolve("captcha.params"))))) {
					net.block.saveParameters(save);
				}
				log("saved the parameters to %s for a later --resume", checkpoint);
				log("trained %d steps (%.1f epochs) in %s", step, step * (double) BATCH / samples, trainingTime);

				Map<String, String> metadata = new LinkedHashMap<>();
				metadata.put("vocabulary", Vocabulary.CHARS);
				metadata.put("input", "1x" + Preprocessing.HEIGHT + "x" + Preprocessing.WIDTH + " ink");
				metadata.put("fit", fit.option());
				metadata.put("background", background.option());
				// ctc2: the second architecture, with column context (CaptchaNet); ctc was the first, without it
				metadata.put("version", options.getOrDefault("version", "ctc2-" + LocalDate.now() + "-s" + seed
						+ (excluded.isEmpty() ? "" : "-no-" + excluded)));
				metadata.put("training", String.format(Locale.ROOT,
						"seed %d, width %s, %d samples, %d steps of %d, peak rate %s, %s, excluded '%s', mix '%s', off right edge %s, pseudo-labelled '%s', resumed from '%s', DJL %s on %s",
						seed, width, samples, step, BATCH, peakRate, trainingTime, excluded, options.getOrDefault("mix", ""),
						offRight.option(),
						options.getOrDefault("pseudo", ""), options.getOrDefault("resume", ""),
						Engine.getDjlVersion(), Engine.getInstance().getEngineName()));
				OnnxExport.write(net, metadata, out);
				log("wrote %s (%d KiB)", out, Files.size(out) / 1024);
				verify(trainer, out, validation, "the ONNX export");
			}
		}
		log("done in %s", since(started));
	}

	/**
	 * Copies saved parameters into the arrays the trainer already holds. {@code Block.loadParameters} on the
	 * trained block would put new arrays into its parameters while the trainer's parameter store kept training
	 * the old ones (a resumed run then started from random weights and exported the loaded ones).
	 */
	private static void resume(CaptchaNet net, double width, Path file, NDManager manager) throws IOException, MalformedModelException {
		CaptchaNet saved = new CaptchaNet(width);
		saved.block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, Preprocessing.HEIGHT, Preprocessing.WIDTH));
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
			saved.block.loadParameters(manager, in);
		}
		List<Parameter> from = saved.block.getParameters().values();
		List<Parameter> to = net.block.getParameters().values();
		for (int i = 0; i < to.size(); i++) {
			Shape shape = from.get(i).getArray().getShape();
			if (!shape.equals(to.get(i).getArray().getShape())) {
				throw new IllegalArgumentException("--resume " + file.getParent() + ": its " + from.get(i).getName() + " is "
						+ shape + ", a net of --width " + width + " has " + to.get(i).getArray().getShape()
						+ " (give the --width it was trained with)");
			}
			from.get(i).getArray().copyTo(to.get(i).getArray());
		}
	}

	private static boolean done(int step, int fixedSteps, long trainStart, long budgetNanos) {
		return (fixedSteps > 0) ? step >= fixedSteps : System.nanoTime() - trainStart >= budgetNanos;
	}

	/** Linear warm-up over the first steps, then cosine decay to 1 % of the peak as progress goes 0 → 1. */
	private static float schedule(int update, float peak, double progress) {
		if (update < WARMUP) {
			return peak * (update + 1) / WARMUP;
		}
		double clamped = Math.min(1.0, progress);
		return (float) (peak * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * clamped))));
	}

	private static String accuracy(Trainer trainer, Map<String, Data> validation) {
		StringBuilder summary = new StringBuilder();
		for (Map.Entry<String, Data> entry : validation.entrySet()) {
			Data data = entry.getValue();
			int correct = 0;
			for (int from = 0; from < data.size(); from += BATCH) {
				int[] indices = range(from, Math.min(data.size(), from + BATCH));
				try (NDManager batch = trainer.getManager().newSubManager()) {
					float[] logits = trainer.evaluate(new NDList(data.images(batch, indices))).singletonOrThrow().toFloatArray();
					for (int i = 0; i < indices.length; i++) {
						if (Ctc.decode(logits, Vocabulary.classes(), CaptchaNet.STEPS, i).equals(data.labels[indices[i]])) {
							correct++;
						}
					}
				}
			}
			summary.append(String.format(Locale.ROOT, "%s %.1f%% ", entry.getKey(), 100.0 * correct / data.size()));
		}
		return summary.toString().trim();
	}

	/** The ONNX graph in {@code file} must compute what the trained block computes, to float rounding. */
	private static void verify(Trainer trainer, Path file, Map<String, Data> validation, String what) throws Exception {
		float maxDifference = 0;
		int disagreements = 0;
		int compared = 0;
		try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions())) {
			for (Data data : validation.values()) {
				int[] indices = range(0, BATCH);
				try (NDManager batch = trainer.getManager().newSubManager()) {
					NDArray images = data.images(batch, indices);
					float[] djl = trainer.evaluate(new NDList(images)).singletonOrThrow().toFloatArray();
					float[][][] onnx = OnnxExport.logits(session, images.toFloatArray());
					for (int i = 0; i < BATCH; i++) {
						for (int t = 0; t < CaptchaNet.STEPS; t++) {
							for (int c = 0; c < Vocabulary.classes(); c++) {
								float expected = djl[(i * Vocabulary.classes() + c) * CaptchaNet.STEPS + t];
								maxDifference = Math.max(maxDifference, Math.abs(expected - onnx[i][t][c]));
							}
						}
						if (!Ctc.decode(djl, Vocabulary.classes(), CaptchaNet.STEPS, i).equals(decode(onnx[i]))) {
							disagreements++;
						}
						compared++;
					}
				}
			}
		}
		log("%s (%s) vs the block in training on %d images: max |logit difference| %.2e, %d decodes differ", what,
				file, compared, maxDifference, disagreements);
		if (maxDifference > 1e-2 || disagreements > 0) {
			throw new IllegalStateException(what + " (" + file + ") does not compute what the block in training does");
		}
	}

	static String decode(float[][] logits) {
		float[] flat = new float[logits.length * logits[0].length];
		for (int t = 0; t < logits.length; t++) {
			for (int c = 0; c < logits[t].length; c++) {
				flat[c * logits.length + t] = logits[t][c];
			}
		}
		return Ctc.decode(flat, logits[0].length, logits.length, 0);
	}

	/**
	 * Draws {@code count} samples from the named generators in the proportions of {@code mix}. Each block of
	 * {@value #BLOCK} has its own seed and each thread its own generators (the libraries keep state), so the
	 * result is the same whatever the number of threads. Rendered captchas are files, shared by the threads.
	 */
	private static Data generate(List<String> names, Map<String, Double> mix, Map<String, RenderedGenerator> rendered,
			boolean easyFonts, SyntheticGenerator.OffRightEdge offRight, Preprocessing.Input input, boolean augment,
			int count, long seed, int threads)
			throws InterruptedException, ExecutionException {
		double[] weights = names.stream().mapToDouble((name) -> mix.getOrDefault(name, 1.0)).toArray();
		double total = Arrays.stream(weights).sum();
		ThreadLocal<List<CaptchaGenerator>> generators = ThreadLocal.withInitial(() -> names.stream()
			.map((name) -> name.startsWith("synthetic") ? new SyntheticGenerator(name.endsWith("math"), easyFonts, offRight)
					: rendered.containsKey(name) ? (CaptchaGenerator) rendered.get(name) : Generators.named(name))
			.toList());
		Data data = new Data(count);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> blocks = new ArrayList<>();
			for (int first = 0; first < count; first += BLOCK) {
				int from = first;
				blocks.add(pool.submit(() -> {
					Random random = new Random(seed * 1_000_003L + from);
					for (int i = from; i < Math.min(count, from + BLOCK); i++) {
						double pick = random.nextDouble() * total;
						int g = 0;
						while (pick >= weights[g] && g < weights.length - 1) {
							pick -= weights[g++];
						}
						Sample sample = generators.get().get(g).next(random);
						BufferedImage image = augment ? Augment.apply(sample.image(), random) : sample.image();
						data.set(i, input.ink(image), sample.label());
					}
				}));
			}
			for (Future<?> block : blocks) {
				block.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		return data;
	}

	private static int[] shuffled(int size, Random random) {
		int[] order = range(0, size);
		for (int i = size - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int swap = order[i];
			order[i] = order[j];
			order[j] = swap;
		}
		return order;
	}

	private static int[] range(int from, int to) {
		int[] values = new int[to - from];
		for (int i = 0; i < values.length; i++) {
			values[i] = from + i;
		}
		return values;
	}

	/**
	 * The generators of {@code mix} that training draws from: all but the {@code excluded} library's own. A
	 * folder of pseudo-labels (pseudo-hutool-math) is not the library's: its labels are a model's readings.
	 */
	static List<String> trainedOn(Map<String, Double> mix, String excluded) {
		return mix.keySet().stream().filter((name) -> excluded.isEmpty() || !name.startsWith(excluded + "-")).toList();
	}

	static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		List<String> words = Args.words(args);
		Set<String> known = Set.of("out", "seed", "samples", "minutes", "steps", "exclude", "version", "threads",
				"resume", "checkpoint", "rate", "mix", "foreign", "pseudo", "width", "off-right", "fit",
				"background");
		for (int i = 0; i < words.size(); i++) {
			String word = words.get(i);
			if (word.isEmpty()) {
				continue;
			}
			String key = word.replaceFirst("^--", "");
			if (!word.startsWith("--") || !known.contains(key) || i + 1 >= words.size()) {
				throw new IllegalArgumentException("usage: --" + String.join(" V | --", known) + " V; got " + word);
			}
			options.put(key, words.get(++i));
		}
		return options;
	}

	/**
	 * {@link #MIX} with the shares {@code overrides} ("easy-text=0.08,synthetic-math=0.15") changes; {@code rendered}
	 * names the foreign-library generators that may be given a share.
	 */
	static Map<String, Double> mix(String overrides, Set<String> rendered) {
		Map<String, Double> mix = new LinkedHashMap<>(MIX);
		Set<String> known = new LinkedHashSet<>(MIX.keySet());
		Generators.all().forEach((generator) -> known.add(generator.name()));
		known.addAll(rendered);
		for (String override : overrides.split(",")) {
			if (override.isBlank()) {
				continue;
			}
			String[] pair = override.split("=", 2);
			double share = (pair.length == 2) ? parseNumber(pair[1]) : Double.NaN;
			if (!known.contains(pair[0]) || !(share >= 0 && share <= 1)) {
				throw new IllegalArgumentException("--mix wants GENERATOR=SHARE with a share in [0, 1] and a generator of "
						+ known + "; got " + override + (rendered.isEmpty()
								? " (the other languages' libraries are there once captcha-trainer/scripts/render-foreign-captchas.sh ran)" : ""));
			}
			mix.put(pair[0], share);
		}
		return mix;
	}

	static Preprocessing.Fit fit(String option) {
		return Preprocessing.Fit.named(option)
			.orElseThrow(() -> new IllegalArgumentException(
					"--fit wants stretch, letterbox or pillarbox (how an image is fitted into the model's input); got "
							+ option));
	}

	static Preprocessing.Background background(String option) {
		return Preprocessing.Background.named(option)
			.orElseThrow(() -> new IllegalArgumentException(
					"--background wants image or local (what a pixel's ink is measured against); got " + option));
	}

	static double width(String option) {
		double width = parseNumber(option);
		if (!(width >= 0.5 && width <= 3)) {
			throw new IllegalArgumentException("--width wants a channel scale from 0.5 to 3 (1 is the service's model); got " + option);
		}
		return width;
	}

	private static double parseNumber(String number) {
		try {
			return Double.parseDouble(number);
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	private static String since(long start) {
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		return String.format(Locale.ROOT, "%dm%02ds", elapsed.toMinutes(), elapsed.toSecondsPart());
	}

	private static void log(String format, Object... args) {
		System.out.printf(Locale.ROOT, "[train] " + format + "%n", args);
	}

	/**
	 * Images as bytes (a float each would need 4 times the memory), labels as text. Threads fill disjoint
	 * slots; {@link Future#get} publishes what they wrote.
	 */
	private static final class Data {

		private static final int PIXELS = Preprocessing.HEIGHT * Preprocessing.WIDTH;

		private final byte[] pixels;

		private final String[] labels;

		Data(int size) {
			this.pixels = new byte[size * PIXELS];
			this.labels = new String[size];
		}

		void set(int index, float[] ink, String label) {
			int offset = index * PIXELS;
			for (int i = 0; i < PIXELS; i++) {
				this.pixels[offset + i] = (byte) Math.round(ink[i] * 255);
			}
			this.labels[index] = label;
		}

		int size() {
			return this.labels.length;
		}

		NDArray images(NDManager manager, int[] indices) {
			float[] batch = new float[indices.length * PIXELS];
			for (int i = 0; i < indices.length; i++) {
				int offset = indices[i] * PIXELS;
				for (int p = 0; p < PIXELS; p++) {
					batch[i * PIXELS + p] = (this.pixels[offset + p] & 0xff) / 255f;
				}
			}
			return manager.create(batch, new Shape(indices.length, 1, Preprocessing.HEIGHT, Preprocessing.WIDTH));
		}

		List<String> labels(int[] indices) {
			List<String> batch = new ArrayList<>(indices.length);
			for (int index : indices) {
				batch.add(this.labels[index]);
			}
			return batch;
		}

	}

}
