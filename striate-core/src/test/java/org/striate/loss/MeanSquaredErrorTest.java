package org.striate.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.nn.GradientCheck;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class MeanSquaredErrorTest {
  private final MeanSquaredError loss = new MeanSquaredError();

  @Test
  void meanOverAllElementsByHand() {
    Tensor p = Tensor.of(Shape.of(2, 2), 1, 2, 3, 4);
    Tensor t = Tensor.of(Shape.of(2, 2), 0, 2, 5, 3);
    // Differences 1, 0, -2, 1: squares sum to 6, over 4 elements; gradient 2 d / 4.
    Tensor grad = Tensor.zeros(p.shape());
    assertEquals(1.5, loss.lossAndGradient(p, null, t, grad), 1e-12);
    assertArrayEquals(new float[] {0.5f, 0f, -1f, 0.5f}, grad.data(), 0f);
    assertEquals(1.5, loss.loss(p, null, t), 1e-12);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    LossCheck.gradientMatchesFiniteDifferences(
        loss, GradientCheck.random(Shape.of(3, 2, 2), 1), null, GradientCheck.random(Shape.of(3, 2, 2), 2));
  }

  @Test
  void rejectsLabelsAndMismatchedShapes() {
    Tensor p = Tensor.zeros(2, 3);
    assertEquals("MeanSquaredError: needs target tensors shaped like the predictions (2, 3), got 2 integer labels"
            + " (one-hot encode them, or use CrossEntropy)",
        assertThrows(IllegalArgumentException.class, () -> loss.loss(p, new int[] {0, 1}, null)).getMessage());
    assertEquals("MeanSquaredError: targets must have the shape of the predictions (2, 3), got (2, 1)",
        assertThrows(IllegalArgumentException.class, () -> loss.loss(p, null, Tensor.zeros(2, 1))).getMessage());
    assertEquals("MeanSquaredError: gradient: expected shape (2, 3), got (6,)",
        assertThrows(IllegalArgumentException.class,
            () -> loss.lossAndGradient(p, null, Tensor.zeros(2, 3), Tensor.zeros(6))).getMessage());
  }

  @Test
  void namesAndFusion() {
    assertEquals("mean_squared_error", loss.name());
    assertFalse(loss.fusesSoftmax());
  }
}
