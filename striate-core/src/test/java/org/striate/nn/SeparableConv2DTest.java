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

class SeparableConv2DTest {

  private static Tensor input(long seed, int... dims) {
    return GradientCheck.random(Shape.of(dims), seed);
  }

  private static SeparableConv2D.Builder separable(int filters, int kernelH, int kernelW) {
    return SeparableConv2D.builder(filters).kernelSize(kernelH, kernelW);
  }

  private static List<String> parameterNames(Layer layer) {
    return layer.parameters().stream().map(Parameter::name).toList();
  }

  @Test
  void gradientsWithDefaultSettings() {
    GradientCheck.check(new SeparableConv2D(4, 3), input(1, 2, 5, 6, 3));
  }

  @Test
  void gradientsWithDepthMultiplierTwoAndStrides2x1OnOddSizes() {
    GradientCheck.check(separable(3, 3, 2).strides(2, 1).depthMultiplier(2).build(), input(2, 2, 7, 5, 2));
  }

  @Test
  void gradientsWithDilation1x2AndStride() {
    GradientCheck.check(separable(2, 2, 3).strides(2, 1).dilation(1, 2).build(), input(3, 1, 7, 9, 3));
  }

  @Test
  void gradientsWithKernel3x1() {
    GradientCheck.check(separable(3, 3, 1).depthMultiplier(2).build(), input(4, 2, 5, 3, 2));
  }

  @Test
  void gradientsWithSameAndAsymmetricExplicitPadding() {
    GradientCheck.check(separable(2, 3, 4).strides(2, 2).padding(Padding.SAME).build(), input(5, 1, 7, 9, 2));
    GradientCheck.check(separable(3, 3, 2).padding(Padding.explicit(2, 0, 1, 3)).depthMultiplier(2).build(),
        input(6, 1, 4, 5, 2));
  }

  @Test
  void gradientsWithoutBias() {
    SeparableConv2D conv = separable(3, 2, 2).useBias(false).build();
    GradientCheck.check(conv, input(7, 2, 4, 4, 2));
    assertEquals(List.of("depthwise_kernel", "pointwise_kernel"), parameterNames(conv));
  }

  @Test
  void gradientsThroughSmoothActivations() {
    for (Activation a : List.of(Activation.SIGMOID, Activation.TANH, Activation.SOFTMAX)) {
      GradientCheck.check(new SeparableConv2D(4, 3, a), input(8, 2, 4, 5, 2));
    }
  }

  @Test
  void gradientsThroughReluAndLeakyReluAwayFromTheKink() {
    for (Activation a : List.of(Activation.RELU, Activation.LEAKY_RELU)) {
      Tensor x = input(9, 1, 4, 4, 2);
      // The same layer without activation, built from the seed GradientCheck uses, has the same parameters: its
      // outputs show the pre-activations lie far enough from 0 for steps of 1e-2 not to cross the kink.
      SeparableConv2D linear = separable(2, 3, 3).build();
      linear.assignName("linear");
      linear.build(Shape.of(4, 4, 2), new SplittableRandom(42));
      try (ScalarKernels k = new ScalarKernels(1)) {
        for (float v : linear.forward(x, Context.inference(k)).data()) {
          assertTrue(Math.abs(v) > 0.05, "pre-activation " + v + " is too close to the kink");
        }
      }
      GradientCheck.check(separable(2, 3, 3).activation(a).build(), x);
    }
  }

  @Test
  void computesADepthwiseConvolutionThenAOneByOneConvolution() {
    SeparableConv2D separable = separable(5, 3, 2).strides(2, 1).dilation(1, 2).padding(Padding.explicit(1, 0, 2, 1))
        .depthMultiplier(2).activation(Activation.TANH).build();
    DepthwiseConv2D depthwise = DepthwiseConv2D.builder().kernelSize(3, 2).strides(2, 1).dilation(1, 2)
        .padding(Padding.explicit(1, 0, 2, 1)).depthMultiplier(2).useBias(false).build();
    Conv2D pointwise = Conv2D.builder(5).kernelSize(1, 1).activation(Activation.TANH).build();
    new Sequential(Shape.of(7, 8, 3), separable).initialize(4);
    Sequential twoLayers = new Sequential(Shape.of(7, 8, 3), depthwise, pointwise);
    List<Parameter> from = separable.parameters();
    List<Parameter> to = twoLayers.parameters();
    for (int i = 0; i < 3; i++) {
      System.arraycopy(from.get(i).value().data(), 0, to.get(i).value().data(), 0, from.get(i).value().size());
    }
    Tensor x = input(10, 2, 7, 8, 3);
    Tensor gradOutput = input(11, 2, 3, 9, 5);
    try (ScalarKernels k = new ScalarKernels(1)) {
      Context one = Context.training(k, 1);
      Context two = Context.training(k, 1);
      assertArrayEquals(twoLayers.forward(x, two).data(), separable.forward(x, one).data());
      assertArrayEquals(twoLayers.backward(gradOutput, two).data(), separable.backward(gradOutput, one).data());
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(to.get(i).grad().data(), from.get(i).grad().data(), "gradient of " + from.get(i).name());
    }
  }

