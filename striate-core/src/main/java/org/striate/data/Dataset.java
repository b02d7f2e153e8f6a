package org.striate.data;

import java.util.Arrays;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Examples and their targets, in memory: inputs of shape {@code (N, ...)} (images are {@code (N, H, W, C)} with
 * values in [0, 1]); the targets are either integer class labels {@code labels[N]} in {@code [0, numClasses)} or
 * a tensor {@code (N, ...)} (one-hot rows or regression targets). Exactly one of the two is present.
 *
 * <p>Inputs are stored as floats, or as unsigned bytes standing for {@code byte / 255f}
 * ({@link #ofUnsignedBytes}): a quarter of the memory for 8-bit images, such as MNIST's 47 MB instead of 188 MB.
 * Training reads them a batch at a time with {@link #gatherInputs}, which converts bytes to the same floats
 * {@link IdxReader#readImages} gives. {@link #slice} shares the storage; {@link #select} copies.
 */
public final class Dataset {
  /** {@code b / 255f} for each unsigned byte value {@code b}. */
  private static final float[] BYTE_VALUES = new float[256];

  static {
    for (int b = 0; b < 256; b++) {
      BYTE_VALUES[b] = b / 255f;
    }
  }

  private final Shape exampleShape;
  private final Tensor floats; // all stored examples as floats, or null
  private final byte[] bytes; // all stored examples as unsigned bytes, or null
  private final int first; // the stored example that is this set's example 0
  private final int size;
  private final int[] labels; // one per stored example, or null
  private final Tensor targets; // (stored examples, ...), or null
  private final int numClasses;

  private Dataset(Shape exampleShape, Tensor floats, byte[] bytes, int first, int size, int[] labels,
      Tensor targets, int numClasses) {
    this.exampleShape = exampleShape;
    this.floats = floats;
    this.bytes = bytes;
    this.first = first;
    this.size = size;
    this.labels = labels;
    this.targets = targets;
    this.numClasses = numClasses;
  }

  /**
   * A classification set with integer labels; the set keeps {@code inputs} and {@code labels}, not copies.
   *
   * @throws IllegalArgumentException if the counts differ or a label is outside {@code [0, numClasses)}
   */
  public static Dataset ofLabels(Tensor inputs, int[] labels, int numClasses) {
    checkLabels(inputs.shape(), labels, numClasses);
    int n = inputs.shape().dim(0);
    return new Dataset(inputs.shape().dropFirst(), inputs, null, 0, n, labels, null, numClasses);
  }

  /**
   * A classification set whose inputs {@code (N, ...)} are stored as unsigned bytes: element {@code i} stands for
   * {@code (values[i] & 0xff) / 255f}, in [0, 1]. The set keeps {@code values} and {@code labels}, not copies.
   *
   * @param shape the inputs' shape {@code (N, ...)}, such as {@code (60000, 28, 28, 1)}
   * @throws IllegalArgumentException if {@code values} does not have {@code shape.size()} elements, the counts
   *     differ, or a label is outside {@code [0, numClasses)}
   */
  public static Dataset ofUnsignedBytes(Shape shape, byte[] values, int[] labels, int numClasses) {
    if (shape.rank() < 2 || values.length != shape.size()) {
      throw new IllegalArgumentException("dataset: need inputs of shape (N, ...) with as many bytes as elements, got "
          + values.length + " bytes for shape " + shape);
    }
    checkLabels(shape, labels, numClasses);
    return new Dataset(shape.dropFirst(), null, values, 0, shape.dim(0), labels, null, numClasses);
  }

  private static void checkLabels(Shape inputs, int[] labels, int numClasses) {
    int n = inputs.dim(0);
    if (labels.length != n) {
      throw new IllegalArgumentException(
          "dataset: need one label per example (" + n + " examples in " + inputs + "), got "
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
  }

  /**
   * A set with tensor targets (one-hot rows or regression values); the set keeps both tensors, not copies.
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
    return new Dataset(inputs.shape().dropFirst(), inputs, null, 0, inputs.shape().dim(0), null, targets, classes);
  }

  public int size() {
    return size;
  }

  /** Whether the inputs are stored as unsigned bytes ({@link #ofUnsignedBytes}). */
  public boolean storesBytes() {
    return bytes != null;
  }

  /**
   * All inputs {@code (N, ...)} as floats: the tensor the set was made from, or, for a slice or a set stored as
   * bytes, a new tensor (for MNIST's training set, 188 MB; training uses {@link #gatherInputs} instead).
   */
  public Tensor inputs() {
    if (floats != null && first == 0 && size == floats.shape().dim(0)) {
      return floats;
    }
    Tensor all = Tensor.zeros(exampleShape.withBatch(size));
    gatherInputs(null, 0, size, all);
    return all;
  }

  /** Integer labels (for a slice, a copy of its range), or null when the targets are a tensor. */
  public int[] labels() {
    if (labels == null || (first == 0 && size == labels.length)) {
      return labels;
    }
    return Arrays.copyOfRange(labels, first, first + size);
  }

  /** Tensor targets (for a slice, a copy of its range), or null when the targets are integer labels. */
  public Tensor targets() {
    if (targets == null || (first == 0 && size == targets.shape().dim(0))) {
      return targets;
    }
    return targets.slice(first, first + size);
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
    return exampleShape;
  }

  /** The shape of one example's target tensor, or null when the targets are labels. */
  public Shape targetShape() {
    return targets == null ? null : targets.shape().dropFirst();
  }

  /**
   * The examples {@code [from, to)}, sharing this set's storage.
   *
   * @throws IllegalArgumentException unless {@code 0 <= from < to <= size()}
   */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size || from >= to) {
      throw new IllegalArgumentException(
          "dataset slice: need 0 <= from < to <= " + size + ", got [" + from + ", " + to + ")");
    }
    return new Dataset(exampleShape, floats, bytes, first + from, to - from, labels, targets, numClasses);
  }

  /** The examples at {@code indices}, in that order, copied into a new float-stored set. */
  public Dataset select(int[] indices) {
    Tensor x = Tensor.zeros(exampleShape.withBatch(indices.length));
    gatherInputs(indices, 0, indices.length, x);
    if (labels != null) {
      int[] l = new int[indices.length];
      gatherLabels(indices, 0, indices.length, l);
      return new Dataset(exampleShape, x, null, 0, indices.length, l, null, numClasses);
    }
    Tensor t = Tensor.zeros(targetShape().withBatch(indices.length));
    gatherTargets(indices, 0, indices.length, t);
    return new Dataset(exampleShape, x, null, 0, indices.length, null, t, numClasses);
  }

  /**
   * Writes the inputs of examples {@code indices[from], ..., indices[to - 1]} (or examples {@code from} to
   * {@code to - 1} when {@code indices} is null) as the rows of {@code into}, as floats; the batch assembly of
   * training and evaluation, without allocation.
   *
   * @param into {@code (to - from, ...exampleShape)}, overwritten
   * @throws IllegalArgumentException if {@code into} has another shape
   */
  public void gatherInputs(int[] indices, int from, int to, Tensor into) {
    into.requireShape(exampleShape.withBatch(to - from), "dataset: gathered inputs");
    int row = exampleShape.size();
    float[] out = into.data();
    for (int i = from; i < to; i++) {
      int src = (first + (indices == null ? i : indices[i])) * row;
      int dst = (i - from) * row;
      if (floats != null) {
        System.arraycopy(floats.data(), src, out, dst, row);
      } else {
        for (int k = 0; k < row; k++) {
          out[dst + k] = BYTE_VALUES[bytes[src + k] & 0xff];
        }
      }
    }
  }

  /**
   * {@link #gatherInputs} for the labels: {@code into[i - from]} is the label of example {@code indices[i]}.
   *
   * @throws IllegalStateException if the targets are a tensor
   */
  public void gatherLabels(int[] indices, int from, int to, int[] into) {
    if (labels == null) {
      throw new IllegalStateException("dataset: has tensor targets, not labels; use gatherTargets");
    }
    for (int i = from; i < to; i++) {
      into[i - from] = labels[first + (indices == null ? i : indices[i])];
    }
  }

  /**
   * {@link #gatherInputs} for the tensor targets.
   *
   * @param into {@code (to - from, ...targetShape)}, overwritten
   * @throws IllegalStateException if the targets are labels
   */
  public void gatherTargets(int[] indices, int from, int to, Tensor into) {
    if (targets == null) {
      throw new IllegalStateException("dataset: has labels, not tensor targets; use gatherLabels");
    }
    into.requireShape(targetShape().withBatch(to - from), "dataset: gathered targets");
    int row = targets.size() / targets.shape().dim(0);
    for (int i = from; i < to; i++) {
      int src = (first + (indices == null ? i : indices[i])) * row;
      System.arraycopy(targets.data(), src, into.data(), (i - from) * row, row);
    }
  }
}
