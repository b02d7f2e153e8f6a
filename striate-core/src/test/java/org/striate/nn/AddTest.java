package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class AddTest {

  @Test
  void sumsAndPassesTheGradientToEveryInput() {
    Add add = new Add("sum");
    add.build(List.of(Shape.of(2), Shape.of(2), Shape.of(2)), new SplittableRandom(0));
    try (ScalarKernels k = new ScalarKernels(1)) {
      Context ctx = Context.training(k, 1);
      Tensor y = add.forward(List.of(Tensor.of(Shape.of(1, 2), 1, 2), Tensor.of(Shape.of(1, 2), 10, 20),
          Tensor.of(Shape.of(1, 2), 100, 200)), ctx);
      assertArrayEquals(new float[] {111, 222}, y.data());
      List<Tensor> grads = add.backwardInputs(Tensor.of(Shape.of(1, 2), 3, 4), ctx);
      assertEquals(3, grads.size());
      for (Tensor g : grads) {
        assertArrayEquals(new float[] {3, 4}, g.data());
      }
    }
  }

  @Test
  void rejectsMismatchedShapesAndSingleInputs() {
    assertEquals("layer Add: all inputs must have the same shape, got [(2, 3), (3, 2)]",
        assertThrows(IllegalArgumentException.class,
            () -> new Add().build(List.of(Shape.of(2, 3), Shape.of(3, 2)), new SplittableRandom(0))).getMessage());
    assertEquals("layer Add: needs at least two inputs, got 1", assertThrows(IllegalArgumentException.class,
        () -> new Add().build(List.of(Shape.of(2)), new SplittableRandom(0))).getMessage());
    Add add = new Add();
    add.build(List.of(Shape.of(2), Shape.of(2)), new SplittableRandom(0));
    assertEquals("layer Add: expected input 1 to be (batch, 2) with batch 1, got (2, 2)",
        assertThrows(IllegalArgumentException.class, () -> add.forward(
            List.of(Tensor.zeros(1, 2), Tensor.zeros(2, 2)), Context.inference(null))).getMessage());
  }

  @Test
  void configRoundTrips() {
    Add add = new Add("skip");
    assertEquals(add.config(), Layers.fromConfig(add.config()).config());
  }
}
