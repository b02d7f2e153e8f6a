package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  }
}
