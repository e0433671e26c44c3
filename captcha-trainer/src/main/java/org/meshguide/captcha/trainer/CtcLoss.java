package org.meshguide.captcha.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/** {@link Ctc#loss} as a DJL loss: labels are [N, L] classes padded with blanks. */
final class CtcLoss extends Loss {

	CtcLoss() {
		super("CTC");
	}

	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		return Ctc.loss(predictions.singletonOrThrow(), labels.singletonOrThrow());
	}

}
