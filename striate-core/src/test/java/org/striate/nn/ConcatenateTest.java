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

class ConcatenateTest {

  private static Concatenate built(int axis, Shape... shapes) {
    Concatenate c = new Concatenate(axis, null);
    c.build(List.of(shapes), new SplittableRandom(0));
    return c;
  }

  @Test
  void joinsChannelsAndSplitsTheGradientBack() {
    Concatenate c = built(-1, Shape.of(1, 2, 1), Shape.of(1, 2, 2));
    assertEquals(Shape.of(1, 2, 3), c.outputShape());
    try (ScalarKernels k = new ScalarKernels(1)) {
      Context ctx = Context.training(k, 1);
      Tensor y = c.forward(List.of(Tensor.of(Shape.of(1, 1, 2, 1), 1, 2),
          Tensor.of(Shape.of(1, 1, 2, 2), 10, 11, 20, 21)), ctx);
      assertArrayEquals(new float[] {1, 10, 11, 2, 20, 21}, y.data());
      List<Tensor> g = c.backwardInputs(Tensor.of(Shape.of(1, 1, 2, 3), 1, 2, 3, 4, 5, 6), ctx);
      assertArrayEquals(new float[] {1, 4}, g.get(0).data());
      assertArrayEquals(new float[] {2, 3, 5, 6}, g.get(1).data());
    }
  }

  @Test
  void joinsAnInnerAxis() {
    Concatenate c = built(0, Shape.of(1, 2), Shape.of(2, 2));
    assertEquals(Shape.of(3, 2), c.outputShape());
    try (ScalarKernels k = new ScalarKernels(1)) {
      Tensor y = c.forward(List.of(Tensor.of(Shape.of(2, 1, 2), 1, 2, 3, 4),
          Tensor.of(Shape.of(2, 2, 2), 5, 6, 7, 8, 9, 10, 11, 12)), Context.inference(k));
      assertArrayEquals(new float[] {1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}, y.data());
    }
  }

  @Test
  void gradientCheckInAGraph() {
    Node input = Node.input(3, 2);
    Node a = new Dense(2, Activation.TANH).apply(input);
    Functional m = new Functional(input, new Concatenate(0, null).apply(a, input));
    GradientCheck.check(m, GradientCheck.random(Shape.of(2, 3, 2), 5));
  }

  @Test
  void rejectsMismatchedShapesAndBadAxes() {
    assertEquals("layer Concatenate: inputs must agree on every axis but axis -1, got [(2, 3, 1), (2, 4, 1)]",
        assertThrows(IllegalArgumentException.class,
            () -> built(-1, Shape.of(2, 3, 1), Shape.of(2, 4, 1))).getMessage());
    assertEquals("layer Concatenate: axis must be in [-2, 1] for inputs of rank 2 (batch excluded), got 2",
        assertThrows(IllegalArgumentException.class, () -> built(2, Shape.of(2, 3), Shape.of(2, 3))).getMessage());
  }

  @Test
  void configRoundTrips() {
    Concatenate c = new Concatenate(1, "cat");
    assertEquals(c.config(), Layers.fromConfig(c.config()).config());
    assertEquals(1, ((Concatenate) Layers.fromConfig(c.config())).axis());
  }
}
