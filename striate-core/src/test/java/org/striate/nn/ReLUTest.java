package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class ReLUTest {

  @Test
  void keepsPositivesAndZeroesNegatives() {
    Sequential m = new Sequential(Shape.of(4), new ReLU());
    Tensor y = m.forward(Tensor.of(Shape.of(1, 4), -2f, -0f, 0.5f, 3f), Context.inference(new ScalarKernels(1)));
    assertEquals(Shape.of(1, 4), y.shape());
    assertEquals(0f, y.data()[0]);
    assertEquals(0f, y.data()[1]);
    assertEquals(0.5f, y.data()[2]);
    assertEquals(3f, y.data()[3]);
  }

  @Test
  void gradients() {
    GradientCheck.check(new ReLU(), GradientCheck.randomAwayFromZero(Shape.of(3, 2, 4), 1));
  }

  @Test
  void maxValueCapsTheOutput() {
    Sequential m = new Sequential(Shape.of(5), new ReLU(6));
    Tensor y = m.forward(Tensor.of(Shape.of(1, 5), -1f, 2.5f, 5.99f, 6f, 7.5f), Context.inference(new ScalarKernels(1)));
    assertArrayEquals(new float[] {0f, 2.5f, 5.99f, 6f, 6f}, y.data());
  }

  @Test
  void maxValueGradientIsZeroAtAndAboveTheCap() {
    // Values in [-1, -0.1] U [0.1, 1) scaled by 2: a cap of 0.9 splits the positives, away from the kink.
    Tensor x = GradientCheck.randomAwayFromZero(Shape.of(3, 2, 4), 2);
    for (int i = 0; i < x.size(); i++) {
      x.data()[i] *= 2;
      if (Math.abs(x.data()[i] - 0.9f) < 0.05f) {
        x.data()[i] += 0.1f;
      }
    }
    GradientCheck.check(new ReLU(0.9), x);
    // At the kinks themselves the derivative is 0, as PyTorch's relu6 and hardtanh give.
    Sequential m = new Sequential(Shape.of(3), new ReLU(6));
    Context ctx = Context.training(new ScalarKernels(1), 0);
    m.forward(Tensor.of(Shape.of(1, 3), 0f, 3f, 6f), ctx);
    assertArrayEquals(new float[] {0f, 1f, 0f}, m.backward(Tensor.of(Shape.of(1, 3), 1f, 1f, 1f), ctx).data());
  }

  @Test
  void rejectsANegativeOrNaNMaxValue() {
    assertEquals("ReLU: max_value must be >= 0 (or absent for no cap), got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new ReLU(-1)).getMessage());
    assertEquals("ReLU: max_value must be >= 0 (or absent for no cap), got NaN",
        assertThrows(IllegalArgumentException.class, () -> new ReLU(Double.NaN, "r")).getMessage());
  }

  @Test
  void reportsItsActivation() {
    assertEquals(Activation.RELU, new ReLU().activation());
  }

  @Test
  void rejectsAWrongInputShape() {
    Sequential m = new Sequential(Shape.of(2, 3), new ReLU());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.layers().get(0).forward(Tensor.zeros(4, 3, 2), Context.inference(new ScalarKernels(1))));
    assertEquals("layer 're_lu' (ReLU): expected input (batch, 2, 3), got (4, 3, 2)", e.getMessage());
  }

  @Test
  void configRoundTrips() {
    ReLU r = new ReLU("act");
    assertEquals(r.config(), Layers.fromConfig(r.config()).config());
    assertEquals(null, r.config().get("max_value"));
    assertTrue(r.config().containsKey("max_value"), "the config lists max_value even without a cap, as Keras does");
    ReLU six = new ReLU(6, "six");
    assertEquals(6.0, six.config().get("max_value"));
    assertEquals(six.config(), Layers.fromConfig(six.config()).config());
    assertEquals(6.0, ((ReLU) Layers.fromConfig(six.config())).maxValue());
  }
}
