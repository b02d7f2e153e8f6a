package org.striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.nn.Parameter;

class SGDTest {

  @Test
  void plainStepIsLearningRateTimesGradient() {
    Parameter p = Params.of(1, -2);
    Params.step(SGD.builder().learningRate(0.1).build(), p, 0.5f, 1f);
    assertArrayEquals(new float[] {0.95f, -2.1f}, p.value().data(), 1e-7f);
    assertArrayEquals(new float[] {0.5f, 1f}, p.grad().data(), 0f, "the optimizer must not clear gradients");
  }

  @Test
  void momentumStartsWithTheGradientThenAccumulates() {
    // lr 0.1, momentum 0.9, gradient 1 each step: v = 1, 1.9, 2.71; p = 0.9, 0.71, 0.439.
    Parameter p = Params.of(1);
    SGD sgd = SGD.builder().learningRate(0.1).momentum(0.9).build();
    float[] expected = {0.9f, 0.71f, 0.439f};
    for (float e : expected) {
      Params.step(sgd, p, 1f);
      assertEquals(e, p.value().data()[0], 1e-6f);
    }
  }

  @Test
  void nesterovLooksAheadAndDiffersFromPlainMomentum() {
    // step = g + 0.9 v: v = 1 -> step 1.9, p = 0.81; v = 1.9 -> step 2.71, p = 0.539.
    Parameter p = Params.of(1);
    SGD sgd = SGD.builder().learningRate(0.1).momentum(0.9).nesterov(true).build();
    Params.step(sgd, p, 1f);
    assertEquals(0.81f, p.value().data()[0], 1e-6f);
    Params.step(sgd, p, 1f);
    assertEquals(0.539f, p.value().data()[0], 1e-6f);
  }

  @Test
  void weightDecayAddsToTheGradient() {
    // g = 0.5 + 0.1 * 2 = 0.7, p = 2 - 0.1 * 0.7 = 1.93; then g = 0.5 + 0.193 = 0.693, v = 0.63 + 0.693 = 1.323,
    // p = 1.93 - 0.1323 = 1.7977.
    Parameter p = Params.of(2);
    SGD sgd = SGD.builder().learningRate(0.1).momentum(0.9).weightDecay(0.1).build();
    Params.step(sgd, p, 0.5f);
    assertEquals(1.93f, p.value().data()[0], 1e-6f);
    Params.step(sgd, p, 0.5f);
    assertEquals(1.7977f, p.value().data()[0], 1e-6f);
  }

  @Test
  void velocityIsKeptPerParameterObject() {
    Parameter a = Params.of(0);
    Parameter b = Params.of(0);
    SGD sgd = SGD.builder().learningRate(1).momentum(0.5).build();
    Params.setGrad(a, 1f);
    Params.setGrad(b, -2f);
    sgd.step(List.of(a, b));
    sgd.step(List.of(a, b));
    // a: v = 1 then 1.5, p = -2.5; b: v = -2 then -3, p = 5.
    assertEquals(-2.5f, a.value().data()[0], 0f);
    assertEquals(5f, b.value().data()[0], 0f);
  }

  @Test
  void kerasDefaults() {
    SGD sgd = new SGD();
    assertEquals(Map.of("name", "sgd", "learning_rate", 0.01, "momentum", 0.0, "nesterov", false, "weight_decay", 0.0),
        sgd.config());
    assertEquals(0.01, sgd.learningRate());
    assertEquals("sgd", sgd.name());
  }

  @Test
  void validationNamesTheArgumentTheRuleAndTheValue() {
    assertEquals("SGD: learning_rate must be positive and finite, got 0.0", message(SGD.builder().learningRate(0)));
    assertEquals("SGD: learning_rate must be positive and finite, got NaN",
        message(SGD.builder().learningRate(Double.NaN)));
    assertEquals("SGD: momentum must be in [0, 1], got 1.5", message(SGD.builder().momentum(1.5)));
    assertEquals("SGD: weight_decay must be non-negative and finite, got -0.1", message(SGD.builder().weightDecay(-0.1)));
    assertEquals("SGD: nesterov requires a positive momentum, got momentum 0.0", message(SGD.builder().nesterov(true)));
  }

  private static String message(SGD.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }
}
