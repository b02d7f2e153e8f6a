package org.striate.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.striate.tensor.Tensor;

/** Finite-difference check of a loss's gradient with respect to its predictions. */
final class LossCheck {
  private LossCheck() {}

  /** Compares every element of the analytical gradient with a central difference of step {@code eps}. */
  static void gradientMatchesFiniteDifferences(Loss loss, Tensor predictions, int[] labels, Tensor targets) {
    double eps = 1e-2;
    Tensor grad = Tensor.zeros(predictions.shape());
    loss.lossAndGradient(predictions, labels, targets, grad);
    float[] p = predictions.data();
    for (int i = 0; i < p.length; i++) {
      float saved = p[i];
      p[i] = (float) (saved + eps);
      double plus = loss.loss(predictions, labels, targets);
      p[i] = (float) (saved - eps);
      double minus = loss.loss(predictions, labels, targets);
      p[i] = saved;
      double numeric = (plus - minus) / (2 * eps);
      assertEquals(numeric, grad.data()[i], 1e-4, loss.name() + ": gradient of element " + i);
    }
  }
}
