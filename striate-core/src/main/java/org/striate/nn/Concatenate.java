package org.striate.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Joins two or more inputs along one axis, as Keras's {@code Concatenate} (default: the last axis, the
 * channels of NHWC images, as in U-Net skip connections). All other dimensions must agree.
 *
 * <p>Shapes: inputs {@code (N, ..., d_i, ...)}, output {@code (N, ..., sum d_i, ...)} at {@code axis}.
 */
public final class Concatenate extends MergeLayer {
  private final int axis;

  /** Along the last axis. */
  public Concatenate() {
    this(-1, null);
  }

  /**
   * @param axis the axis of one example's shape to join along: {@code -1} is the last, {@code 0} the first
   *     after the batch; the batch axis itself cannot be joined
   */
  public Concatenate(int axis, String name) {
    super(name);
    this.axis = axis;
  }

  @Override
  public String type() {
    return "Concatenate";
  }

  public int axis() {
    return axis;
  }

  /** The axis within one example's shape, resolved against {@code rank}. */
  private int resolvedAxis(int rank) {
    int a = axis < 0 ? rank + axis : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(
          "axis must be in [" + -rank + ", " + (rank - 1) + "] for inputs of rank " + rank + " (batch excluded), got "
              + axis);
    }
    return a;
  }

  @Override
  protected Shape computeOutputShape(List<Shape> inputs) {
    requireSeveral(inputs);
    Shape first = inputs.get(0);
    int a = resolvedAxis(first.rank());
    int[] dims = first.dims();
    dims[a] = 0;
    for (Shape s : inputs) {
      boolean same = s.rank() == first.rank();
      for (int d = 0; same && d < s.rank(); d++) {
        same = d == a || s.dim(d) == first.dim(d);
      }
      if (!same) {
        throw new IllegalArgumentException(
            "inputs must agree on every axis but axis " + axis + ", got " + inputs);
      }
      dims[a] += s.dim(a);
    }
    return Shape.of(dims);
  }

  @Override
  public Tensor forward(List<Tensor> inputs, Context ctx) {
    int batch = checkInputs(inputs);
    Shape out = outputShape();
    int a = resolvedAxis(out.rank());
    int outer = batch * prefix(out, a);
    int outBlock = suffix(out, a);
    Tensor output = ctx.buffer(this, "output", out.withBatch(batch));
    int offset = 0;
    for (Tensor input : inputs) {
      int block = suffix(input.shape().dropFirst(), a);
      for (int o = 0; o < outer; o++) {
        System.arraycopy(input.data(), o * block, output.data(), o * outBlock + offset, block);
      }
      offset += block;
    }
    ctx.save(this, batch);
    return output;
  }

  @Override
  public List<Tensor> backwardInputs(Tensor gradOutput, Context ctx) {
    int batch = ctx.<Integer>saved(this);
    Shape out = outputShape();
    int a = resolvedAxis(out.rank());
    int outer = batch * prefix(out, a);
    int outBlock = suffix(out, a);
    List<Tensor> grads = new ArrayList<>();
    int offset = 0;
    for (Shape in : inputShapes()) {
      int block = suffix(in, a);
      Tensor g = ctx.buffer(this, "gradInput" + grads.size(), in.withBatch(batch));
      for (int o = 0; o < outer; o++) {
        System.arraycopy(gradOutput.data(), o * outBlock + offset, g.data(), o * block, block);
      }
      grads.add(g);
      offset += block;
    }
    return grads;
  }

  /** The product of the dimensions before {@code axis}. */
  private static int prefix(Shape s, int axis) {
    int n = 1;
    for (int d = 0; d < axis; d++) {
      n *= s.dim(d);
    }
    return n;
  }

  /** The product of the dimensions from {@code axis} on: one contiguous block per outer index. */
  private static int suffix(Shape s, int axis) {
    int n = 1;
    for (int d = axis; d < s.rank(); d++) {
      n *= s.dim(d);
    }
    return n;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("axis", axis);
  }

  static Concatenate fromConfig(ConfigReader c) {
    return new Concatenate(c.getInt("axis", -1), c.getName());
  }
}
