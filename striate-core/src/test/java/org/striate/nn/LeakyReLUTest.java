package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class LeakyReLUTest {

  private static Tensor apply(LeakyReLU layer, float... x) {
    new Sequential(Shape.of(x.length), layer);
    return layer.forward(Tensor.of(Shape.of(1, x.length), x), Context.inference(new ScalarKernels(1)));
  }

  @Test
  void scalesNegativesByTheSlope() {
    Tensor y = apply(new LeakyReLU(0.25), -2f, 3f);
    assertEquals(-0.5f, y.data()[0]);
    assertEquals(3f, y.data()[1]);
  }

  @Test
  void defaultSlopeIsKerasLayerDefault() {
    LeakyReLU layer = new LeakyReLU();
    assertEquals(0.3, layer.negativeSlope());
    assertEquals(-0.3f, apply(layer, -1f).data()[0]);
  }

  @Test
  void gradients() {
    GradientCheck.check(new LeakyReLU(), GradientCheck.randomAwayFromZero(Shape.of(3, 5), 2));
    GradientCheck.check(new LeakyReLU(0.01), GradientCheck.randomAwayFromZero(Shape.of(2, 2, 3), 3));
    GradientCheck.check(new LeakyReLU(0), GradientCheck.randomAwayFromZero(Shape.of(2, 4), 4));
  }

  @Test
  void reportsItsActivation() {
    assertEquals(Activation.LEAKY_RELU, new LeakyReLU(0.1).activation());
  }

  @Test
  void rejectsNegativeOrNonFiniteSlopes() {
    String rule = "LeakyReLU: negative_slope must be finite and >= 0, got ";
    assertEquals(rule + "-0.1", assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(-0.1)).getMessage());
    assertEquals(rule + "NaN",
        assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(Double.NaN)).getMessage());
    assertEquals(rule + "Infinity",
        assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(Double.POSITIVE_INFINITY)).getMessage());
  }

  @Test
  void configRoundTrips() {
    LeakyReLU l = new LeakyReLU(0.1, "leaky");
    Layer back = Layers.fromConfig(l.config());
    assertEquals(l.config(), back.config());
    assertEquals(0.1, ((LeakyReLU) back).negativeSlope());
  }

  @Test
  void configWithoutSlopeTakesTheDefault() {
    LeakyReLU l = (LeakyReLU) Layers.fromConfig(Map.of("type", "LeakyReLU"));
    assertEquals(0.3, l.negativeSlope());
  }
}
