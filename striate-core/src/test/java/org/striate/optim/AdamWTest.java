package org.striate.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.nn.Parameter;

class AdamWTest {

  @Test
  void decayIsDecoupledFromTheGradient() {
    // p = 1 * (1 - 0.1 * 0.5) = 0.95, then the Adam step 0.1 * 0.5 / (0.5 + 1e-7): p = 0.85.
    Parameter p = Params.of(1);
    Params.step(AdamW.builder().learningRate(0.1).weightDecay(0.5).build(), p, 0.5f);
    assertEquals(0.85f, p.value().data()[0], 1e-6f);
  }

  @Test
  void zeroGradientStillShrinksTheWeights() {
    // With g = 0 the Adam term is 0 / (0 + eps) = 0; only the decay acts: 2 * (1 - 0.001 * 0.004).
    Parameter p = Params.of(2, -4);
    Params.step(new AdamW(), p, 0f, 0f);
    assertEquals(1.999992f, p.value().data()[0], 1e-7f);
    assertEquals(-3.999984f, p.value().data()[1], 1e-7f);
  }

  @Test
  void withoutDecayItIsAdam() {
    Parameter a = Params.of(1, 2);
    Parameter b = Params.of(1, 2);
    AdamW adamW = AdamW.builder().learningRate(0.05).weightDecay(0).build();
    Adam adam = Adam.builder().learningRate(0.05).build();
    for (float g : new float[] {0.3f, -1f, 2f}) {
      Params.step(adamW, a, g, -g);
      Params.step(adam, b, g, -g);
    }
    assertEquals(b.value().data()[0], a.value().data()[0], 0f);
    assertEquals(b.value().data()[1], a.value().data()[1], 0f);
  }

  @Test
  void kerasDefaults() {
    assertEquals(Map.of("name", "adamw", "learning_rate", 0.001, "weight_decay", 0.004, "beta_1", 0.9, "beta_2", 0.999,
        "epsilon", 1e-7), new AdamW().config());
  }

  @Test
  void validationNamesTheArgumentTheRuleAndTheValue() {
    assertEquals("AdamW: weight_decay must be non-negative and finite, got Infinity",
        assertThrows(IllegalArgumentException.class,
            () -> AdamW.builder().weightDecay(Double.POSITIVE_INFINITY).build()).getMessage());
    assertEquals("AdamW: beta_1 must be in [0, 1), got 1.2",
        assertThrows(IllegalArgumentException.class, () -> AdamW.builder().beta1(1.2).build()).getMessage());
  }
}
