package org.striate.nn;

import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A tensor a layer owns, with its gradient, which has the same shape.
 *
 * <p>Trainable parameters (kernels, biases) are what the optimizer updates. Non-trainable ones are layer state
 * that training updates by other rules, such as batch normalisation's moving averages; they are saved with the
 * model but never passed to an optimizer, and their gradient stays zero.
 *
 * <p>Backward passes add into {@link #grad()} with {@code +=}; only {@link #zeroGrad()} clears it, and the
 * training loop calls it once per step.
 */
public final class Parameter {
  private final String name;
  private final Tensor value;
  private final Tensor grad;
  private final Initializer initializer;
  private final boolean trainable;

  /** A trainable parameter. */
  public Parameter(String name, Tensor value, Initializer initializer) {
    this(name, value, initializer, true);
  }

  public Parameter(String name, Tensor value, Initializer initializer, boolean trainable) {
    this.name = name;
    this.value = value;
    this.grad = Tensor.zeros(value.shape());
    this.initializer = initializer;
    this.trainable = trainable;
  }

  /** Whether the optimizer updates this parameter; false for layer state such as moving averages. */
  public boolean trainable() {
    return trainable;
  }

  /** How this parameter was, and is re-, initialised. */
  public Initializer initializer() {
    return initializer;
  }

  /** The parameter's name within its layer, such as {@code kernel} or {@code bias}. */
  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public Tensor grad() {
    return grad;
  }

  public Shape shape() {
    return value.shape();
  }

  public void zeroGrad() {
    java.util.Arrays.fill(grad.data(), 0f);
  }
}
