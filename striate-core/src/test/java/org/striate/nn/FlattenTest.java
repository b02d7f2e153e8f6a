package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class FlattenTest {

  @Test
  void outputShapeIsTheProductOfTheExampleAxes() {
    Sequential m = new Sequential(Shape.of(4, 5, 3), new Flatten());
    assertEquals(Shape.of(60), m.outputShape());
    assertEquals(0, m.parameterCount());
  }

  @Test
  void flattensInNhwcOrder() {
    int h = 2;
    int w = 3;
    int c = 4;
    Sequential m = new Sequential(Shape.of(h, w, c), new Flatten());
    Tensor x = GradientCheck.random(Shape.of(2, h, w, c), 3);
    Tensor y = m.forward(x, Context.inference(new ScalarKernels(1)));
    assertEquals(Shape.of(2, h * w * c), y.shape());
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          for (int k = 0; k < c; k++) {
            assertEquals(x.get(n, i, j, k), y.get(n, (i * w + j) * c + k));
          }
        }
      }
    }
  }

  @Test
  void backwardRestoresTheInputShape() {
    Flatten f = new Flatten();
    new Sequential(Shape.of(2, 2, 3), f);
    Context ctx = Context.training(new ScalarKernels(1), 0);
    f.forward(GradientCheck.random(Shape.of(5, 2, 2, 3), 1), ctx);
    Tensor g = GradientCheck.random(Shape.of(5, 12), 2);
    Tensor back = f.backward(g, ctx);
    assertEquals(Shape.of(5, 2, 2, 3), back.shape());
    assertArrayEquals(g.data(), back.data());
  }

  @Test
  void gradients() {
    GradientCheck.check(new Flatten(), GradientCheck.random(Shape.of(2, 3, 2, 2), 5));
  }

  @Test
  void receptiveFieldBecomesGlobal() {
    assertEquals(Window.GLOBAL, new Flatten().window());
  }

  @Test
  void backwardBeforeForwardIsRejected() {
    Flatten f = new Flatten("flat");
    new Sequential(Shape.of(3), f);
    Context ctx = Context.training(new ScalarKernels(1), 0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.backward(Tensor.zeros(2, 3), ctx));
    assertEquals("layer 'flat': backward called before forward in training mode on this context", e.getMessage());
  }

  @Test
  void configRoundTrips() {
    Flatten f = new Flatten("flat");
    assertEquals(f.config(), Layers.fromConfig(f.config()).config());
  }
}
