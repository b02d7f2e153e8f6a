package org.striate.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, stored row-major (C order): the last dimension varies fastest.
 *
 * <p>The backing array is exposed by {@link #data()} on purpose: layers and kernels work on it directly,
 * without per-element calls. A tensor always owns its whole array, from index 0 to {@code shape.size()}.
 */
public final class Tensor {
  private final Shape shape;
  private final float[] data;

  /**
   * @throws IllegalArgumentException if {@code data.length} is not {@code shape.size()}
   */
  public Tensor(Shape shape, float[] data) {
    if (data.length != shape.size()) {
      throw new IllegalArgumentException(
          "tensor: data length must equal the shape's element count " + shape.size() + " for shape " + shape
              + ", got " + data.length);
    }
    this.shape = shape;
    this.data = data;
  }

  public static Tensor zeros(Shape shape) {
    return new Tensor(shape, new float[shape.size()]);
  }

  public static Tensor zeros(int... dims) {
    return zeros(Shape.of(dims));
  }

  public static Tensor of(Shape shape, float... data) {
    return new Tensor(shape, data);
  }

  public Shape shape() {
    return shape;
  }

  public float[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  /** The same data seen with another shape of the same size. */
  public Tensor reshape(Shape newShape) {
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException(
          "reshape: the new shape must have the same element count as " + shape + " (" + shape.size()
              + "), got " + newShape + " (" + newShape.size() + ")");
    }
    return new Tensor(newShape, data);
  }

  public Tensor copy() {
    return new Tensor(shape, data.clone());
  }

  /** Rows {@code [from, to)} of the first dimension, copied. */
  public Tensor slice(int from, int to) {
    int n = shape.dim(0);
    if (from < 0 || to > n || from >= to) {
      throw new IllegalArgumentException(
          "slice: need 0 <= from < to <= " + n + " for shape " + shape + ", got [" + from + ", " + to + ")");
    }
    int row = shape.size() / n;
    int[] dims = shape.dims();
    dims[0] = to - from;
    return new Tensor(Shape.of(dims), Arrays.copyOfRange(data, from * row, to * row));
  }

  public float get(int... index) {
    return data[flatIndex(index)];
  }

  public void set(float value, int... index) {
    data[flatIndex(index)] = value;
  }

  private int flatIndex(int[] index) {
    if (index.length != shape.rank()) {
      throw new IllegalArgumentException(
          "index: need " + shape.rank() + " coordinates for shape " + shape + ", got " + Arrays.toString(index));
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape.dim(i)) {
        throw new IndexOutOfBoundsException(
            "index " + Arrays.toString(index) + " is outside shape " + shape + " at axis " + i);
      }
      flat = flat * shape.dim(i) + index[i];
    }
    return flat;
  }

  /** Throws if this tensor's shape is not {@code expected}; {@code what} names the tensor in the message. */
  public Tensor requireShape(Shape expected, String what) {
    if (!shape.equals(expected)) {
      throw new IllegalArgumentException(what + ": expected shape " + expected + ", got " + shape);
    }
    return this;
  }

  @Override
  public String toString() {
    return "Tensor" + shape;
  }
}
