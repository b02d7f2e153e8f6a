package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class SequentialTest {

  private static List<String> names(Sequential m) {
    List<String> names = new ArrayList<>();
    m.layers().forEach(l -> names.add(l.name()));
    return names;
  }

  private static Sequential mlp() {
    return new Sequential(Shape.of(2, 3), new Flatten(), new Dense(5), new ReLU(), new Dense(3));
  }

  private static float[] allParameters(Sequential m) {
    List<Float> values = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      for (float v : p.value().data()) {
        values.add(v);
      }
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  @Test
  void namesLayersKerasStyle() {
    Sequential m = new Sequential(Shape.of(4), new Dense(3), new ReLU(), new Dense(2), new ReLU(), new Dense(1));
    assertEquals(List.of("dense", "re_lu", "dense_1", "re_lu_1", "dense_2"), names(m));
  }

  @Test
  void automaticNamesSkipNamesTheUserTook() {
    Sequential m = new Sequential(Shape.of(4), Dense.builder(3).name("dense_1").build(), new Dense(3), new Dense(3));
    assertEquals(List.of("dense_1", "dense", "dense_2"), names(m));
  }

  @Test
  void snakeCaseFollowsKeras() {
    assertEquals("max_pool2d", Sequential.snakeCase("MaxPool2D"));
    assertEquals("conv2d", Sequential.snakeCase("Conv2D"));
    assertEquals("global_avg_pool2d", Sequential.snakeCase("GlobalAvgPool2D"));
    assertEquals("dense", Sequential.snakeCase("Dense"));
    assertEquals("re_lu", Sequential.snakeCase("ReLU"));
    assertEquals("leaky_re_lu", Sequential.snakeCase("LeakyReLU"));
    assertEquals("conv2d_transpose", Sequential.snakeCase("Conv2DTranspose"));
  }

  @Test
  void rejectsDuplicateNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sequential(Shape.of(4), new ReLU("act"), new Dense(2), new Sigmoid("act")));
    assertEquals("Sequential: layer names must be unique, got 'act' twice", e.getMessage());
  }

  @Test
  void rejectsAnEmptyModel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sequential(Shape.of(4)));
    assertEquals("Sequential: needs at least one layer, got none", e.getMessage());
  }

  @Test
  void initializationIsReproducibleBySeed() {
    float[] fromConstructor = allParameters(mlp());
    assertArrayEquals(fromConstructor, allParameters(mlp()));
    assertArrayEquals(fromConstructor, allParameters(mlp().initialize(0)));
    float[] seed5 = allParameters(mlp().initialize(5));
    assertArrayEquals(seed5, allParameters(mlp().initialize(5)));
    assertFalse(Arrays.equals(fromConstructor, seed5));
  }

  @Test
  void initializeClearsGradients() {
    Sequential m = mlp();
    Arrays.fill(m.parameters().get(0).grad().data(), 1f);
    m.initialize(3);
    for (float g : m.parameters().get(0).grad().data()) {
      assertEquals(0f, g);
    }
  }

  @Test
  void rejectsAWrongInputShape() {
    Sequential m = mlp();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.forward(Tensor.zeros(4, 3, 2), Context.inference(new ScalarKernels(1))));
    assertEquals("model input: expected shape (batch, 2, 3), got (4, 3, 2)", e.getMessage());
  }

  @Test
  void looksLayersUpByName() {
    Sequential m = mlp();
    assertEquals("Dense(dense_1)", m.layer("dense_1").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.layer("conv2d"));
    assertEquals("layer name must be one of [flatten, dense, re_lu, dense_1], got 'conv2d'", e.getMessage());
  }

  @Test
  void shapesAndParameterCounts() {
    Sequential m = mlp();
    assertEquals(Shape.of(3), m.outputShape());
    assertEquals((6 * 5 + 5) + (5 * 3 + 3), m.parameterCount());
  }

  @Test
  void gradientsEndToEnd() {
    Sequential m = mlp();
    Tensor x = GradientCheck.random(Shape.of(3, 2, 3), 12);
    // The check nudges inputs and weights by EPS; keep every hidden pre-activation clear of the ReLU kink.
    Tensor hidden = forwardUpTo(m, x, 2);
    for (float h : hidden.data()) {
      assertTrue(Math.abs(h) > 0.05, "hidden pre-activation " + h + " is too close to the ReLU kink");
    }
    GradientCheck.check(m, x);
  }

  @Test
  void predictMatchesForwardInBatches() {
    Sequential m = mlp();
    Tensor x = GradientCheck.random(Shape.of(5, 2, 3), 4);
    ScalarKernels k = new ScalarKernels(1);
    assertArrayEquals(m.forward(x, Context.inference(k)).data(), m.predict(x, k, 2).data());
  }

  /** The output of layer {@code count - 1}: the model run up to, not including, layer {@code count}. */
  private static Tensor forwardUpTo(Sequential m, Tensor x, int count) {
    Tensor[] seen = new Tensor[1];
    m.forward(x, Context.inference(new ScalarKernels(1)), (layer, out) -> {
      if (layer == m.layers().get(count - 1)) {
        seen[0] = out;
      }
    });
    return seen[0];
  }
}
