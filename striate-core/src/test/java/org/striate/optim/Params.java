package org.striate.optim;

import java.util.List;
import org.striate.nn.Initializer;
import org.striate.nn.Parameter;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/** Small parameters with chosen values and gradients, for hand-computed optimizer steps. */
final class Params {
  private Params() {}

  static Parameter of(float... values) {
    return new Parameter("w", Tensor.of(Shape.of(values.length), values.clone()), Initializer.ZEROS);
  }

  static void setGrad(Parameter p, float... grad) {
    System.arraycopy(grad, 0, p.grad().data(), 0, grad.length);
  }

  /** Sets the gradient to {@code grad} and takes one step. */
  static void step(Optimizer optimizer, Parameter p, float... grad) {
    setGrad(p, grad);
    optimizer.step(List.of(p));
  }
}
