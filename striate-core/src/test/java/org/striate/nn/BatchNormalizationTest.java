package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class BatchNormalizationTest {
  private final ScalarKernels kernels = new ScalarKernels(1);

  /** A built layer whose gamma, beta and moving averages are drawn away from their initial 1s and 0s. */
  private static BatchNormalization built(BatchNormalization layer, Shape example, long seed) {
    new Sequential(example, layer);
    float[] spread = GradientCheck.random(Shape.of(4 * example.dim(-1)), seed).data();
    int i = 0;
    for (Parameter p : layer.parameters()) {
      float[] v = p.value().data();
      for (int c = 0; c < v.length; c++, i++) {
        // gamma and moving_variance around 1 (positive), beta and moving_mean around 0
        boolean aroundOne = p.name().equals("gamma") || p.name().equals("moving_variance");
        v[c] = aroundOne ? 1 + 0.5f * spread[i] : 0.5f * spread[i];
      }
    }
    return layer;
  }

  private static Tensor input(long seed, int... dims) {
    return GradientCheck.random(Shape.of(dims), seed);
  }

  private static float[] values(BatchNormalization layer, String name) {
    for (Parameter p : layer.parameters()) {
      if (p.name().equals(name)) {
        return p.value().data();
      }
    }
    throw new AssertionError("no parameter " + name);
  }

  @Test
  void gradientsInTrainingThroughTheBatchStatistics() {
    GradientCheck.check(built(new BatchNormalization(), Shape.of(3, 4, 3), 1), input(2, 2, 3, 4, 3));
    GradientCheck.check(built(new BatchNormalization(), Shape.of(4), 3), input(4, 6, 4));
  }

  @Test
  void gradientsInTrainingWithoutCenterOrScale() {
    for (boolean center : new boolean[] {false, true}) {
      for (boolean scale : new boolean[] {false, true}) {
        BatchNormalization bn = BatchNormalization.builder().center(center).scale(scale).build();
        GradientCheck.check(built(bn, Shape.of(3, 2, 2), 5), input(6, 2, 3, 2, 2));
        assertEquals((center ? 1 : 0) + (scale ? 1 : 0) + 2, bn.parameters().size());
      }
    }
  }

  @Test
  void gradientsAtInferenceThroughTheAffineMap() {
    GradientCheck.checkInference(built(new BatchNormalization(), Shape.of(3, 4, 3), 7), input(8, 2, 3, 4, 3));
    GradientCheck.checkInference(built(new BatchNormalization(), Shape.of(4), 9), input(10, 1, 4));
    BatchNormalization bare = BatchNormalization.builder().center(false).scale(false).build();
    GradientCheck.checkInference(built(bare, Shape.of(2, 2, 3), 11), input(12, 2, 2, 2, 3));
  }

  @Test
  void trainingNormalisesWithTheBatchMeanAndBiasedVarianceAndUpdatesTheMovingAveragesUnbiased() {
    // One channel, values 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased variance 5 / 3.
    BatchNormalization bn = new BatchNormalization();
    new Sequential(Shape.of(1), bn);
    Tensor y = bn.forward(Tensor.of(Shape.of(4, 1), 1, 2, 3, 4), Context.training(kernels, 1));
    double invStd = 1 / Math.sqrt(1.25 + 1e-3);
    assertArrayEquals(new float[] {(float) (-1.5 * invStd), (float) (-0.5 * invStd), (float) (0.5 * invStd),
        (float) (1.5 * invStd)}, y.data(), 1e-6f);
    assertEquals(0.99 * 0 + 0.01 * 2.5, values(bn, "moving_mean")[0], 1e-7);
    assertEquals(0.99 * 1 + 0.01 * (5.0 / 3), values(bn, "moving_variance")[0], 1e-7);
  }

  @Test
  void inferenceUsesTheMovingStatisticsAndLeavesThemAlone() {
    BatchNormalization bn = BatchNormalization.builder().epsilon(0.01).build();
    built(bn, Shape.of(2), 13);
    float[] gamma = values(bn, "gamma").clone();
    float[] beta = values(bn, "beta").clone();
    float[] mean = values(bn, "moving_mean").clone();
    float[] variance = values(bn, "moving_variance").clone();
    Tensor x = input(14, 3, 2);
    Tensor y = bn.forward(x, Context.inference(kernels));
    for (int i = 0; i < 6; i++) {
      int c = i % 2;
      double expected = gamma[c] * (x.data()[i] - mean[c]) / Math.sqrt(variance[c] + 0.01) + beta[c];
      assertEquals(expected, y.data()[i], 1e-6, "element " + i);
    }
    assertArrayEquals(mean, values(bn, "moving_mean"));
    assertArrayEquals(variance, values(bn, "moving_variance"));
    assertArrayEquals(y.data(), bn.forward(x, Context.inferenceWithGradients(kernels)).data());
    assertArrayEquals(mean, values(bn, "moving_mean"));
  }

  @Test
  void movingAveragesMoveOnEveryTrainingPassButDoNotChangeTheTrainingOutput() {
    BatchNormalization bn = BatchNormalization.builder().momentum(0.5).build();
    built(bn, Shape.of(2, 2, 3), 15);
    Tensor x = input(16, 4, 2, 2, 3);
    float[] first = bn.forward(x, Context.training(kernels, 1)).data();
    float[] meanAfterOne = values(bn, "moving_mean").clone();
    float[] second = bn.forward(x, Context.training(kernels, 2)).data();
    assertArrayEquals(first, second);
    assertFalse(java.util.Arrays.equals(meanAfterOne, values(bn, "moving_mean")));
    // With momentum 0.5 the moving mean halves its distance to the batch mean on each pass.
    float[] batchMean = new float[3];
    for (int i = 0; i < x.size(); i++) {
      batchMean[i % 3] += x.data()[i] / 16f;
    }
    for (int c = 0; c < 3; c++) {
      assertEquals(batchMean[c] - meanAfterOne[c], 2 * (batchMean[c] - values(bn, "moving_mean")[c]), 1e-6);
    }
  }

  @Test
  void theMovingAveragesAreNonTrainableStateAfterGammaAndBeta() {
    BatchNormalization bn = new BatchNormalization();
    Sequential m = new Sequential(Shape.of(5, 5, 8), bn);
    List<String> names = bn.parameters().stream().map(Parameter::name).toList();
    assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"), names);
    assertEquals(List.of(true, true, false, false), bn.parameters().stream().map(Parameter::trainable).toList());
    assertEquals(4 * 8, m.parameterCount());
    assertEquals(2 * 8, m.trainableParameterCount());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, values(bn, "gamma"));
    assertArrayEquals(new float[8], values(bn, "moving_mean"));
    assertEquals(Window.POINTWISE, bn.window());
    assertEquals(Shape.of(5, 5, 8), m.outputShape());
  }

  @Test
  void backwardAddsToTheGradientsOfGammaAndBetaOnly() {
    BatchNormalization bn = built(new BatchNormalization(), Shape.of(3), 17);
    Tensor x = input(18, 4, 3);
    Tensor g = input(19, 4, 3);
    Context ctx = Context.training(kernels, 1);
    bn.forward(x, ctx);
    bn.backward(g, ctx);
    float[] once = bn.parameters().get(1).grad().data().clone();
    bn.backward(g, ctx);
    for (int c = 0; c < 3; c++) {
      assertEquals(2 * once[c], bn.parameters().get(1).grad().data()[c], 1e-6);
      assertEquals(g.data()[c] + g.data()[3 + c] + g.data()[6 + c] + g.data()[9 + c], once[c], 1e-6);
    }
    assertArrayEquals(new float[3], bn.parameters().get(2).grad().data());
    assertArrayEquals(new float[3], bn.parameters().get(3).grad().data());
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void trainingNeedsTwoValuesPerChannelButInferenceDoesNot() {
    BatchNormalization bn = new BatchNormalization();
    new Sequential(Shape.of(3), bn);
    assertMessage("layer 'batch_normalization' (BatchNormalization): training needs more than one value per channel"
            + " (batch size times the other axes) for a batch variance, got input (1, 3)",
        () -> bn.forward(Tensor.zeros(1, 3), Context.training(kernels, 1)));
    assertEquals(Shape.of(1, 3), bn.forward(Tensor.zeros(1, 3), Context.inference(kernels)).shape());
    BatchNormalization image = new BatchNormalization();
    new Sequential(Shape.of(2, 1, 3), image);
    assertEquals(Shape.of(1, 2, 1, 3), image.forward(Tensor.zeros(1, 2, 1, 3), Context.training(kernels, 1)).shape());
  }

  @Test
  void rejectsBadSettingsInTheConstructor() {
    assertMessage("BatchNormalization: momentum must be in [0, 1], got 1.5",
        () -> BatchNormalization.builder().momentum(1.5).build());
    assertMessage("BatchNormalization: momentum must be in [0, 1], got NaN",
        () -> BatchNormalization.builder().momentum(Double.NaN).build());
    assertMessage("BatchNormalization: epsilon must be positive and finite, got 0.0",
        () -> BatchNormalization.builder().epsilon(0).build());
    assertMessage("BatchNormalization: epsilon must be positive and finite, got Infinity",
        () -> BatchNormalization.builder().epsilon(Double.POSITIVE_INFINITY).build());
    assertMessage("BatchNormalization: gamma_initializer must not be null (the default is ones), got null",
        () -> BatchNormalization.builder().gammaInitializer(null).build());
    assertMessage("BatchNormalization: moving_variance_initializer must not be null (the default is ones), got null",
        () -> BatchNormalization.builder().movingVarianceInitializer(null).build());
    assertEquals(1.0, BatchNormalization.builder().momentum(1).build().momentum());
    assertEquals(0.0, BatchNormalization.builder().momentum(0).build().momentum());
  }

  @Test
  void rejectsAScalarExample() {
    assertMessage("layer 'batch_normalization' (BatchNormalization): input must have at least one axis (the"
        + " channels), got ()", () -> new Sequential(Shape.of(), new BatchNormalization()));
  }

  @Test
  void configHasKerasNamesAndDefaultsAndRoundTrips() {
    Map<String, Object> defaults = Layers.fromConfig(Map.of("type", "BatchNormalization")).config();
    assertEquals(0.99, defaults.get("momentum"));
    assertEquals(1e-3, defaults.get("epsilon"));
    assertEquals(true, defaults.get("center"));
    assertEquals(true, defaults.get("scale"));
    assertEquals("zeros", defaults.get("beta_initializer"));
    assertEquals("ones", defaults.get("gamma_initializer"));
    assertEquals("zeros", defaults.get("moving_mean_initializer"));
    assertEquals("ones", defaults.get("moving_variance_initializer"));
    assertEquals(new BatchNormalization().config(), defaults);
    BatchNormalization custom = BatchNormalization.builder().name("bn").momentum(0.9).epsilon(1e-5).center(false)
        .scale(false).betaInitializer(Initializer.ONES).gammaInitializer(Initializer.ZEROS)
        .movingMeanInitializer(Initializer.ONES).movingVarianceInitializer(Initializer.ZEROS).build();
    Layer back = Layers.fromConfig(custom.config());
    assertEquals(BatchNormalization.class, back.getClass());
    assertEquals(custom.config(), back.config());
    assertTrue(custom.config().containsKey("moving_variance_initializer"));
  }
}
