package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class SoftmaxTest {

  @Test
  void normalisesTheLastAxisStably() {
    Softmax s = new Softmax();
    new Sequential(Shape.of(2, 3), s);
    float[] x = {1f, 2f, 3f, 1000f, 1001f, 999f};
    Tensor y = s.forward(Tensor.of(Shape.of(1, 2, 3), x.clone()), Context.inference(new ScalarKernels(1)));
    for (int row = 0; row < 2; row++) {
      double max = Math.max(x[3 * row], Math.max(x[3 * row + 1], x[3 * row + 2]));
      double sum = 0;
      for (int j = 0; j < 3; j++) {
        sum += Math.exp(x[3 * row + j] - max);
      }
      for (int j = 0; j < 3; j++) {
        assertEquals(Math.exp(x[3 * row + j] - max) / sum, y.data()[3 * row + j], 1e-7);
      }
    }
  }

  @Test
  void gradients() {
    GradientCheck.check(new Softmax(), GradientCheck.random(Shape.of(2, 3, 4), 1));
  }

  @Test
  void fusedIntoTheLossItPassesLogitsAndGradientsThrough() {
    Softmax s = new Softmax();
    new Sequential(Shape.of(4), s);
    Context ctx = Context.training(new ScalarKernels(1), 0);
    ctx.fuseSoftmaxIntoLoss(s);
    Tensor logits = GradientCheck.random(Shape.of(2, 4), 2);
    assertSame(logits, s.forward(logits, ctx));
    Tensor grad = GradientCheck.random(Shape.of(2, 4), 3);
    assertSame(grad, s.backward(grad, ctx));
  }

  @Test
  void reportsItsActivation() {
    assertEquals(Activation.SOFTMAX, new Softmax().activation());
  }

  @Test
  void rejectsExamplesWithoutAnAxis() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Sequential(Shape.of(), new Softmax("probs")));
    assertEquals("layer 'probs' (Softmax): input must have at least one axis, got ()", e.getMessage());
  }

  @Test
  void configRoundTrips() {
    Softmax s = new Softmax("probs");
    assertEquals(s.config(), Layers.fromConfig(s.config()).config());
  }
}
