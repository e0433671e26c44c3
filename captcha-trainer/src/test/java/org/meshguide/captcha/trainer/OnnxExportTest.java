package org.meshguide.captcha.trainer;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The exporter writes the ONNX graph itself and folds every batch norm into its conv; the importer undoes the
 * folding. A net with batch norms far from the identity must compute the same logits in libtorch, in ONNX
 * Runtime from the exported file (what the service runs), and in libtorch again after the import, at the
 * service's width and at a wider one (--width).
 */
class OnnxExportTest {

	private static final int BATCH = 3;

	@TempDir
	Path folder;

	@ParameterizedTest
	@ValueSource(doubles = { 1, 1.5 })
	void theExportComputesWhatTheNetComputesAndTheImportGetsTheNetBack(double width) throws Exception {
		try (NDManager manager = NDManager.newBaseManager()) {
			Shape input = new Shape(BATCH, 1, Preprocessing.HEIGHT, Preprocessing.WIDTH);
			CaptchaNet net = new CaptchaNet(width);
			net.block.initialize(manager, DataType.FLOAT32, input);
			Random random = new Random(20251127);
			for (CaptchaNet.Layer layer : net.layers) {
				if (layer.norm() != null) {
					randomise(layer.norm().getParameters().get("runningMean").getArray(), random, -0.5, 0.5);
					randomise(layer.norm().getParameters().get("runningVar").getArray(), random, 0.2, 2);
					randomise(layer.norm().getParameters().get("gamma").getArray(), random, 0.5, 1.5);
					randomise(layer.norm().getParameters().get("beta").getArray(), random, -0.3, 0.3);
				}
			}
			float[] pixels = new float[(int) input.size()];
			for (int i = 0; i < pixels.length; i++) {
				pixels[i] = random.nextFloat();
			}
			NDArray images = manager.create(pixels, input);
			float[] trained = logits(net, images, manager);
			Path file = this.folder.resolve("captcha.onnx");

			OnnxExport.write(net, Map.of("version", "export-test", "vocabulary", Vocabulary.CHARS), file);

			float[] exported = onnxRuntime(file, pixels);
			float scale = maxAbs(trained);
			assertThat(scale).as("logits large enough to tell a wrong fold from rounding").isGreaterThan(1);
			assertThat(maxDifference(trained, exported)).isLessThan(1e-4f * scale);

			CaptchaNet imported = new CaptchaNet(width);
			imported.block.initialize(manager, DataType.FLOAT32, input);
			String version = OnnxImport.read(imported, file, images, manager);

			assertThat(version).isEqualTo("export-test");
			assertThat(maxDifference(trained, logits(imported, images, manager))).isLessThan(1e-4f * scale);
		}
	}

	@Test
	void importingAModelOfAnotherWidthIsRefusedWithTheReason() throws Exception {
		try (NDManager manager = NDManager.newBaseManager()) {
			Shape input = new Shape(1, 1, Preprocessing.HEIGHT, Preprocessing.WIDTH);
			CaptchaNet wide = new CaptchaNet(1.5);
			wide.block.initialize(manager, DataType.FLOAT32, input);
			Path file = this.folder.resolve("wide.onnx");
			OnnxExport.write(wide, Map.of("version", "wide", "vocabulary", Vocabulary.CHARS), file);
			CaptchaNet narrow = new CaptchaNet(1);
			narrow.block.initialize(manager, DataType.FLOAT32, input);
			NDArray images = manager.zeros(input);

			assertThatIllegalArgumentException().isThrownBy(() -> OnnxImport.read(narrow, file, images, manager))
				.withMessageContaining("layer0.weight should be (16, 1, 3, 3), is [24, 1, 3, 3]")
				.withMessageContaining("another --width");
		}
	}

	private static void randomise(NDArray array, Random random, double from, double to) {
		float[] values = new float[(int) array.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = (float) (from + (to - from) * random.nextDouble());
		}
		array.set(values);
	}

	/** [N, T, classes], the layout the ONNX graph outputs, from the block's [N, classes, 1, T]. */
	private static float[] logits(CaptchaNet net, NDArray images, NDManager manager) {
		NDArray out = net.block.forward(new ParameterStore(manager, false), new NDList(images), false).singletonOrThrow();
		return out.squeeze(2).transpose(0, 2, 1).toFloatArray();
	}

	private static float[] onnxRuntime(Path file, float[] pixels) throws Exception {
		try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions())) {
			float[] flat = new float[BATCH * CaptchaNet.STEPS * Vocabulary.classes()];
			int i = 0;
			for (float[][] sample : OnnxExport.logits(session, pixels)) {
				for (float[] column : sample) {
					for (float value : column) {
						flat[i++] = value;
					}
				}
			}
			return flat;
		}
	}

	private static float maxAbs(float[] values) {
		float max = 0;
		for (float value : values) {
			max = Math.max(max, Math.abs(value));
		}
		return max;
	}

	private static float maxDifference(float[] a, float[] b) {
		assertThat(b).hasSameSizeAs(a);
		float max = 0;
		for (int i = 0; i < a.length; i++) {
			max = Math.max(max, Math.abs(a[i] - b[i]));
		}
		return max;
	}

}
