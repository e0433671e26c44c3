package org.meshguide.captcha.trainer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;

/**
 * Writes the trained {@link CaptchaNet} as an ONNX graph: Conv (batch norm folded in) → Relu → MaxPool per
 * layer, then [N, classes, 1, T] reshaped to logits [N, T, classes]. Written node by node from the trained
 * weights, because DJL cannot export a PyTorch-engine model to ONNX.
 */
final class OnnxExport {

	private static final int OPSET = 13;

	/** DJL's batch norm default ε, which the folding and {@link OnnxImport} must use too. */
	static final float EPSILON = 1e-5f;

	private OnnxExport() {
	}

	static void write(CaptchaNet net, Map<String, String> metadata, Path file) throws IOException {
		GraphProto.Builder graph = GraphProto.newBuilder().setName("captcha-ctc");
		graph.addInput(tensorInfo("image", "N", 1, Preprocessing.HEIGHT, Preprocessing.WIDTH));
		graph.addOutput(tensorInfo("logits", "N", CaptchaNet.STEPS, Vocabulary.classes()));
		String current = "image";
		int index = 0;
		for (CaptchaNet.Layer layer : net.layers) {
			String name = "layer" + index++;
			float[][] folded = fold(layer);
			long[] shape = layer.conv().getParameters().get("weight").getArray().getShape().getShape();
			graph.addInitializer(tensor(name + ".weight", folded[0], shape));
			graph.addInitializer(tensor(name + ".bias", folded[1], new long[] { shape[0] }));
			long ph = layer.padding().get(0);
			long pw = layer.padding().get(1);
			graph.addNode(NodeProto.newBuilder()
				.setOpType("Conv")
				.setName(name + ".conv")
				.addInput(current)
				.addInput(name + ".weight")
				.addInput(name + ".bias")
				.addOutput(name + ".conv")
				.addAttribute(ints("kernel_shape", shape[2], shape[3]))
				.addAttribute(ints("pads", ph, pw, ph, pw)));
			current = name + ".conv";
			if (layer.norm() == null) {
				continue;
			}
			graph.addNode(NodeProto.newBuilder().setOpType("Relu").setName(name + ".relu").addInput(current).addOutput(name + ".relu"));
			current = name + ".relu";
			if (layer.pool() != null) {
				long kh = layer.pool().get(0);
				long kw = layer.pool().get(1);
				graph.addNode(NodeProto.newBuilder()
					.setOpType("MaxPool")
					.setName(name + ".pool")
					.addInput(current)
					.addOutput(name + ".pool")
					.addAttribute(ints("kernel_shape", kh, kw))
					.addAttribute(ints("strides", kh, kw)));
				current = name + ".pool";
			}
		}
		graph.addInitializer(tensor("shape", new long[] { 0, Vocabulary.classes(), CaptchaNet.STEPS }));
		graph.addNode(NodeProto.newBuilder().setOpType("Reshape").setName("squeeze").addInput(current).addInput("shape").addOutput("columns"));
		graph.addNode(NodeProto.newBuilder()
			.setOpType("Transpose")
			.setName("transpose")
			.addInput("columns")
			.addOutput("logits")
			.addAttribute(ints("perm", 0, 2, 1)));
		ModelProto.Builder model = ModelProto.newBuilder()
			.setIrVersion(8)
			.setProducerName("captcha-trainer")
			.setModelVersion(1)
			.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
			.setGraph(graph);
		metadata.forEach((key, value) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.write(file, model.build().toByteArray());
	}

	/**
	 * What an exported model in {@code session} computes for {@code images} (row-major 48 × 160 ink images, one
	 * after the other), as the service runs it: logits [N, T, classes].
	 */
	static float[][][] logits(OrtSession session, float[] images) throws OrtException {
		long count = images.length / (Preprocessing.HEIGHT * Preprocessing.WIDTH);
		try (OnnxTensor input = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(images),
				new long[] { count, 1, Preprocessing.HEIGHT, Preprocessing.WIDTH });
				OrtSession.Result result = session.run(Map.of("image", input))) {
			return (float[][][]) result.get(0).getValue();
		}
	}

	/** conv(x) then batch norm, as one conv: w' = w·γ/σ, b' = (b − μ)·γ/σ + β per output channel. */
	private static float[][] fold(CaptchaNet.Layer layer) {
		float[] weight = layer.conv().getParameters().get("weight").getArray().toFloatArray();
		NDArray biasArray = layer.conv().getParameters().get("bias").getArray();
		float[] bias = biasArray.toFloatArray();
		if (layer.norm() == null) {
			return new float[][] { weight, bias };
		}
		float[] gamma = layer.norm().getParameters().get("gamma").getArray().toFloatArray();
		float[] beta = layer.norm().getParameters().get("beta").getArray().toFloatArray();
		float[] mean = layer.norm().getParameters().get("runningMean").getArray().toFloatArray();
		float[] variance = layer.norm().getParameters().get("runningVar").getArray().toFloatArray();
		int perChannel = weight.length / bias.length;
		for (int o = 0; o < bias.length; o++) {
			float scale = gamma[o] / (float) Math.sqrt(variance[o] + EPSILON);
			for (int i = 0; i < perChannel; i++) {
				weight[o * perChannel + i] *= scale;
			}
			bias[o] = (bias[o] - mean[o]) * scale + beta[o];
		}
		return new float[][] { weight, bias };
	}

	private static ValueInfoProto tensorInfo(String name, String batch, long... dims) {
		TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
		shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
		for (long dim : dims) {
			shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
		}
		return ValueInfoProto.newBuilder()
			.setName(name)
			.setType(TypeProto.newBuilder()
				.setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
			.build();
	}

	private static TensorProto tensor(String name, float[] values, long[] shape) {
		TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
		for (long dim : shape) {
			tensor.addDims(dim);
		}
		for (float value : values) {
			tensor.addFloatData(value);
		}
		return tensor.build();
	}

	private static TensorProto tensor(String name, long[] values) {
		TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
		for (long value : values) {
			tensor.addInt64Data(value);
		}
		return tensor.build();
	}

	private static AttributeProto ints(String name, long... values) {
		AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
		for (long value : values) {
			attribute.addInts(value);
		}
		return attribute.build();
	}

}
