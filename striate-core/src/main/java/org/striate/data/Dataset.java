package org.striate.data;

import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Examples and their targets, in memory: {@code inputs} has shape {@code (N, ...)} (images are
 * {@code (N, H, W, C)} with values scaled to [0, 1]); the targets are either integer class labels
 * {@code labels[N]} in {@code [0, numClasses)} or a tensor {@code (N, ...)} (one-hot rows or regression
 * targets). Exactly one of the two is present.
 */
public final class Dataset {
  private final Tensor inputs;
  private final int[] labels;
  private final Tensor targets;
  private final int numClasses;

  private Dataset(Tensor inputs, int[] labels, Tensor targets, int numClasses) {
    this.inputs = inputs;
    this.labels = labels;
    this.targets = targets;
    this.numClasses = numClasses;
  }

  /**
   * A classification set with integer labels.
   *
   * @throws IllegalArgumentException if the counts differ or a label is outside {@code [0, numClasses)}
   */
  public static Dataset ofLabels(Tensor inputs, int[] labels, int numClasses) {
    int n = inputs.shape().dim(0);
    if (labels.length != n) {
      throw new IllegalArgumentException(
          "dataset: need one label per example (" + n + " examples in " + inputs.shape() + "), got "
              + labels.length + " labels");
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("dataset: number of classes must be positive, got " + numClasses);
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "dataset: labels must be in [0, " + numClasses + "), got " + labels[i] + " at example " + i);
      }
    }
    return new Dataset(inputs, labels, null, numClasses);
  }

  /**
   * A set with tensor targets (one-hot rows or regression values).
   *
   * @throws IllegalArgumentException if the example counts differ
   */
  public static Dataset ofTargets(Tensor inputs, Tensor targets) {
    if (targets.shape().dim(0) != inputs.shape().dim(0)) {
      throw new IllegalArgumentException(
          "dataset: inputs " + inputs.shape() + " and targets " + targets.shape()
              + " must have the same number of examples");
    }
    int classes = targets.shape().rank() == 2 ? targets.shape().dim(1) : 0;
    return new Dataset(inputs, null, targets, classes);
  }

  public int size() {
    return inputs.shape().dim(0);
  }

  public Tensor inputs() {
    return inputs;
  }

  /** Integer labels, or null when the targets are a tensor. */
  public int[] labels() {
    return labels;
  }

  /** Tensor targets, or null when the targets are integer labels. */
  public Tensor targets() {
    return targets;
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** The number of classes (0 for regression targets). */
  public int numClasses() {
    return numClasses;
  }

  /** The shape of one example. */
  public Shape exampleShape() {
    return inputs.shape().dropFirst();
  }

  /** The examples {@code [from, to)}, copied. */
  public Dataset slice(int from, int to) {
    Tensor x = inputs.slice(from, to);
    if (labels != null) {
      return new Dataset(x, java.util.Arrays.copyOfRange(labels, from, to), null, numClasses);
    }
    return new Dataset(x, null, targets.slice(from, to), numClasses);
  }

  /** The examples at {@code indices}, in that order, copied. */
  public Dataset select(int[] indices) {
    Tensor x = gather(inputs, indices);
    if (labels != null) {
      int[] l = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        l[i] = labels[indices[i]];
      }
      return new Dataset(x, l, null, numClasses);
    }
    return new Dataset(x, null, gather(targets, indices), numClasses);
  }

  private static Tensor gather(Tensor t, int[] indices) {
    int row = t.size() / t.shape().dim(0);
    int[] dims = t.shape().dims();
    dims[0] = indices.length;
    float[] out = new float[indices.length * row];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(t.data(), indices[i] * row, out, i * row, row);
    }
    return new Tensor(Shape.of(dims), out);
  }
}
