package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.striate.nn.MaxPool2DTest.assertMessage;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class GlobalAvgPool2DTest {

  @Test
  void gradients() {
    GradientCheck.check(new GlobalAvgPool2D(), GradientCheck.random(Shape.of(3, 5, 4, 2), 1));
  }

  @Test
  void forwardAveragesEachChannel() {
    GlobalAvgPool2D pool = new GlobalAvgPool2D();
    new Sequential(Shape.of(1, 3, 2), pool);
    // Channel 0: 1, 2, 6; channel 1: -3, 0, 0.
    Tensor x = Tensor.of(Shape.of(1, 1, 3, 2), 1, -3, 2, 0, 6, 0);
    try (ScalarKernels k = new ScalarKernels(1)) {
      assertArrayEquals(new float[] {3, -1}, pool.forward(x, Context.inference(k)).data());
    }
  }

  @Test
  void outputShapeDropsTheSpatialAxes() {
    Sequential m = new Sequential(Shape.of(1, 1, 3), new GlobalAvgPool2D());
    assertEquals(Shape.of(3), m.outputShape());
    assertEquals(Window.GLOBAL, m.layers().get(0).window());
  }

  @Test
  void rejectsInputsThatAreNotImages() {
    assertMessage("layer 'global_avg_pool2d' (GlobalAvgPool2D): input must have rank 3 (height, width, channels),"
        + " got (2, 2, 2, 2)", () -> new Sequential(Shape.of(2, 2, 2, 2), new GlobalAvgPool2D()));
  }

  @Test
  void configRoundTrips() {
    GlobalAvgPool2D p = new GlobalAvgPool2D("gap");
    Layer back = Layers.fromConfig(p.config());
    assertEquals(GlobalAvgPool2D.class, back.getClass());
    assertEquals(p.config(), back.config());
  }
}
