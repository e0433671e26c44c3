package org.meshguide.captcha;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;

import org.springframework.core.io.Resource;

/**
 * The trained model in ONNX Runtime: one session for the life of the process (sessions are thread-safe). Or
 * several, an ensemble: {@code captcha.model} lists more than one file, every member reads every image and
 * {@link CaptchaReader} lets their readings vote. Refuses, at startup, a model whose vocabulary is not the one
 * this build decodes with, and an ensemble whose members were trained to see images differently ({@code fit},
 * {@code background}).
 */
final class CaptchaModel implements AutoCloseable {

	private final OrtEnvironment environment = OrtEnvironment.getEnvironment();

	private final List<OrtSession> members = new ArrayList<>();

	private final String version;

	private final Preprocessing.Input input;

	CaptchaModel(CaptchaProperties properties) throws IOException, OrtException {
		List<String> versions = new ArrayList<>();
		Set<Preprocessing.Input> inputs = new LinkedHashSet<>();
		try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
			options.setIntraOpNumThreads(properties.inferenceThreads());
			options.setInterOpNumThreads(1);
			for (Resource model : properties.model()) {
				OrtSession member = this.environment.createSession(model.getContentAsByteArray(), options);
				this.members.add(member);
				Map<String, String> metadata = member.getMetadata().getCustomMetadata();
				if (!Vocabulary.CHARS.equals(metadata.get("vocabulary"))) {
					throw new IllegalStateException(model + " was trained on vocabulary '" + metadata.get("vocabulary")
							+ "', this build decodes '" + Vocabulary.CHARS + "'");
				}
				versions.add(metadata.getOrDefault("version", "unknown"));
				inputs.add(input(model, metadata));
			}
			if (inputs.size() > 1) {
				throw new IllegalStateException("the ensemble's members turn images into their input differently " + inputs
						+ ": every member reads the same input, so train them with the same --fit and --background");
			}
		}
		catch (IOException | OrtException | RuntimeException ex) {
			// the members already open hold native memory a failed startup would otherwise leave behind
			close();
			throw ex;
		}
		this.version = String.join("+", versions);
		this.input = inputs.iterator().next();
	}

	private static Preprocessing.Input input(Resource model, Map<String, String> metadata) {
		String fit = metadata.getOrDefault("fit", Preprocessing.Input.DEFAULT.fit().option());
		String background = metadata.getOrDefault("background", Preprocessing.Input.DEFAULT.background().option());
		return new Preprocessing.Input(
				Preprocessing.Fit.named(fit)
					.orElseThrow(() -> new IllegalStateException(model + " fits images into its input by '" + fit
							+ "', this build knows " + Arrays.toString(Preprocessing.Fit.values()))),
				Preprocessing.Background.named(background)
					.orElseThrow(() -> new IllegalStateException(model + " measures ink against the '" + background
							+ "' background, this build knows " + Arrays.toString(Preprocessing.Background.values()))));
	}

	/**
	 * How the model was trained to see an image: stretched over its input, letterboxed or pillarboxed (metadata
	 * {@code fit}), ink measured against the whole image's background or the local one (metadata
	 * {@code background}); a model without these entries was trained as {@link Preprocessing.Input#DEFAULT}.
	 */
	Preprocessing.Input input() {
		return this.input;
	}

	/** The model's version, or its members' joined by {@code +}. */
	String version() {
		return this.version;
	}

	/**
	 * @param ink one image from {@link Preprocessing#ink}
	 * @return per member, logits per column and class, [member][T][classes]
	 */
	float[][][] logits(float[] ink) {
		return Arrays.stream(logits(List.of(ink))).map((member) -> member[0]).toArray(float[][][]::new);
	}

	/**
	 * One run per member for several inputs: the model's batch dimension is free, and one run of N costs less
	 * than N runs.
	 *
	 * @param inks images from {@link Preprocessing#ink}
	 * @return per member and image, logits per column and class, [member][image][T][classes]
	 */
	float[][][][] logits(List<float[]> inks) {
		int size = Preprocessing.HEIGHT * Preprocessing.WIDTH;
		FloatBuffer batch = FloatBuffer.allocate(inks.size() * size);
		inks.forEach(batch::put);
		batch.flip();
		float[][][][] logits = new float[this.members.size()][][][];
		try (OnnxTensor input = OnnxTensor.createTensor(this.environment, batch,
				new long[] { inks.size(), 1, Preprocessing.HEIGHT, Preprocessing.WIDTH })) {
			for (int m = 0; m < logits.length; m++) {
				try (OrtSession.Result result = this.members.get(m).run(Map.of("image", input))) {
					logits[m] = (float[][][]) result.get(0).getValue();
				}
			}
			return logits;
		}
		catch (OrtException ex) {
			throw new IllegalStateException("ONNX Runtime failed on a well-formed input", ex);
		}
	}

	@Override
	public void close() throws OrtException {
		for (OrtSession member : this.members) {
			member.close();
		}
	}

}
