package org.meshguide.captcha.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Reads a model {@link OnnxExport} wrote, such as the one the service ships, back into a {@link CaptchaNet}, so
 * training can go on from the model in the repository rather than only from a checkpoint a run left in an
 * ignored folder (a fresh machine has none).
 * <p>
 * The export folded each batch norm into its conv, so the norm's own statistics are gone. They are rebuilt
 * from {@code calibration} images: with the folded conv's per-channel output mean μ and variance σ² as the
 * norm's running statistics, γ = √(σ² + ε) and β = μ, the norm is exactly the identity at inference, and in
 * training, which normalises each batch by its own statistics, it stays close to the identity for batches
 * like the calibration ones. The imported net starts where the exported one ended.
 */
final class OnnxImport {

	private OnnxImport() {
	}

	/** @return the model's version from its metadata */
	static String read(CaptchaNet net, Path file, NDArray calibration, NDManager manager) throws IOException {
		ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
		Map<String, TensorProto> initializers = new HashMap<>();
		model.getGraph().getInitializerList().forEach((tensor) -> initializers.put(tensor.getName(), tensor));
		ParameterStore store = new ParameterStore(manager, false);
		NDArray x = calibration;
		int index = 0;
		for (CaptchaNet.Layer layer : net.layers) {
			String name = "layer" + index++;
			copy(initializers, name + ".weight", layer.conv().getParameters().get("weight"), manager);
			copy(initializers, name + ".bias", layer.conv().getParameters().get("bias"), manager);
			if (layer.norm() == null) {
				continue;
			}
			NDArray y = layer.conv().forward(store, new NDList(x), false).singletonOrThrow();
			// one row per channel: the PyTorch engine averages over one axis at a time
			NDArray channels = y.transpose(1, 0, 2, 3).reshape(y.getShape().get(1), -1);
			NDArray mean = channels.mean(new int[] { 1 });
			NDArray variance = channels.sub(mean.reshape(-1, 1)).square().mean(new int[] { 1 });
			mean.copyTo(layer.norm().getParameters().get("runningMean").getArray());
			variance.copyTo(layer.norm().getParameters().get("runningVar").getArray());
			variance.add(OnnxExport.EPSILON).sqrt().copyTo(layer.norm().getParameters().get("gamma").getArray());
			mean.copyTo(layer.norm().getParameters().get("beta").getArray());
			x = Activation.relu(y);
			if (layer.pool() != null) {
				x = Pool.maxPool2d(x, layer.pool(), layer.pool(), new Shape(0, 0), false);
			}
		}
		return model.getMetadataPropsList()
			.stream()
			.filter((entry) -> entry.getKey().equals("version"))
			.map(StringStringEntryProto::getValue)
			.findFirst()
			.orElse("unknown");
	}

	private static void copy(Map<String, TensorProto> initializers, String name, Parameter parameter, NDManager manager) {
		TensorProto tensor = initializers.get(name);
		Shape expected = parameter.getArray().getShape();
		if (tensor == null || !Arrays.equals(tensor.getDimsList().stream().mapToLong(Long::longValue).toArray(),
				expected.getShape())) {
			throw new IllegalArgumentException("not a CaptchaNet export: " + name + " should be " + expected + ", is "
					+ ((tensor == null) ? "missing" : tensor.getDimsList()) + " (a model of another --width?)");
		}
		manager.create(floats(tensor), expected).copyTo(parameter.getArray());
	}

	private static float[] floats(TensorProto tensor) {
		if (tensor.getFloatDataCount() > 0) {
			float[] values = new float[tensor.getFloatDataCount()];
			for (int i = 0; i < values.length; i++) {
				values[i] = tensor.getFloatData(i);
			}
			return values;
		}
		ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
		float[] values = new float[raw.remaining() / Float.BYTES];
		raw.asFloatBuffer().get(values);
		return values;
	}

}
