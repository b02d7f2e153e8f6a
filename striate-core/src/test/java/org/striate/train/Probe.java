package org.striate.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.nn.Context;
import org.striate.nn.Layer;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A test-only identity layer that records what passes through it: the example ids it sees (feature 0 of each
 * row holds {@code id / 100}), in training or inference, and one draw from the training step's random stream
 * per batch, as dropout would draw.
 */
final class Probe extends Layer {
  final List<Integer> trainingIds = new ArrayList<>();
  final List<Integer> inferenceIds = new ArrayList<>();
  final List<Long> draws = new ArrayList<>();

  Probe() {
    super(null);
  }

  /** Inputs {@code (n, features)} whose feature 0 encodes the example's index for {@link Probe}. */
  static Tensor idInputs(int n, int features) {
    Tensor x = Tensor.zeros(n, features);
    for (int i = 0; i < n; i++) {
      x.data()[i * features] = i / 100f;
      for (int f = 1; f < features; f++) {
        x.data()[i * features + f] = (float) Math.sin(i * 0.7 + f);
      }
    }
    return x;
  }

  @Override
  public String type() {
    return "Probe";
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int n = input.shape().dim(0);
    int row = input.size() / n;
    for (int i = 0; i < n; i++) {
      (ctx.training() ? trainingIds : inferenceIds).add(Math.round(input.data()[i * row] * 100));
    }
    if (ctx.training()) {
      draws.add(ctx.random().nextLong());
    }
    return input;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    return gradOutput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {}
}
