package org.striate.loss;

import org.striate.tensor.Tensor;

/**
 * A training objective: the mean over the batch of a per-example loss, and its gradient.
 *
 * <p>Targets come as integer class labels or as a tensor shaped like the predictions (one-hot rows or
 * regression values); exactly one is non-null.
 */
public interface Loss {

  /** The Keras-style name, such as {@code categorical_crossentropy}. */
  String name();

  /**
   * Whether this loss applies the model's final softmax itself (softmax cross-entropy on logits). A model
   * whose output ends in softmax then hands its logits to the loss instead.
   */
  boolean fusesSoftmax();

  /**
   * The mean loss over the batch; writes {@code d loss / d predictions} over {@code grad}, which has the shape
   * of {@code predictions}. With {@link #fusesSoftmax()}, {@code predictions} are logits.
   *
   * @throws IllegalArgumentException if the targets do not match the predictions; the message shows both
   */
  double lossAndGradient(Tensor predictions, int[] labels, Tensor targets, Tensor grad);

  /** The mean loss only. */
  double loss(Tensor predictions, int[] labels, Tensor targets);
}