  @Test
  void parametersHaveKerasShapesAndFans() {
    SeparableConv2D conv = separable(16, 3, 3).depthMultiplier(2).build();
    new Sequential(Shape.of(6, 6, 8), conv);
    assertEquals(List.of("depthwise_kernel", "pointwise_kernel", "bias"), parameterNames(conv));
    assertEquals(Shape.of(3, 3, 8, 2), conv.parameters().get(0).shape());
    assertEquals(Shape.of(1, 1, 16, 16), conv.parameters().get(1).shape());
    assertEquals(Shape.of(16), conv.parameters().get(2).shape());
    assertEquals(3 * 3 * 8 * 2 + 16 * 16 + 16, conv.parameterCount());
    assertArrayEquals(new int[] {3 * 3 * 8, 3 * 3 * 2}, Initializer.fans(conv.parameters().get(0).shape()));
    assertArrayEquals(new int[] {16, 16}, Initializer.fans(conv.parameters().get(1).shape()));
  }

  @Test
  void outputShapeFollowsTheFormula() {
    // out = floor((in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1; the pointwise stage
    // keeps the size and sets the channels to filters
    assertEquals(Shape.of(26, 26, 64), outputShape(new SeparableConv2D(64, 3), 28, 28, 32));
    assertEquals(Shape.of((7 - 3) / 2 + 1, (9 - 2 * 2 - 1) / 1 + 1, 5),
        outputShape(separable(5, 3, 3).strides(2, 1).dilation(1, 2).depthMultiplier(3).build(), 7, 9, 2));
    assertEquals(Shape.of(4 + 2 + 0 - 3 + 1, 5 + 1 + 3 - 2 + 1, 1),
        outputShape(separable(1, 3, 2).padding(Padding.explicit(2, 0, 1, 3)).build(), 4, 5, 2));
    assertEquals(Shape.of(4, 3, 2), outputShape(separable(2, 3, 3).strides(2, 3).padding(Padding.SAME).build(), 7, 9, 4));
  }

  @Test
  void windowIsTheDepthwiseKernelWithItsResolvedPadding() {
    SeparableConv2D conv = separable(4, 3, 3).strides(2, 1).dilation(1, 2).padding(Padding.SAME).build();
    new Sequential(Shape.of(7, 6, 2), conv);
    // SAME: rows out 4, total padding 3 * 2 + 3 - 7 = 2 (top 1); columns out 6, effective kernel 5, total 4 (left 2)
    assertEquals(new Window(Window.Kind.SLIDING, 3, 3, 2, 1, 1, 2, 1, 2), conv.window());
  }

  @Test
  void aSoftmaxTheLossHasTakenOverLeavesTheLogits() {
    SeparableConv2D softmax = separable(3, 2, 2).activation(Activation.SOFTMAX).build();
    SeparableConv2D linear = separable(3, 2, 2).build();
    new Sequential(Shape.of(4, 4, 2), softmax).initialize(5);
    new Sequential(Shape.of(4, 4, 2), linear).initialize(5);
    Tensor x = input(12, 2, 4, 4, 2);
    try (ScalarKernels k = new ScalarKernels(1)) {
      Context fused = Context.training(k, 1);
      fused.fuseSoftmaxIntoLoss(softmax);
      assertArrayEquals(linear.forward(x, Context.inference(k)).data(), softmax.forward(x, fused).data());
      float[] probabilities = softmax.forward(x, Context.inference(k)).data();
      assertEquals(1f, probabilities[0] + probabilities[1] + probabilities[2], 1e-6f);
    }
  }

