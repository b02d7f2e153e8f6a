package org.striate.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.nn.GradientCheck;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class CrossEntropyTest {
  private final CrossEntropy loss = new CrossEntropy();

  private static final Tensor LOGITS = Tensor.of(Shape.of(2, 3), 1, 2, 3, 0, 0, 0);

  @Test
  void valueAndGradientOfASmallBatchByHand() {
    // Row 0: logsumexp(1, 2, 3) - 3 = log(1 + e^-1 + e^-2); softmax = (0.0900306, 0.2447285, 0.6652410).
    // Row 1: log 3; softmax = 1/3 each. Mean over the 2 rows; gradient (softmax - onehot) / 2.
    Tensor grad = Tensor.zeros(LOGITS.shape());
    double value = loss.lossAndGradient(LOGITS, new int[] {2, 0}, null, grad);
    assertEquals((0.40760596444438013 + Math.log(3)) / 2, value, 1e-6);
    float third = 1f / 3;
    assertArrayEquals(new float[] {
        0.0900306f / 2, 0.2447285f / 2, (0.6652410f - 1) / 2,
        (third - 1) / 2, third / 2, third / 2}, grad.data(), 1e-6f);
    assertEquals(value, loss.loss(LOGITS, new int[] {2, 0}, null), 0);
  }

  @Test
  void oneHotTargetsGiveTheSameAsLabels() {
    Tensor oneHot = Tensor.of(Shape.of(2, 3), 0, 0, 1, 1, 0, 0);
    Tensor gradLabels = Tensor.zeros(LOGITS.shape());
    Tensor gradTargets = Tensor.zeros(LOGITS.shape());
    double a = loss.lossAndGradient(LOGITS, new int[] {2, 0}, null, gradLabels);
    double b = loss.lossAndGradient(LOGITS, null, oneHot, gradTargets);
    assertEquals(a, b, 1e-12);
    assertArrayEquals(gradLabels.data(), gradTargets.data(), 1e-7f);
  }

  @Test
  void softTargetsByHand() {
    // Targets (0.5, 0.5, 0) on logits (0, 0, 0): loss = log 3, gradient = 1/3 - y.
    Tensor grad = Tensor.zeros(1, 3);
    double value = loss.lossAndGradient(Tensor.zeros(1, 3), null, Tensor.of(Shape.of(1, 3), 0.5f, 0.5f, 0), grad);
    assertEquals(Math.log(3), value, 1e-7);
    assertArrayEquals(new float[] {1f / 3 - 0.5f, 1f / 3 - 0.5f, 1f / 3}, grad.data(), 1e-7f);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Tensor logits = GradientCheck.random(Shape.of(4, 5), 11);
    for (int i = 0; i < logits.size(); i++) {
      logits.data()[i] *= 3;
    }
    LossCheck.gradientMatchesFiniteDifferences(loss, logits, new int[] {0, 4, 2, 2}, null);
    Tensor soft = GradientCheck.random(Shape.of(4, 5), 12);
    for (int r = 0; r < 4; r++) {
      double sum = 0;
      for (int c = 0; c < 5; c++) {
        soft.data()[r * 5 + c] = Math.abs(soft.data()[r * 5 + c]);
        sum += soft.data()[r * 5 + c];
      }
      for (int c = 0; c < 5; c++) {
        soft.data()[r * 5 + c] /= (float) sum;
      }
    }
    LossCheck.gradientMatchesFiniteDifferences(loss, logits, null, soft);
  }

  @Test
  void stableForLogitsOfPlusMinusAThousand() {
    Tensor logits = Tensor.of(Shape.of(2, 3), 1000, -1000, 0, -1000, 1000, -1000);
    Tensor grad = Tensor.zeros(logits.shape());
    // Row 0, label 1: logsumexp = 1000, loss 2000; row 1, label 1: loss 0. Softmax is one-hot on the maximum.
    double value = loss.lossAndGradient(logits, new int[] {1, 1}, null, grad);
    assertEquals(1000, value, 1e-9);
    assertArrayEquals(new float[] {0.5f, -0.5f, 0, 0, 0, 0}, grad.data(), 0f);
    for (float g : grad.data()) {
      assertTrue(Float.isFinite(g));
    }
  }

  @Test
  void rejectsMismatchedShapesAndLabels() {
    assertEquals("CrossEntropy: targets must have the shape of the logits (2, 3), got (2, 4)",
        assertThrows(IllegalArgumentException.class,
            () -> loss.loss(LOGITS, null, Tensor.zeros(2, 4))).getMessage());
    assertEquals("CrossEntropy: logits (2, 3) need 2 labels, got 3",
        assertThrows(IllegalArgumentException.class,
            () -> loss.loss(LOGITS, new int[] {0, 1, 2}, null)).getMessage());
    assertEquals("CrossEntropy: labels must be in [0, 3) for logits (2, 3), got 3 at example 1",
        assertThrows(IllegalArgumentException.class,
            () -> loss.loss(LOGITS, new int[] {0, 3}, null)).getMessage());
    assertEquals("CrossEntropy: logits must have shape (batch, classes), got (2, 3, 1)",
        assertThrows(IllegalArgumentException.class,
            () -> loss.loss(Tensor.zeros(2, 3, 1), new int[] {0, 0}, null)).getMessage());
    assertEquals("CrossEntropy: give exactly one of integer labels and target tensor, got both",
        assertThrows(IllegalArgumentException.class,
            () -> loss.loss(LOGITS, new int[] {0, 0}, Tensor.zeros(2, 3))).getMessage());
    assertEquals("CrossEntropy: gradient: expected shape (2, 3), got (3, 2)",
        assertThrows(IllegalArgumentException.class,
            () -> loss.lossAndGradient(LOGITS, new int[] {0, 0}, null, Tensor.zeros(3, 2))).getMessage());
  }

  @Test
  void namesAndFusion() {
    assertEquals("categorical_crossentropy", loss.name());
    assertTrue(loss.fusesSoftmax());
  }
}
