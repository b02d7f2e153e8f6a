package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class DepthwiseConv2DTest {

  private static Tensor input(long seed, int... dims) {
    return GradientCheck.random(Shape.of(dims), seed);
  }

  private static DepthwiseConv2D.Builder kernel(int h, int w) {
    return DepthwiseConv2D.builder().kernelSize(h, w);
  }

  @Test
  void gradientsWithDefaultSettings() {
    GradientCheck.check(new DepthwiseConv2D(3), input(1, 2, 5, 6, 3));
  }

  @Test
  void gradientsWithDepthMultiplierTwo() {
    GradientCheck.check(kernel(3, 2).depthMultiplier(2).build(), input(2, 2, 5, 5, 3));
  }

  @Test
  void gradientsWithStrides2x1OnOddSizes() {
    GradientCheck.check(kernel(3, 3).strides(2, 1).build(), input(3, 2, 7, 5, 2));
  }

  @Test
  void gradientsWithDilation1x2AndStride() {
    GradientCheck.check(kernel(2, 3).strides(2, 1).dilation(1, 2).depthMultiplier(2).build(), input(4, 1, 7, 9, 2));
  }

  @Test
  void gradientsWithKernel3x1() {
    GradientCheck.check(kernel(3, 1).depthMultiplier(3).build(), input(5, 2, 5, 3, 2));
  }

  @Test
  void gradientsWithSameAndAsymmetricExplicitPadding() {
    GradientCheck.check(kernel(3, 4).strides(2, 2).padding(Padding.SAME).build(), input(6, 1, 7, 9, 3));
    GradientCheck.check(kernel(3, 2).padding(Padding.explicit(2, 0, 1, 3)).depthMultiplier(2).build(),
        input(7, 1, 4, 5, 2));
  }

  @Test
  void gradientsWithoutBias() {
    DepthwiseConv2D conv = kernel(2, 2).useBias(false).depthMultiplier(2).build();
    GradientCheck.check(conv, input(8, 2, 4, 4, 2));
    assertEquals(List.of("depthwise_kernel"), conv.parameters().stream().map(Parameter::name).toList());
  }

  @Test
  void gradientsThroughSmoothActivations() {
    for (Activation a : List.of(Activation.SIGMOID, Activation.TANH, Activation.SOFTMAX)) {
      GradientCheck.check(new DepthwiseConv2D(3, a), input(9, 2, 4, 5, 3));
    }
  }

  @Test
  void gradientsThroughReluAndLeakyReluAwayFromTheKink() {
    for (Activation a : List.of(Activation.RELU, Activation.LEAKY_RELU)) {
      Tensor x = input(10, 1, 4, 4, 2);
      // The same layer without activation, built from the seed GradientCheck uses, has the same parameters: its
      // outputs show the pre-activations lie far enough from 0 for steps of 1e-2 not to cross the kink.
      DepthwiseConv2D linear = kernel(3, 3).depthMultiplier(2).build();
      linear.assignName("linear");
      linear.build(Shape.of(4, 4, 2), new SplittableRandom(42));
      try (ScalarKernels k = new ScalarKernels(1)) {
        for (float v : linear.forward(x, Context.inference(k)).data()) {
          assertTrue(Math.abs(v) > 0.05, "pre-activation " + v + " is too close to the kink");
        }
      }
      GradientCheck.check(kernel(3, 3).depthMultiplier(2).activation(a).build(), x);
    }
  }

  @Test
  void eachOutputChannelSeesOnlyItsInputChannel() {
    // One row of two pixels with channels (1, 10) and (2, 20); a 1x2 kernel with multiplier 2 whose values
    // k[0, j, c, m] are 1..8 in row-major order. Output channel c * 2 + m = sum over j of x[j, c] * k[0, j, c, m].
    DepthwiseConv2D conv = kernel(1, 2).depthMultiplier(2).build();
    new Sequential(Shape.of(1, 2, 2), conv);
    System.arraycopy(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, conv.parameters().get(0).value().data(), 0, 8);
    try (ScalarKernels k = new ScalarKernels(1)) {
      Tensor out = conv.forward(Tensor.of(Shape.of(1, 1, 2, 2), 1, 10, 2, 20), Context.inference(k));
      assertArrayEquals(new float[] {1 * 1 + 2 * 5, 1 * 2 + 2 * 6, 10 * 3 + 20 * 7, 10 * 4 + 20 * 8}, out.data());
    }
  }

  @Test
  void computesWhatAConv2DWithOneGroupPerChannelComputes() {
    DepthwiseConv2D depthwise = kernel(3, 2).strides(2, 1).dilation(1, 2).padding(Padding.SAME).depthMultiplier(2)
        .build();
    Conv2D grouped = Conv2D.builder(6).kernelSize(3, 2).strides(2, 1).dilation(1, 2).padding(Padding.SAME).groups(3)
        .build();
    new Sequential(Shape.of(7, 8, 3), depthwise).initialize(3);
    new Sequential(Shape.of(7, 8, 3), grouped);
    for (int i = 0; i < 2; i++) {
      float[] from = depthwise.parameters().get(i).value().data();
      System.arraycopy(from, 0, grouped.parameters().get(i).value().data(), 0, from.length);
    }
    Tensor x = input(11, 2, 7, 8, 3);
    try (ScalarKernels k = new ScalarKernels(1)) {
      assertArrayEquals(grouped.forward(x, Context.inference(k)).data(), depthwise.forward(x, Context.inference(k))
          .data());
    }
  }

  @Test
  void parametersHaveKerasShapesAndFans() {
    DepthwiseConv2D conv = kernel(3, 3).depthMultiplier(2).build();
    new Sequential(Shape.of(6, 6, 8), conv);
    Parameter kernel = conv.parameters().get(0);
    assertEquals(Shape.of(3, 3, 8, 2), kernel.shape());
    assertEquals(Shape.of(16), conv.parameters().get(1).shape());
    assertEquals(3 * 3 * 8 * 2 + 16, conv.parameterCount());
    // Glorot with Keras's fans (fanIn = 3 * 3 * 8, fanOut = 3 * 3 * 2) has a wider limit than with the fans of
    // the equivalent grouped kernel (3, 3, 1, 16) (fanIn = 3 * 3, fanOut = 3 * 3 * 16).
    double kerasLimit = Math.sqrt(6.0 / (72 + 18));
    double groupedLimit = Math.sqrt(6.0 / (9 + 144));
    double max = 0;
    for (float v : kernel.value().data()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= kerasLimit && max > 1.1 * groupedLimit, "max |w| " + max + ", Keras's limit " + kerasLimit);
  }

  @Test
  void outputShapeFollowsTheFormula() {
    // out = floor((in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1, per axis
    assertEquals(Shape.of(26, 26, 32), outputShape(new DepthwiseConv2D(3), 28, 28, 32));
    assertEquals(Shape.of((7 - 3) / 2 + 1, (9 - 2 * 2 - 1) / 1 + 1, 6),
        outputShape(kernel(3, 3).strides(2, 1).dilation(1, 2).depthMultiplier(3).build(), 7, 9, 2));
    assertEquals(Shape.of(4 + 2 + 0 - 3 + 1, 5 + 1 + 3 - 2 + 1, 2),
        outputShape(kernel(3, 2).padding(Padding.explicit(2, 0, 1, 3)).build(), 4, 5, 2));
    assertEquals(Shape.of(4, 3, 4), outputShape(kernel(3, 3).strides(2, 3).padding(Padding.SAME).build(), 7, 9, 4));
  }

  @Test
  void windowIsTheDepthwiseKernelWithItsResolvedPadding() {
    DepthwiseConv2D conv = kernel(3, 3).strides(2, 1).dilation(1, 2).padding(Padding.SAME).build();
    new Sequential(Shape.of(7, 6, 2), conv);
    // SAME: rows out 4, total padding 3 * 2 + 3 - 7 = 2 (top 1); columns out 6, effective kernel 5, total 4 (left 2)
    assertEquals(new Window(Window.Kind.SLIDING, 3, 3, 2, 1, 1, 2, 1, 2), conv.window());
  }

  private static Shape outputShape(Layer layer, int h, int w, int c) {
    return new Sequential(Shape.of(h, w, c), layer).outputShape();
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadSettingsInTheConstructor() {
    assertMessage("DepthwiseConv2D: kernel_size must be positive, got [0, 0]", () -> new DepthwiseConv2D(0));
    assertMessage("DepthwiseConv2D: kernel_size must be positive, got [3, -1]", () -> kernel(3, -1).build());
    assertMessage("DepthwiseConv2D: kernel_size must be set with kernelSize(h, w), got none",
        () -> DepthwiseConv2D.builder().build());
    assertMessage("DepthwiseConv2D: strides must be positive, got [1, 0]", () -> kernel(3, 3).strides(1, 0).build());
    assertMessage("DepthwiseConv2D: dilation_rate must be positive, got [0, 1]",
        () -> kernel(3, 3).dilation(0, 1).build());
    assertMessage("DepthwiseConv2D: depth_multiplier must be positive, got 0",
        () -> kernel(3, 3).depthMultiplier(0).build());
    assertMessage("DepthwiseConv2D: padding must not be null (use Padding.VALID), got null",
        () -> kernel(3, 3).padding(null).build());
    assertMessage("DepthwiseConv2D: activation must not be null (use Activation.LINEAR), got null",
        () -> new DepthwiseConv2D(3, null));
    assertMessage("DepthwiseConv2D: depthwise_initializer must not be null (the default is glorot_uniform), got null",
        () -> kernel(3, 3).depthwiseInitializer(null).build());
    assertMessage("DepthwiseConv2D: bias_initializer must not be null (the default is zeros), got null",
        () -> kernel(3, 3).biasInitializer(null).build());
  }

  @Test
  void rejectsInputsItCannotTake() {
    assertMessage("layer 'depthwise_conv2d' (DepthwiseConv2D): input must have rank 3 (height, width, channels),"
            + " got (5, 4)",
        () -> new Sequential(Shape.of(5, 4), new DepthwiseConv2D(3)));
    assertMessage("layer 'depthwise_conv2d' (DepthwiseConv2D): window output would be empty (4x0): input 4x4, kernel"
            + " 1x3 (effective 1x5 with dilation 1x2), stride 1x1, padding valid; need input + padding >= effective"
            + " kernel on both axes",
        () -> new Sequential(Shape.of(4, 4, 2), kernel(1, 3).dilation(1, 2).build()));
  }

  @Test
  void configRoundTrips() {
    List<DepthwiseConv2D> layers = List.of(
        new DepthwiseConv2D(3, Activation.RELU),
        kernel(3, 2).strides(2, 1).padding(Padding.explicit(1, 2, 0, 3)).dilation(1, 2).depthMultiplier(4)
            .useBias(false).activation(Activation.SOFTMAX).depthwiseInitializer(Initializer.HE_NORMAL)
            .biasInitializer(Initializer.ONES).name("d").build(),
        kernel(5, 5).padding(Padding.SAME).build());
    for (DepthwiseConv2D c : layers) {
      Layer back = Layers.fromConfig(c.config());
      assertEquals(DepthwiseConv2D.class, back.getClass());
      assertEquals(c.config(), back.config());
    }
    Map<String, Object> config = layers.get(1).config();
    assertEquals(List.of(1, 2, 0, 3), config.get("padding"));
    assertEquals(4, config.get("depth_multiplier"));
    assertEquals("he_normal", config.get("depthwise_initializer"));
    assertEquals("same", layers.get(2).config().get("padding"));
  }

  @Test
  void configReadsKerasDefaultsAndRejectsAMissingKernelSize() {
    Layer c = Layers.fromConfig(Map.of("type", "DepthwiseConv2D", "kernel_size", 3));
    assertEquals(new DepthwiseConv2D(3).config(), c.config());
    assertEquals(1, c.config().get("depth_multiplier"));
    assertEquals("glorot_uniform", c.config().get("depthwise_initializer"));
    assertMessage("layer (DepthwiseConv2D): config key 'kernel_size' is required but missing",
        () -> Layers.fromConfig(Map.of("type", "DepthwiseConv2D")));
    assertMessage("layer (DepthwiseConv2D): unknown config key 'filters'; the known keys are [type, name, kernel_size,"
            + " strides, padding, depth_multiplier, dilation_rate, activation, use_bias, depthwise_initializer,"
            + " bias_initializer]",
        () -> Layers.fromConfig(Map.of("type", "DepthwiseConv2D", "kernel_size", 3, "filters", 8)));
  }
}
