package org.striate.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * The element-wise sum of two or more inputs of the same shape, as Keras's {@code Add} (residual connections).
 * Backward hands the output gradient to every input unchanged.
 */
public final class Add extends MergeLayer {

  public Add() {
    this(null);
  }

  public Add(String name) {
    super(name);
  }

  @Override
  public String type() {
    return "Add";
  }

  @Override
  protected Shape computeOutputShape(List<Shape> inputs) {
    requireSeveral(inputs);
    for (Shape s : inputs) {
      if (!s.equals(inputs.get(0))) {
        throw new IllegalArgumentException("all inputs must have the same shape, got " + inputs);
      }
    }
    return inputs.get(0);
  }

  @Override
  public Tensor forward(List<Tensor> inputs, Context ctx) {
    int batch = checkInputs(inputs);
    Tensor out = ctx.buffer(this, "output", outputShape().withBatch(batch));
    float[] o = out.data();
    System.arraycopy(inputs.get(0).data(), 0, o, 0, o.length);
    for (int i = 1; i < inputs.size(); i++) {
      float[] x = inputs.get(i).data();
      for (int j = 0; j < o.length; j++) {
        o[j] += x[j];
      }
    }
    ctx.save(this, inputs.size());
    return out;
  }

  @Override
  public List<Tensor> backwardInputs(Tensor gradOutput, Context ctx) {
    int count = ctx.<Integer>saved(this);
    List<Tensor> grads = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      grads.add(gradOutput);
    }
    return grads;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {}

  static Add fromConfig(ConfigReader c) {
    return new Add(c.getName());
  }
}
