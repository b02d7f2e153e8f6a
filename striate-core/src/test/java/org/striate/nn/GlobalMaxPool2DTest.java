package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.striate.nn.MaxPool2DTest.assertMessage;

import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class GlobalMaxPool2DTest {

  @Test
  void gradients() {
    GradientCheck.check(new GlobalMaxPool2D(), GradientCheck.distinct(Shape.of(3, 4, 5, 2), 1));
  }

  @Test
  void forwardTakesTheMaximumOfEachChannel() {
    GlobalMaxPool2D pool = new GlobalMaxPool2D();
    new Sequential(Shape.of(2, 2, 2), pool);
    // Channel 0: 1, -3, 8, 2; channel 1: -1, -7, -2, -5.
    Tensor x = Tensor.of(Shape.of(1, 2, 2, 2), 1, -1, -3, -7, 8, -2, 2, -5);
    try (ScalarKernels k = new ScalarKernels(1)) {
      assertArrayEquals(new float[] {8, -1}, pool.forward(x, Context.inference(k)).data());
    }
  }

  @Test
  void outputShapeDropsTheSpatialAxes() {
    Sequential m = new Sequential(Shape.of(7, 3, 5), new GlobalMaxPool2D());
    assertEquals(Shape.of(5), m.outputShape());
    assertEquals(Window.GLOBAL, m.layers().get(0).window());
  }

  @Test
  void rejectsInputsThatAreNotImages() {
    assertMessage("layer 'global_max_pool2d' (GlobalMaxPool2D): input must have rank 3 (height, width, channels),"
        + " got (4, 4)", () -> new Sequential(Shape.of(4, 4), new GlobalMaxPool2D()));
  }

  @Test
  void configRoundTrips() {
    GlobalMaxPool2D p = new GlobalMaxPool2D("gmp");
    Layer back = Layers.fromConfig(p.config());
    assertEquals(GlobalMaxPool2D.class, back.getClass());
    assertEquals(p.config(), back.config());
  }
}
