package org.striate.nn;

import java.util.List;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A layer that combines two or more inputs ({@link Add}, {@link Concatenate}); it has no parameters and is used
 * in {@link Functional} models. Its forward and backward take and give lists, one tensor per input.
 */
public abstract class MergeLayer extends Layer {

  protected MergeLayer(String name) {
    super(name);
  }

  /** The output shape for these inputs (one example each); at least two. */
  @Override
  protected abstract Shape computeOutputShape(List<Shape> inputs);

  @Override
  protected final Shape computeOutputShape(Shape input) {
    throw new IllegalArgumentException("merges two or more inputs, got one");
  }

  @Override
  public abstract Tensor forward(List<Tensor> inputs, Context ctx);

  @Override
  public abstract List<Tensor> backwardInputs(Tensor gradOutput, Context ctx);

  @Override
  public final Tensor forward(Tensor input, Context ctx) {
    throw new IllegalArgumentException("layer " + describe() + " merges two or more inputs, got one");
  }

  @Override
  public final Tensor backward(Tensor gradOutput, Context ctx) {
    throw new IllegalStateException("layer " + describe() + " has several inputs; call backwardInputs");
  }

  /** Checks there are at least two inputs; returns their batch size after checking each input's shape. */
  protected final int checkInputs(List<Tensor> inputs) {
    List<Shape> expected = inputShapes();
    if (inputs.size() != expected.size()) {
      throw new IllegalArgumentException(
          "layer " + describe() + ": expected " + expected.size() + " inputs, got " + inputs.size());
    }
    int batch = inputs.get(0).shape().dim(0);
    for (int i = 0; i < inputs.size(); i++) {
      Shape s = inputs.get(i).shape();
      if (s.rank() != expected.get(i).rank() + 1 || !s.dropFirst().equals(expected.get(i)) || s.dim(0) != batch) {
        throw new IllegalArgumentException("layer " + describe() + ": expected input " + i + " to be "
            + expected.get(i).toBatchString() + " with batch " + batch + ", got " + s);
      }
    }
    return batch;
  }

  /** Rejects fewer than two inputs. */
  protected static void requireSeveral(List<Shape> inputs) {
    if (inputs.size() < 2) {
      throw new IllegalArgumentException("needs at least two inputs, got " + inputs.size());
    }
  }
}
