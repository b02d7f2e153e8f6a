package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class ReshapeTest {

  @Test
  void givesEachExampleTheTargetShapeInferringOneDimension() {
    assertEquals(Shape.of(7, 7, 16), new Sequential(Shape.of(784), new Reshape(7, 7, 16)).outputShape());
    assertEquals(Shape.of(16, 8), new Sequential(Shape.of(4, 4, 8), new Reshape(-1, 8)).outputShape());
    assertEquals(Shape.of(2, 30), new Sequential(Shape.of(3, 4, 5), new Reshape(2, -1)).outputShape());
  }

  @Test
  void keepsTheRowMajorOrderAndSharesTheData() {
    Reshape r = new Reshape(3, 4);
    new Sequential(Shape.of(2, 3, 2), r);
    Tensor x = GradientCheck.random(Shape.of(2, 2, 3, 2), 1);
    Context ctx = Context.training(new ScalarKernels(1), 0);
    Tensor y = r.forward(x, ctx);
    assertEquals(Shape.of(2, 3, 4), y.shape());
    assertSame(x.data(), y.data());
    assertEquals(x.get(1, 1, 0, 1), y.get(1, 1, 3));
    Tensor g = GradientCheck.random(Shape.of(2, 3, 4), 2);
    Tensor back = r.backward(g, ctx);
    assertEquals(Shape.of(2, 2, 3, 2), back.shape());
    assertArrayEquals(g.data(), back.data());
  }

  @Test
  void gradients() {
    GradientCheck.check(new Reshape(-1, 4), GradientCheck.random(Shape.of(2, 3, 2, 2), 3));
  }

  @Test
  void windowIsGlobalForOneAxisPointwiseWhenPixelsStayAndUnalignedOtherwise() {
    assertEquals(Window.GLOBAL, built(new Reshape(-1), 4, 4, 2).window());
    assertEquals(Window.POINTWISE, built(new Reshape(4, 4, 2, 1), 4, 4, 2).window());
    assertEquals(Window.UNKNOWN, built(new Reshape(2, 8, 2), 4, 4, 2).window());
    assertEquals(Window.UNKNOWN, built(new Reshape(16, 2), 4, 4, 2).window());
  }

  private static Reshape built(Reshape r, int... example) {
    new Sequential(Shape.of(example), r);
    return r;
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadTargetShapes() {
    assertMessage("Reshape: target_shape must have at least one dimension, got []", () -> new Reshape());
    assertMessage("Reshape: target_shape dimensions must be positive or -1 (inferred), got [2, 0]",
        () -> new Reshape(2, 0));
    assertMessage("Reshape: target_shape dimensions must be positive or -1 (inferred), got [-2, 3]",
        () -> new Reshape(-2, 3));
    assertMessage("Reshape: target_shape may have only one -1 (inferred) dimension, got [-1, 2, -1]",
        () -> new Reshape(-1, 2, -1));
  }

  @Test
  void rejectsAnInputWhoseElementCountDoesNotFitShowingBothShapes() {
    assertMessage("layer 'reshape' (Reshape): cannot reshape input (4, 5, 3) (60 elements) to target_shape [7, 8]"
        + " (56 elements)", () -> new Sequential(Shape.of(4, 5, 3), new Reshape(7, 8)));
    assertMessage("layer 'reshape' (Reshape): cannot reshape input (4, 5, 3) (60 elements) to target_shape [7, -1]"
            + " (60 is not a multiple of 7, the product of the other dimensions)",
        () -> new Sequential(Shape.of(4, 5, 3), new Reshape(7, -1)));
  }

  @Test
  void configKeepsTheInferredDimensionAndRoundTrips() {
    Reshape r = new Reshape(new int[] {-1, 8}, "r");
    assertEquals(List.of(-1, 8), r.config().get("target_shape"));
    assertEquals(r.config(), Layers.fromConfig(r.config()).config());
    assertMessage("layer (Reshape): config key 'target_shape' is required but missing",
        () -> Layers.fromConfig(Map.of("type", "Reshape")));
  }
}
