package org.meshguide.captcha;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;

/**
 * The trained model in ONNX Runtime: one session for the life of the process (sessions are thread-safe).
 * Refuses, at startup, a model whose vocabulary is not the one this build decodes with.
 */
final class CaptchaModel implements AutoCloseable {

	private final OrtEnvironment environment = OrtEnvironment.getEnvironment();

	private final OrtSession session;

	private final String version;

	CaptchaModel(CaptchaProperties properties) throws IOException, OrtException {
		try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
			options.setIntraOpNumThreads(properties.inferenceThreads());
			options.setInterOpNumThreads(1);
			this.session = this.environment.createSession(properties.model().getContentAsByteArray(), options);
		}
		Map<String, String> metadata = this.session.getMetadata().getCustomMetadata();
		if (!Vocabulary.CHARS.equals(metadata.get("vocabulary"))) {
			this.session.close();
			throw new IllegalStateException(properties.model() + " was trained on vocabulary '"
					+ metadata.get("vocabulary") + "', this build decodes '" + Vocabulary.CHARS + "'");
		}
		this.version = metadata.getOrDefault("version", "unknown");
	}

	String version() {
		return this.version;
	}

	/**
	 * @param ink one image from {@link Preprocessing#ink}
	 * @return logits per column and class, [T][classes]
	 */
	float[][] logits(float[] ink) {
		return logits(List.of(ink))[0];
	}

	/**
	 * One run for several inputs: the model's batch dimension is free, and one run of N costs less than N runs.
	 *
	 * @param inks images from {@link Preprocessing#ink}
	 * @return per image, logits per column and class, [image][T][classes]
	 */
	float[][][] logits(List<float[]> inks) {
		int size = Preprocessing.HEIGHT * Preprocessing.WIDTH;
		FloatBuffer batch = FloatBuffer.allocate(inks.size() * size);
		inks.forEach(batch::put);
		batch.flip();
		try (OnnxTensor input = OnnxTensor.createTensor(this.environment, batch,
				new long[] { inks.size(), 1, Preprocessing.HEIGHT, Preprocessing.WIDTH });
				OrtSession.Result result = this.session.run(Map.of("image", input))) {
			return (float[][][]) result.get(0).getValue();
		}
		catch (OrtException ex) {
			throw new IllegalStateException("ONNX Runtime failed on a well-formed input", ex);
		}
	}

	@Override
	public void close() throws OrtException {
		this.session.close();
	}

}
