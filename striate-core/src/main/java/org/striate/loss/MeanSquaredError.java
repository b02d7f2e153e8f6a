package org.striate.loss;

import org.striate.tensor.Tensor;

/**
 * The mean squared error over all elements, PyTorch's {@code mse_loss} with mean reduction: for predictions
 * {@code p} and targets {@code t} of the same shape {@code (N, ...)} with {@code M} elements in all,
 *
 * <pre>
 *   loss = (1 / M) * sum over i of (p[i] - t[i])^2
 *   d loss / d p[i] = 2 (p[i] - t[i]) / M
 * </pre>
 *
 * For {@code (N, D)} predictions this is the mean over the batch of the per-example mean over {@code D}, which is
 * Keras's {@code mean_squared_error}. The loss works on the model's output as it is (after any softmax).
 */
public final class MeanSquaredError implements Loss {

  @Override
  public String name() {
    return "mean_squared_error";
  }

  @Override
  public boolean fusesSoftmax() {
    return false;
  }

  /**
   * @param labels must be null: this loss needs tensor targets
   * @param targets the shape of {@code predictions}
   * @param grad the shape of {@code predictions}, overwritten
   * @throws IllegalArgumentException if labels are given or the shapes differ
   */
  @Override
  public double lossAndGradient(Tensor predictions, int[] labels, Tensor targets, Tensor grad) {
    check(predictions, labels, targets);
    grad.requireShape(predictions.shape(), "MeanSquaredError: gradient");
    return compute(predictions, targets, grad.data());
  }

  @Override
  public double loss(Tensor predictions, int[] labels, Tensor targets) {
    check(predictions, labels, targets);
    return compute(predictions, targets, null);
  }

  private static double compute(Tensor predictions, Tensor targets, float[] grad) {
    float[] p = predictions.data();
    float[] t = targets.data();
    int m = p.length;
    double sum = 0;
    for (int i = 0; i < m; i++) {
      double d = (double) p[i] - t[i];
      sum += d * d;
      if (grad != null) {
        grad[i] = (float) (2 * d / m);
      }
    }
    return sum / m;
  }

  private static void check(Tensor predictions, int[] labels, Tensor targets) {
    if (labels != null) {
      throw new IllegalArgumentException(
          "MeanSquaredError: needs target tensors shaped like the predictions " + predictions.shape()
              + ", got " + labels.length + " integer labels (one-hot encode them, or use CrossEntropy)");
    }
    if (targets == null) {
      throw new IllegalArgumentException("MeanSquaredError: targets must be given, got null");
    }
    if (!targets.shape().equals(predictions.shape())) {
      throw new IllegalArgumentException(
          "MeanSquaredError: targets must have the shape of the predictions " + predictions.shape() + ", got "
              + targets.shape());
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
