package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.striate.nn.MaxPool2DTest.assertMessage;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class AvgPool2DTest {

  private static Tensor input(long seed, int... dims) {
    return GradientCheck.random(Shape.of(dims), seed);
  }

  @Test
  void gradientsWithDefaultSettings() {
    GradientCheck.check(new AvgPool2D(), input(1, 2, 6, 5, 3));
  }

  @Test
  void gradientsWithOverlappingNonSquareWindowsAndStridesThatDoNotDivideTheInput() {
    GradientCheck.check(AvgPool2D.builder().poolSize(3, 2).strides(2, 3).build(), input(2, 2, 8, 7, 2));
  }

  @Test
  void gradientsWithSameAndExplicitPaddingCountingPaddingOrNot() {
    for (boolean includePad : new boolean[] {true, false}) {
      GradientCheck.check(
          AvgPool2D.builder().poolSize(3, 3).strides(2, 2).padding(Padding.SAME).countIncludePad(includePad).build(),
          input(3, 2, 6, 5, 2));
      GradientCheck.check(AvgPool2D.builder().poolSize(2, 3).strides(1, 2).padding(Padding.explicit(1, 0, 1, 1))
          .countIncludePad(includePad).build(), input(4, 1, 4, 5, 3));
    }
  }

  @Test
  void divisorsFollowPyTorchCountIncludePad() {
    // A 3x3 image of ones, 2x2 windows, stride 2, SAME: one padding row at the bottom and one column on the
    // right. Windows hold 4, 2, 2 and 1 real pixels.
    assertArrayEquals(new float[] {1, 0.5f, 0.5f, 0.25f}, poolOnes(true));
    assertArrayEquals(new float[] {1, 1, 1, 1}, poolOnes(false));
  }

  private static float[] poolOnes(boolean countIncludePad) {
    AvgPool2D pool = AvgPool2D.builder().padding(Padding.SAME).countIncludePad(countIncludePad).build();
    new Sequential(Shape.of(3, 3, 1), pool);
    try (ScalarKernels k = new ScalarKernels(1)) {
      return pool.forward(Tensor.of(Shape.of(1, 3, 3, 1), 1, 1, 1, 1, 1, 1, 1, 1, 1), Context.inference(k)).data();
    }
  }

  @Test
  void outputShapeFollowsTheFormula() {
    // out = floor((in + padBefore + padAfter - pool) / stride) + 1; SAME: ceil(in / stride)
    assertEquals(Shape.of(3, 2, 4), new Sequential(Shape.of(7, 5, 4), new AvgPool2D()).outputShape());
    assertEquals(Shape.of((4 + 1 - 2) / 1 + 1, (5 + 2 - 3) / 2 + 1, 3),
        new Sequential(Shape.of(4, 5, 3),
            AvgPool2D.builder().poolSize(2, 3).strides(1, 2).padding(Padding.explicit(1, 0, 1, 1)).build())
            .outputShape());
    // SAME with the default stride 3: ceil(6 / 3) x ceil(5 / 3)
    assertEquals(Shape.of(2, 2, 2),
        new Sequential(Shape.of(6, 5, 2), AvgPool2D.builder().poolSize(3, 3).padding(Padding.SAME).build())
            .outputShape());
  }

  @Test
  void rejectsBadSettings() {
    assertMessage("AvgPool2D: pool_size must be positive, got [0, 0]", () -> new AvgPool2D(0));
    assertMessage("AvgPool2D: strides must be positive, got [-1, 1]", () -> AvgPool2D.builder().strides(-1, 1).build());
    assertMessage("layer 'avg_pool2d' (AvgPool2D): input must have rank 3 (height, width, channels), got (2, 2, 2, 1)",
        () -> new Sequential(Shape.of(2, 2, 2, 1), new AvgPool2D()));
  }

  @Test
  void configRoundTrips() {
    List<AvgPool2D> layers = List.of(
        new AvgPool2D(3),
        AvgPool2D.builder().poolSize(2, 3).strides(1, 2).padding(Padding.explicit(0, 1, 1, 0)).countIncludePad(false)
            .name("a").build());
    for (AvgPool2D p : layers) {
      Layer back = Layers.fromConfig(p.config());
      assertEquals(AvgPool2D.class, back.getClass());
      assertEquals(p.config(), back.config());
    }
    assertEquals(false, layers.get(1).config().get("count_include_pad"));
    assertFalse(layers.get(0).config().containsKey("dilation_rate"));
    AvgPool2D fromKeras = (AvgPool2D) Layers.fromConfig(Map.of("type", "AvgPool2D", "pool_size", 2));
    assertEquals(true, fromKeras.countIncludePad());
    assertEquals(List.of(2, 2), fromKeras.config().get("strides"));
  }
}
