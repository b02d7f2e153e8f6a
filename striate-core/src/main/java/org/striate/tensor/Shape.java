package org.striate.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes, outermost first.
 *
 * <p>Image tensors use the NHWC layout throughout Striate (batch, height, width, channels), the Keras
 * {@code channels_last} convention; a shape without the batch dimension, such as {@code (28, 28, 1)},
 * describes one example.
 */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /**
   * @throws IllegalArgumentException if a dimension is not positive or the element count overflows an int
   */
  public static Shape of(int... dims) {
    long size = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] <= 0) {
        throw new IllegalArgumentException(
            "shape: every dimension must be positive, got " + Arrays.toString(dims) + " (dimension " + i + ")");
      }
      size *= dims[i];
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape: element count must fit in an int (at most " + Integer.MAX_VALUE + "), got "
                + Arrays.toString(dims));
      }
    }
    return new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[axis < 0 ? dims.length + axis : axis];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** The number of elements: the product of all dimensions (1 for a scalar shape). */
  public int size() {
    int size = 1;
    for (int d : dims) {
      size *= d;
    }
    return size;
  }

  /** This shape with {@code batch} prepended: {@code (h, w, c).withBatch(n)} is {@code (n, h, w, c)}. */
  public Shape withBatch(int batch) {
    int[] out = new int[dims.length + 1];
    out[0] = batch;
    System.arraycopy(dims, 0, out, 1, dims.length);
    return Shape.of(out);
  }

  /** This shape without its first dimension. */
  public Shape dropFirst() {
    if (dims.length == 0) {
      throw new IllegalStateException("shape: a scalar shape has no first dimension to drop");
    }
    return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
  }

  /** This shape as a batch of examples, for messages: {@code (28, 28, 1)} gives {@code (batch, 28, 28, 1)}. */
  public String toBatchString() {
    StringBuilder sb = new StringBuilder("(batch");
    for (int d : dims) {
      sb.append(", ").append(d);
    }
    return sb.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Written as a tuple, for example {@code (128, 28, 28, 1)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i]);
    }
    if (dims.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }
}