  private static Shape outputShape(Layer layer, int h, int w, int c) {
    return new Sequential(Shape.of(h, w, c), layer).outputShape();
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadSettingsInTheConstructor() {
    assertMessage("SeparableConv2D: filters must be positive, got 0", () -> new SeparableConv2D(0, 3));
    assertMessage("SeparableConv2D: kernel_size must be positive, got [0, 0]", () -> new SeparableConv2D(8, 0));
    assertMessage("SeparableConv2D: kernel_size must be set with kernelSize(h, w), got none",
        () -> SeparableConv2D.builder(8).build());
    assertMessage("SeparableConv2D: strides must be positive, got [0, 2]",
        () -> separable(8, 3, 3).strides(0, 2).build());
    assertMessage("SeparableConv2D: dilation_rate must be positive, got [1, 0]",
        () -> separable(8, 3, 3).dilation(1, 0).build());
    assertMessage("SeparableConv2D: depth_multiplier must be positive, got -1",
        () -> separable(8, 3, 3).depthMultiplier(-1).build());
    assertMessage("SeparableConv2D: padding must not be null (use Padding.VALID), got null",
        () -> separable(8, 3, 3).padding(null).build());
    assertMessage("SeparableConv2D: activation must not be null (use Activation.LINEAR), got null",
        () -> new SeparableConv2D(8, 3, null));
    assertMessage("SeparableConv2D: pointwise_initializer must not be null (the default is glorot_uniform), got null",
        () -> separable(8, 3, 3).pointwiseInitializer(null).build());
  }

  @Test
  void rejectsInputsItCannotTake() {
    assertMessage("layer 'separable_conv2d' (SeparableConv2D): input must have rank 3 (height, width, channels),"
            + " got (5, 4)",
        () -> new Sequential(Shape.of(5, 4), new SeparableConv2D(4, 3)));
    assertMessage("layer 'separable_conv2d' (SeparableConv2D): window output would be empty (0x4): input 2x4, kernel"
            + " 3x1 (effective 3x1 with dilation 1x1), stride 1x1, padding valid; need input + padding >= effective"
            + " kernel on both axes",
        () -> new Sequential(Shape.of(2, 4, 2), separable(4, 3, 1).build()));
  }

  @Test
  void configRoundTrips() {
    List<SeparableConv2D> layers = List.of(
        new SeparableConv2D(64, 3, Activation.RELU),
        separable(6, 3, 2).strides(2, 1).padding(Padding.explicit(1, 2, 0, 3)).dilation(1, 2).depthMultiplier(4)
            .useBias(false).activation(Activation.SOFTMAX).depthwiseInitializer(Initializer.HE_NORMAL)
            .pointwiseInitializer(Initializer.GLOROT_NORMAL).biasInitializer(Initializer.ONES).name("s").build(),
        separable(4, 5, 5).padding(Padding.SAME).build());
    for (SeparableConv2D c : layers) {
      Layer back = Layers.fromConfig(c.config());
      assertEquals(SeparableConv2D.class, back.getClass());
      assertEquals(c.config(), back.config());
    }
    Map<String, Object> config = layers.get(1).config();
    assertEquals(6, config.get("filters"));
    assertEquals(4, config.get("depth_multiplier"));
    assertEquals("glorot_normal", config.get("pointwise_initializer"));
    assertEquals(List.of(1, 2, 0, 3), config.get("padding"));
  }

  @Test
  void configReadsKerasDefaultsAndRejectsMissingSettings() {
    Layer c = Layers.fromConfig(Map.of("type", "SeparableConv2D", "filters", 8, "kernel_size", 3));
    assertEquals(new SeparableConv2D(8, 3).config(), c.config());
    assertEquals("glorot_uniform", c.config().get("pointwise_initializer"));
    assertMessage("layer (SeparableConv2D): config key 'filters' is required but missing",
        () -> Layers.fromConfig(Map.of("type", "SeparableConv2D", "kernel_size", 3)));
    assertMessage("layer (SeparableConv2D): config key 'kernel_size' is required but missing",
        () -> Layers.fromConfig(Map.of("type", "SeparableConv2D", "filters", 8)));
  }
}
