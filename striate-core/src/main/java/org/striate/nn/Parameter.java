package org.striate.nn;

import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A trainable tensor and its gradient, which has the same shape.
 *
 * <p>Backward passes add into {@link #grad()} with {@code +=}; only {@link #zeroGrad()} clears it, and the
 * training loop calls it once per step.
 */
public final class Parameter {
  private final String name;
  private final Tensor value;
  private final Tensor grad;
  private final Initializer initializer;

  public Parameter(String name, Tensor value, Initializer initializer) {
    this.name = name;
    this.value = value;
    this.grad = Tensor.zeros(value.shape());
    this.initializer = initializer;
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
