package org.striate.nn;

import org.striate.tensor.Shape;

/**
 * Softmax over the last axis (the channels, in NHWC): {@code output[..., j] = exp(x[..., j]) / sum_k
 * exp(x[..., k])}, computed stably (the maximum is subtracted first). Shapes: output = input, at least one
 * axis per example.
 *
 * <p>As the last layer of a model trained with a cross-entropy loss, the training loop hands this softmax to
 * the loss ({@link Context#fuseSoftmaxIntoLoss}); the layer then returns its input (the logits) unchanged and
 * passes the gradient through, and the loss computes probabilities and gradients stably from the logits.
 */
public final class Softmax extends ActivationLayer {

  public Softmax() {
    this(null);
  }

  /** @param name the layer's name, or null to let the model name it */
  public Softmax(String name) {
    super(name, Activation.SOFTMAX);
  }

  @Override
  public String type() {
    return "Softmax";
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    // Without an axis of its own, the softmax would run across the batch.
    if (input.rank() == 0) {
      throw new IllegalArgumentException("input must have at least one axis, got " + input);
    }
    return input;
  }

  static Softmax fromConfig(ConfigReader c) {
    return new Softmax(c.getName());
  }
}
