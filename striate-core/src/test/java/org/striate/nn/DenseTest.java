package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.tensor.Shape;

class DenseTest {

  @Test
  void gradientsWithBias() {
    GradientCheck.check(new Dense(5), GradientCheck.random(Shape.of(3, 7), 1));
  }

  @Test
  void gradientsWithoutBiasOnRank3Input() {
    GradientCheck.check(Dense.builder(4).useBias(false).build(), GradientCheck.random(Shape.of(2, 3, 6), 2));
  }

  @Test
  void gradientsThroughTanhAndSoftmax() {
    GradientCheck.check(new Dense(4, Activation.TANH), GradientCheck.random(Shape.of(3, 5), 3));
    GradientCheck.check(new Dense(4, Activation.SOFTMAX), GradientCheck.random(Shape.of(3, 5), 4));
  }

  @Test
  void outputShapeReplacesTheLastAxis() {
    Sequential m = new Sequential(Shape.of(3, 6), new Dense(4));
    assertEquals(Shape.of(3, 4), m.outputShape());
    assertEquals(6 * 4 + 4, m.parameterCount());
  }

  @Test
  void rejectsNonPositiveUnits() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dense(0));
    assertEquals("Dense: units must be positive, got 0", e.getMessage());
  }

  @Test
  void configRoundTrips() {
    Dense d = Dense.builder(7).activation(Activation.RELU).useBias(false).name("fc").build();
    Layer back = Layers.fromConfig(d.config());
    assertEquals(d.config(), back.config());
  }
}
