package org.meshguide.captcha.trainer;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import org.meshguide.captcha.core.Preprocessing;
import org.meshguide.captcha.core.Vocabulary;

/**
 * The model: a CNN that reads the 48 × 160 ink image column by column and says, for each of 40 columns,
 * which character (or none) it sees there; CTC turns those 40 guesses into the text. No recurrent layer: two
 * 1 × 5 convolutions along the columns give each column the context a BiLSTM would (about 100 input pixels:
 * a glyph and both neighbours, which is what tells a thin "-" from interference and keeps CTC from dropping
 * it) while the ONNX graph keeps to operators every runtime has (Conv, Relu, MaxPool). About 44 M
 * multiply-adds per image.
 *
 * <pre>
 * [N,1,48,160] conv16 pool2×2 → conv32 pool2×2 → conv64 pool2×1 → conv96 pool2×1 → [N,96,3,40]
 *              conv 3×3 no vertical padding → [N,128,1,40] → 2 × conv 1×5 → dropout → conv 1×1 → [N,classes,1,40]
 * </pre>
 * Each conv is followed by batch norm + ReLU; the exporter folds every batch norm into its conv. A width w
 * scales every layer's channels (w = 1 is the net above; compute grows about as w², parameters too); the
 * model's input and output do not change, so the service reads any width.
 */
final class CaptchaNet {

	static final int STEPS = Preprocessing.WIDTH / 4;

	/** One conv and the batch norm that follows it (null for the output layer). */
	record Layer(Conv2d conv, BatchNorm norm, Shape padding, Shape pool) {
	}

	final SequentialBlock block = new SequentialBlock();

	final List<Layer> layers = new ArrayList<>();

	private final double width;

	CaptchaNet(double width) {
		this.width = width;
		convolution(16, new Shape(1, 1), new Shape(2, 2));
		convolution(32, new Shape(1, 1), new Shape(2, 2));
		convolution(64, new Shape(1, 1), new Shape(2, 1));
		convolution(96, new Shape(1, 1), new Shape(2, 1));
		convolution(128, new Shape(0, 1), null);
		convolution(128, new Shape(1, 5), new Shape(0, 2), null);
		convolution(128, new Shape(1, 5), new Shape(0, 2), null);
		this.block.add(Dropout.builder().optRate(0.2f).build());
		Conv2d output = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(Vocabulary.classes()).build();
		this.block.add(output);
		this.layers.add(new Layer(output, null, new Shape(0, 0), null));
	}

	private void convolution(int filters, Shape padding, Shape pool) {
		convolution(filters, new Shape(3, 3), padding, pool);
	}

	private void convolution(int filters, Shape kernel, Shape padding, Shape pool) {
		Conv2d conv = Conv2d.builder()
			.setKernelShape(kernel)
			.optPadding(padding)
			.setFilters((int) Math.round(filters * this.width))
			.build();
		BatchNorm norm = BatchNorm.builder().build();
		this.block.add(conv).add(norm).add(Activation.reluBlock());
		if (pool != null) {
			this.block.add(Pool.maxPool2dBlock(pool, pool));
		}
		this.layers.add(new Layer(conv, norm, padding, pool));
	}

}
