package org.meshguide.captcha.trainer;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.meshguide.captcha.core.Vocabulary;

/**
 * Connectionist temporal classification: the loss that lets the model learn text from images without being
 * told where each character is. DJL 0.36 has no CTC loss, so this is the forward algorithm written with
 * NDArray operations (autograd differentiates it): alpha[s] is the log-probability of having emitted the
 * first s symbols of the label with blanks interleaved ("-a-b-") after t columns.
 */
final class Ctc {

	/** log(0) for practical purposes: exp of it is 0 in float, and sums of a few of them stay finite. */
	private static final float NEG = -1e5f;

	private Ctc() {
	}

	/**
	 * @param logits [N, classes, 1, T] as the network outputs them
	 * @param labels [N, L] classes of the N labels, padded with blanks
	 * @return the mean negative log-likelihood of the labels
	 */
	static NDArray loss(NDArray logits, NDArray labels) {
		return loss(logits, texts(labels));
	}

	static NDArray loss(NDArray logits, List<String> labels) {
		NDManager manager = logits.getManager();
		NDArray logProbs = logits.squeeze(2).transpose(0, 2, 1).logSoftmax(2);
		int batch = labels.size();
		int steps = (int) logProbs.getShape().get(1);
		int classes = Vocabulary.classes();
		int maxLength = labels.stream().mapToInt(String::length).max().orElse(0);
		int states = 2 * maxLength + 1;
		float[] oneHot = new float[batch * classes * states];
		float[] skip = new float[batch * states];
		float[] start = new float[batch * states];
		float[] end = new float[batch * states];
		for (int b = 0; b < batch; b++) {
			String label = labels.get(b);
			int[] extended = new int[states];
			for (int k = 0; k < label.length(); k++) {
				extended[2 * k + 1] = Vocabulary.classOf(label.charAt(k));
			}
			for (int s = 0; s < states; s++) {
				oneHot[(b * classes + extended[s]) * states + s] = 1;
				boolean canSkip = s >= 2 && extended[s] != Vocabulary.BLANK && extended[s] != extended[s - 2];
				skip[b * states + s] = canSkip ? 0 : NEG;
				start[b * states + s] = (s < 2) ? 0 : NEG;
				boolean last = s == 2 * label.length() || s == 2 * label.length() - 1;
				end[b * states + s] = last ? 0 : NEG;
			}
		}
		// emissions[n, t, s] = log p(extended label symbol s at column t)
		NDArray emissions = logProbs.matMul(manager.create(oneHot, new Shape(batch, classes, states)));
		NDArray skipMask = manager.create(skip, new Shape(batch, states));
		NDArray column = manager.full(new Shape(batch, 1), NEG);
		NDArray twoColumns = manager.full(new Shape(batch, 2), NEG);
		NDArray alpha = emissions.get(new NDIndex(":, 0, :")).add(manager.create(start, new Shape(batch, states)));
		for (int t = 1; t < steps; t++) {
			NDArray previous = NDArrays.concat(new NDList(column, alpha.get(new NDIndex(":, :-1"))), 1);
			NDArray beforePrevious = NDArrays
				.concat(new NDList(twoColumns, alpha.get(new NDIndex(":, :-2"))), 1)
				.add(skipMask);
			alpha = logSumExp(alpha, previous, beforePrevious).add(emissions.get(new NDIndex(":, {}, :", t)));
		}
		NDArray last = alpha.add(manager.create(end, new Shape(batch, states)));
		NDArray max = last.max(new int[] { 1 }, true).stopGradient();
		NDArray logLikelihood = last.sub(max).exp().sum(new int[] { 1 }, true).log().add(max);
		return logLikelihood.neg().mean();
	}

	static NDArray encode(NDManager manager, List<String> labels) {
		int maxLength = labels.stream().mapToInt(String::length).max().orElse(0);
		int[] classes = new int[labels.size() * maxLength];
		for (int b = 0; b < labels.size(); b++) {
			for (int k = 0; k < labels.get(b).length(); k++) {
				classes[b * maxLength + k] = Vocabulary.classOf(labels.get(b).charAt(k));
			}
		}
		return manager.create(classes, new Shape(labels.size(), maxLength));
	}

	private static List<String> texts(NDArray labels) {
		int batch = (int) labels.getShape().get(0);
		int maxLength = (int) labels.getShape().get(1);
		int[] classes = labels.toIntArray();
		List<String> texts = new ArrayList<>(batch);
		for (int b = 0; b < batch; b++) {
			StringBuilder text = new StringBuilder();
			for (int k = 0; k < maxLength && classes[b * maxLength + k] != Vocabulary.BLANK; k++) {
				text.append(Vocabulary.charOf(classes[b * maxLength + k]));
			}
			texts.add(text.toString());
		}
		return texts;
	}

	private static NDArray logSumExp(NDArray a, NDArray b, NDArray c) {
		NDArray max = a.maximum(b).maximum(c).stopGradient();
		return a.sub(max).exp().add(b.sub(max).exp()).add(c.sub(max).exp()).log().add(max);
	}

	/** Best path: the most likely class per column, repeats merged, blanks dropped. */
	static String decode(float[] logits, int classes, int steps, int sample) {
		StringBuilder text = new StringBuilder();
		int previous = Vocabulary.BLANK;
		for (int t = 0; t < steps; t++) {
			int best = 0;
			float bestValue = -Float.MAX_VALUE;
			for (int c = 0; c < classes; c++) {
				// logits laid out [N, classes, 1, T]
				float value = logits[(sample * classes + c) * steps + t];
				if (value > bestValue) {
					bestValue = value;
					best = c;
				}
			}
			if (best != previous && best != Vocabulary.BLANK) {
				text.append(Vocabulary.charOf(best));
			}
			previous = best;
		}
		return text.toString();
	}

}
