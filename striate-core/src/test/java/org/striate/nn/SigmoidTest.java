package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class SigmoidTest {

  @Test
  void matchesTheLogisticFunctionWithoutOverflow() {
    float[] x = {-100f, -2f, 0f, 1.5f, 100f};
    Sequential m = new Sequential(Shape.of(x.length), new Sigmoid());
    Tensor y = m.forward(Tensor.of(Shape.of(1, x.length), x.clone()), Context.inference(new ScalarKernels(1)));
    for (int i = 0; i < x.length; i++) {
      assertEquals(1 / (1 + Math.exp(-x[i])), y.data()[i], 1e-7, "sigmoid(" + x[i] + ")");
    }
  }

  @Test
  void gradients() {
    GradientCheck.check(new Sigmoid(), GradientCheck.random(Shape.of(3, 2, 3), 1));
  }

  @Test
  void reportsItsActivation() {
    assertEquals(Activation.SIGMOID, new Sigmoid().activation());
  }

  @Test
  void configRoundTrips() {
    Sigmoid s = new Sigmoid("gate");
    assertEquals(s.config(), Layers.fromConfig(s.config()).config());
  }
}
