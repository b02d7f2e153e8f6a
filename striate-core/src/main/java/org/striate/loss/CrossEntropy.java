package org.striate.loss;

import org.striate.tensor.Tensor;

/**
 * Softmax cross-entropy on logits, PyTorch's {@code CrossEntropyLoss} with mean reduction: for logits
 * {@code z} of shape {@code (N, C)},
 *
 * <pre>
 *   loss = (1 / N) * sum over n of ( logsumexp(z[n, :]) * sum_c y[n, c] - sum_c y[n, c] * z[n, c] )
 *   d loss / d z[n, c] = ( softmax(z[n, :])[c] * sum_c' y[n, c'] - y[n, c] ) / N
 * </pre>
 *
 * where {@code y} is the one-hot row of an integer label, or the given target row (one-hot or soft targets,
 * each row normally summing to 1, in which case the gradient is {@code (softmax(z) - y) / N}).
 * {@code logsumexp} subtracts the row maximum before exponentiating, so logits like {@code +-1000} give a finite
 * loss and an exact gradient. Sums are formed in double precision.
 *
 * <p>Since the softmax is applied here, a model ending in softmax hands its logits to this loss during training
 * (see {@link #fusesSoftmax()}); a model ending in another activation has its outputs taken as logits, as in
 * PyTorch.
 *
 * <p>{@link #name()} is {@code categorical_crossentropy}. The same loss accepts integer labels, which Keras calls
 * {@code sparse_categorical_crossentropy}; the maths is identical.
 */
public final class CrossEntropy implements Loss {

  @Override
  public String name() {
    return "categorical_crossentropy";
  }

  @Override
  public boolean fusesSoftmax() {
    return true;
  }

  /**
   * @param logits {@code (N, C)}
   * @param labels {@code N} class indices in {@code [0, C)}, or null
   * @param targets {@code (N, C)}, or null; exactly one of {@code labels} and {@code targets} is given
   * @param grad {@code (N, C)}, overwritten with {@code d loss / d logits}
   * @throws IllegalArgumentException if the shapes or labels do not match the logits
   */
  @Override
  public double lossAndGradient(Tensor logits, int[] labels, Tensor targets, Tensor grad) {
    check(logits, labels, targets);
    grad.requireShape(logits.shape(), "CrossEntropy: gradient");
    return compute(logits, labels, targets, grad.data());
  }

  @Override
  public double loss(Tensor logits, int[] labels, Tensor targets) {
    check(logits, labels, targets);
    return compute(logits, labels, targets, null);
  }

  /** The mean loss; with {@code grad} non-null, also writes the gradient there. */
  private static double compute(Tensor logits, int[] labels, Tensor targets, float[] grad) {
    int n = logits.shape().dim(0);
    int classes = logits.shape().dim(1);
    float[] z = logits.data();
    float[] y = targets == null ? null : targets.data();
    double total = 0;
    for (int r = 0; r < n; r++) {
      int o = r * classes;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, z[o + c]);
      }
      double sumExp = 0;
      for (int c = 0; c < classes; c++) {
        sumExp += Math.exp((double) z[o + c] - max);
      }
      double logSumExp = max + Math.log(sumExp);
      double targetMass;
      if (labels != null) {
        targetMass = 1;
        total += logSumExp - z[o + labels[r]];
      } else {
        targetMass = 0;
        double dot = 0;
        for (int c = 0; c < classes; c++) {
          targetMass += y[o + c];
          dot += (double) y[o + c] * z[o + c];
        }
        total += logSumExp * targetMass - dot;
      }
      if (grad != null) {
        for (int c = 0; c < classes; c++) {
          double p = Math.exp((double) z[o + c] - logSumExp);
          double target = labels != null ? (labels[r] == c ? 1 : 0) : y[o + c];
          grad[o + c] = (float) ((p * targetMass - target) / n);
        }
      }
    }
    return total / n;
  }

  private static void check(Tensor logits, int[] labels, Tensor targets) {
    if (logits.shape().rank() != 2) {
      throw new IllegalArgumentException(
          "CrossEntropy: logits must have shape (batch, classes), got " + logits.shape());
    }
    int n = logits.shape().dim(0);
    int classes = logits.shape().dim(1);
    if ((labels == null) == (targets == null)) {
      throw new IllegalArgumentException(
          "CrossEntropy: give exactly one of integer labels and target tensor, got "
              + (labels == null ? "neither" : "both"));
    }
    if (targets != null) {
      if (!targets.shape().equals(logits.shape())) {
        throw new IllegalArgumentException(
            "CrossEntropy: targets must have the shape of the logits " + logits.shape() + ", got "
                + targets.shape());
      }
      return;
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(
          "CrossEntropy: logits " + logits.shape() + " need " + n + " labels, got " + labels.length);
    }
    for (int r = 0; r < n; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw new IllegalArgumentException(
            "CrossEntropy: labels must be in [0, " + classes + ") for logits " + logits.shape() + ", got "
                + labels[r] + " at example " + r);
      }
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
