package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class UpSampling2DTest {

  @Test
  void outputShapeMultipliesHeightAndWidth() {
    assertEquals(Shape.of(14, 14, 3), new Sequential(Shape.of(7, 7, 3), new UpSampling2D(2)).outputShape());
    assertEquals(Shape.of(14, 21, 3), new Sequential(Shape.of(7, 7, 3), new UpSampling2D(2, 3)).outputShape());
  }

  @Test
  void repeatsEachPixelOverItsBlock() {
    UpSampling2D up = new UpSampling2D(2, 3);
    new Sequential(Shape.of(2, 2, 2), up);
    Tensor x = GradientCheck.random(Shape.of(2, 2, 2, 2), 1);
    Tensor y = up.forward(x, Context.inference(new ScalarKernels(1)));
    assertEquals(Shape.of(2, 4, 6, 2), y.shape());
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 6; j++) {
          for (int c = 0; c < 2; c++) {
            assertEquals(x.get(n, i / 2, j / 3, c), y.get(n, i, j, c), "at " + List.of(n, i, j, c));
          }
        }
      }
    }
  }

  @Test
  void backwardSumsTheGradientOfEachBlock() {
    UpSampling2D up = new UpSampling2D(2, 2);
    new Sequential(Shape.of(1, 2, 1), up);
    Context ctx = Context.training(new ScalarKernels(1), 0);
    up.forward(Tensor.zeros(1, 1, 2, 1), ctx);
    Tensor g = Tensor.of(Shape.of(1, 2, 4, 1), 1, 2, 3, 4, 10, 20, 30, 40);
    assertArrayEquals(new float[] {1 + 2 + 10 + 20, 3 + 4 + 30 + 40}, up.backward(g, ctx).data());
  }

  @Test
  void gradients() {
    GradientCheck.check(new UpSampling2D(2), GradientCheck.random(Shape.of(2, 3, 2, 2), 2));
    GradientCheck.check(new UpSampling2D(3, 1), GradientCheck.random(Shape.of(1, 2, 3, 3), 3));
  }

  @Test
  void windowIsUnaligned() {
    Window w = new UpSampling2D(2).window();
    assertEquals(Window.UNKNOWN, w);
    assertEquals(Window.Kind.UNKNOWN, w.kind());
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadSizesOtherInterpolationsAndNonImages() {
    assertMessage("UpSampling2D: size must be positive, got [0, 0]", () -> new UpSampling2D(0));
    assertMessage("UpSampling2D: size must be positive, got [2, -1]", () -> new UpSampling2D(2, -1));
    assertMessage("UpSampling2D: interpolation must be 'nearest' (the only one supported), got 'bilinear'",
        () -> new UpSampling2D(2, 2, "bilinear", null));
    assertMessage("UpSampling2D: interpolation must be 'nearest' (the only one supported), got 'bilinear'",
        () -> Layers.fromConfig(Map.of("type", "UpSampling2D", "interpolation", "bilinear")));
    assertMessage("layer 'up_sampling2d' (UpSampling2D): input must have rank 3 (height, width, channels), got (4, 4)",
        () -> new Sequential(Shape.of(4, 4), new UpSampling2D(2)));
  }

  @Test
  void configHasKerasNamesAndDefaultsAndRoundTrips() {
    UpSampling2D up = new UpSampling2D(2, 3, "nearest", "up");
    assertEquals(List.of(2, 3), up.config().get("size"));
    assertEquals("nearest", up.config().get("interpolation"));
    assertEquals(up.config(), Layers.fromConfig(up.config()).config());
    assertEquals(new UpSampling2D(2).config(), Layers.fromConfig(Map.of("type", "UpSampling2D")).config());
  }
}
