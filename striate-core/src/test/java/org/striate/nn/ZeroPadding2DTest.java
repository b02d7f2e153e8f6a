package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class ZeroPadding2DTest {

  @Test
  void outputShapeAddsEachSide() {
    assertEquals(Shape.of(1 + 4 + 2, 0 + 5 + 3, 2), new Sequential(Shape.of(4, 5, 2), new ZeroPadding2D(1, 2, 0, 3))
        .outputShape());
    assertEquals(Shape.of(6, 7, 1), new Sequential(Shape.of(4, 5, 1), new ZeroPadding2D(1)).outputShape());
    assertEquals(Shape.of(8, 7, 1), new Sequential(Shape.of(4, 5, 1), new ZeroPadding2D(2, 1)).outputShape());
  }

  @Test
  void placesTheImageAfterTopRowsAndLeftColumnsAndZeroesTheRest() {
    ZeroPadding2D pad = new ZeroPadding2D(1, 2, 0, 3);
    new Sequential(Shape.of(2, 3, 2), pad);
    Tensor x = GradientCheck.randomAwayFromZero(Shape.of(2, 2, 3, 2), 1);
    Tensor y = pad.forward(x, Context.inference(new ScalarKernels(1)));
    assertEquals(Shape.of(2, 5, 6, 2), y.shape());
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 6; j++) {
          for (int c = 0; c < 2; c++) {
            boolean inside = i >= 1 && i < 3 && j < 3;
            assertEquals(inside ? x.get(n, i - 1, j, c) : 0f, y.get(n, i, j, c), "at " + List.of(n, i, j, c));
          }
        }
      }
    }
  }

  @Test
  void backwardCropsTheGradient() {
    ZeroPadding2D pad = new ZeroPadding2D(2, 0, 1, 1);
    new Sequential(Shape.of(2, 2, 1), pad);
    Context ctx = Context.training(new ScalarKernels(1), 0);
    pad.forward(Tensor.zeros(1, 2, 2, 1), ctx);
    Tensor g = Tensor.of(Shape.of(1, 4, 4, 1), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    Tensor back = pad.backward(g, ctx);
    assertEquals(Shape.of(1, 2, 2, 1), back.shape());
    assertArrayEquals(new float[] {9, 10, 13, 14}, back.data());
  }

  @Test
  void gradients() {
    GradientCheck.check(new ZeroPadding2D(1, 2, 0, 3), GradientCheck.random(Shape.of(2, 3, 4, 2), 2));
    GradientCheck.check(new ZeroPadding2D(0), GradientCheck.random(Shape.of(1, 2, 2, 3), 3));
  }

  @Test
  void windowIsPointwiseAfterTheLeadingPadding() {
    ZeroPadding2D pad = new ZeroPadding2D(3, 0, 2, 5);
    assertEquals(Window.padding(3, 2), pad.window());
    // Receptive field after a 3x3 convolution: still 3x3, its window starting 3 rows above and 2 columns left.
    Summary.Row conv = Summary.of(new Sequential(Shape.of(4, 4, 1), pad, new Conv2D(1, 3))).rows().get(1);
    assertEquals(List.of(3, 3, 3, 2), List.of(conv.rfH(), conv.rfW(), conv.padH(), conv.padW()));
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsNegativePaddingAndNonImages() {
    assertMessage("ZeroPadding2D: padding must be non-negative on every side, got [[1, -1], [0, 2]]"
        + " ([[top, bottom], [left, right]])", () -> new ZeroPadding2D(1, -1, 0, 2));
    assertMessage("ZeroPadding2D: padding must be non-negative on every side, got [[-1, -1], [-1, -1]]"
        + " ([[top, bottom], [left, right]])", () -> new ZeroPadding2D(-1));
    assertMessage("layer 'zero_padding2d' (ZeroPadding2D): input must have rank 3 (height, width, channels), got (5,)",
        () -> new Sequential(Shape.of(5), new ZeroPadding2D(1)));
  }

  @Test
  void configTakesKerasFormsAndStoresTopBottomLeftRight() {
    ZeroPadding2D pad = new ZeroPadding2D(1, 2, 0, 3, "pad");
    assertEquals(List.of(List.of(1, 2), List.of(0, 3)), pad.config().get("padding"));
    assertEquals(pad.config(), Layers.fromConfig(pad.config()).config());
    assertEquals(new ZeroPadding2D(1).config(), Layers.fromConfig(Map.of("type", "ZeroPadding2D")).config());
    assertEquals(new ZeroPadding2D(2).config(),
        Layers.fromConfig(Map.of("type", "ZeroPadding2D", "padding", 2)).config());
    assertEquals(new ZeroPadding2D(2, 3).config(),
        Layers.fromConfig(Map.of("type", "ZeroPadding2D", "padding", List.of(2, 3))).config());
    assertMessage("layer 'p' (ZeroPadding2D): config key 'padding' must be an integer, [h, w] or [[top, bottom],"
            + " [left, right]], got [1, 2, 3]",
        () -> Layers.fromConfig(Map.of("type", "ZeroPadding2D", "name", "p", "padding", List.of(1, 2, 3))));
    assertMessage("ZeroPadding2D: padding must be non-negative on every side, got [[0, 0], [-2, 1]]"
            + " ([[top, bottom], [left, right]])",
        () -> Layers.fromConfig(Map.of("type", "ZeroPadding2D", "padding", List.of(List.of(0, 0), List.of(-2, 1)))));
  }
}
