package org.striate.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.nn.Parameter;

class AdamTest {

  @Test
  void stepsByHand() {
    // lr 0.1, betas 0.9 / 0.999, eps 1e-7, p = 1.
    // t=1, g=0.5:   m = 0.05, v = 0.00025; m_hat = 0.5, v_hat = 0.25; p = 1 - 0.1 * 0.5 / (0.5 + 1e-7) = 0.90000002
    // t=2, g=-0.25: m = 0.02, v = 0.00031225; m_hat = 0.02 / 0.19 = 0.10526316, v_hat = 0.00031225 / 0.001999
    //               = 0.15620310, sqrt 0.39522538; p = 0.9 - 0.1 * 0.10526316 / 0.39522548 = 0.87336632
    Parameter p = Params.of(1);
    Adam adam = Adam.builder().learningRate(0.1).build();
    Params.step(adam, p, 0.5f);
    assertEquals(0.90000002f, p.value().data()[0], 1e-6f);
    Params.step(adam, p, -0.25f);
    assertEquals(0.87336632f, p.value().data()[0], 1e-6f);
  }

  @Test
  void firstStepMovesEachWeightByAboutTheLearningRate() {
    Parameter p = Params.of(0, 0, 0);
    Params.step(new Adam(), p, 3f, -0.01f, 0f);
    assertEquals(-0.001f, p.value().data()[0], 1e-8f);
    assertEquals(0.001f, p.value().data()[1], 1e-7f);
    assertEquals(0f, p.value().data()[2], 0f);
  }

  @Test
  void momentsAndStepCountArePerParameter() {
    // b joins at the second step; its bias correction must start at t = 1, so it moves like a's first step.
    Parameter a = Params.of(0);
    Parameter b = Params.of(0);
    Adam adam = Adam.builder().learningRate(0.1).build();
    Params.step(adam, a, 0.5f);
    Params.setGrad(a, 0.5f);
    Params.setGrad(b, 0.5f);
    adam.step(List.of(a, b));
    assertEquals(-0.1f, b.value().data()[0], 1e-6f);
    assertEquals(-0.2f, a.value().data()[0], 1e-6f);
  }

  @Test
  void kerasDefaults() {
    assertEquals(Map.of("name", "adam", "learning_rate", 0.001, "beta_1", 0.9, "beta_2", 0.999, "epsilon", 1e-7),
        new Adam().config());
  }

  @Test
  void validationNamesTheArgumentTheRuleAndTheValue() {
    assertEquals("Adam: learning_rate must be positive and finite, got -1.0", message(Adam.builder().learningRate(-1)));
    assertEquals("Adam: beta_1 must be in [0, 1), got 1.0", message(Adam.builder().beta1(1)));
    assertEquals("Adam: beta_2 must be in [0, 1), got -0.5", message(Adam.builder().beta2(-0.5)));
    assertEquals("Adam: epsilon must be positive and finite, got 0.0", message(Adam.builder().epsilon(0)));
  }

  private static String message(Adam.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }
}
