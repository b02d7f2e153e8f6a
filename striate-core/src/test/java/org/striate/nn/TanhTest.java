package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class TanhTest {

  @Test
  void matchesMathTanh() {
    float[] x = {-30f, -0.7f, 0f, 0.2f, 4f};
    Sequential m = new Sequential(Shape.of(x.length), new Tanh());
    Tensor y = m.forward(Tensor.of(Shape.of(1, x.length), x.clone()), Context.inference(new ScalarKernels(1)));
    for (int i = 0; i < x.length; i++) {
      assertEquals(Math.tanh(x[i]), y.data()[i], 1e-7, "tanh(" + x[i] + ")");
    }
  }

  @Test
  void gradients() {
    GradientCheck.check(new Tanh(), GradientCheck.random(Shape.of(2, 7), 2));
  }

  @Test
  void reportsItsActivation() {
    assertEquals(Activation.TANH, new Tanh().activation());
  }

  @Test
  void configRoundTrips() {
    Tanh t = new Tanh("squash");
    assertEquals(t.config(), Layers.fromConfig(t.config()).config());
  }
}
