package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * The shared shell of the activation layers ({@link ReLU}, {@link LeakyReLU}, {@link Sigmoid}, {@link Tanh},
 * {@link Softmax}): the output has the input's shape, forward saves the input and the output, and backward
 * applies the derivative to them.
 *
 * <p>A final {@link Softmax} that the loss has taken over (see {@link Context#fuseSoftmaxIntoLoss}) returns its
 * input unchanged and passes the gradient through; {@link #activate} and {@link #activationGradient} handle
 * that case.
 */
abstract class ActivationLayer extends Layer {
  private final Activation activation;

  ActivationLayer(String name, Activation activation) {
    super(name);
    this.activation = activation;
  }

  @Override
  public final Activation activation() {
    return activation;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  private record Saved(Tensor input, Tensor output) {}

  @Override
  public final Tensor forward(Tensor input, Context ctx) {
    checkInput(input);
    Tensor output = apply(input, ctx);
    ctx.save(this, new Saved(input, output));
    return output;
  }

  @Override
  public final Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    return gradient(s.input, s.output, gradOutput, ctx);
  }

  /** {@code f(input)}; a subclass with its own parameter (the leaky slope) overrides this and {@link #gradient}. */
  Tensor apply(Tensor input, Context ctx) {
    return activate(activation, input, ctx);
  }

  /** {@code f'(input) * gradOutput}, from the saved input and output. */
  Tensor gradient(Tensor input, Tensor output, Tensor gradOutput, Context ctx) {
    return activationGradient(activation, input, output, gradOutput, ctx);
  }

  /** Activation layers have no settings unless they say so. */
  @Override
  protected void addConfig(Map<String, Object> config) {}
}
