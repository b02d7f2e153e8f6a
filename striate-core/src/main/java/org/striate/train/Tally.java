package org.striate.train;

import org.striate.tensor.Tensor;

/**
 * Running totals over batches: the example-weighted mean loss and, when the targets are classes, the count of
 * correct predictions and optionally the confusion matrix. A prediction is the argmax of the model's output row
 * (logits or probabilities give the same class); the true class is the label, or the argmax of the target row.
 */
final class Tally {
  private final int classes;
  private final int[][] confusion;
  private double lossSum;
  private long examples;
  private long correct;

  /**
   * @param classes the number of classes, or 0 when the targets are not classes
   * @param withConfusion whether to keep the {@code classes x classes} confusion matrix
   */
  Tally(int classes, boolean withConfusion) {
    this.classes = classes;
    this.confusion = withConfusion && classes > 0 ? new int[classes][classes] : null;
  }

  /** Adds a batch whose mean loss is {@code meanLoss}; {@code outputs} is {@code (n, classes)} when classes apply. */
  void add(double meanLoss, Tensor outputs, int[] labels, Tensor targets) {
    int n = outputs.shape().dim(0);
    lossSum += meanLoss * n;
    examples += n;
    if (classes == 0) {
      return;
    }
    for (int r = 0; r < n; r++) {
      int predicted = argmax(outputs.data(), r * classes, classes);
      int truth = labels != null ? labels[r] : argmax(targets.data(), r * classes, classes);
      if (predicted == truth) {
        correct++;
      }
      if (confusion != null) {
        confusion[truth][predicted]++;
      }
    }
  }

  /** The first index of the largest of {@code values[offset, offset + n)}; 0 if all are NaN. */
  static int argmax(float[] values, int offset, int n) {
    int best = 0;
    for (int c = 1; c < n; c++) {
      if (values[offset + c] > values[offset + best]) {
        best = c;
      }
    }
    return best;
  }

  long examples() {
    return examples;
  }

  double loss() {
    return lossSum / examples;
  }

  /** The fraction correct, or NaN when the targets are not classes. */
  double accuracy() {
    return classes == 0 ? Double.NaN : (double) correct / examples;
  }

  Evaluation evaluation() {
    return new Evaluation(loss(), accuracy(), examples, correct, confusion);
  }
}
