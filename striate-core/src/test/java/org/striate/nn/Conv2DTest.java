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

class Conv2DTest {

  private static Tensor input(long seed, int... dims) {
    return GradientCheck.random(Shape.of(dims), seed);
  }

  @Test
  void gradientsWithDefaultSettings() {
    GradientCheck.check(new Conv2D(3, 3), input(1, 2, 5, 6, 2));
  }

  @Test
  void gradientsWithNonSquareKernelAndStridesThatDoNotDivideTheInput() {
    GradientCheck.check(Conv2D.builder(4).kernelSize(2, 3).strides(2, 3).build(), input(2, 2, 7, 8, 3));
  }

  @Test
  void gradientsWithAsymmetricExplicitPadding() {
    GradientCheck.check(Conv2D.builder(2).kernelSize(3, 2).padding(Padding.explicit(2, 0, 1, 3)).build(),
        input(3, 1, 4, 5, 2));
  }

  @Test
  void gradientsWithSamePaddingOnEvenAndOddSizes() {
    GradientCheck.check(Conv2D.builder(2).kernelSize(2, 2).padding(Padding.SAME).build(), input(4, 2, 5, 4, 2));
    GradientCheck.check(Conv2D.builder(3).kernelSize(3, 4).strides(2, 2).padding(Padding.SAME).build(),
        input(5, 1, 6, 7, 2));
  }

  @Test
  void gradientsWithDilationAndStride() {
    GradientCheck.check(
        Conv2D.builder(3).kernelSize(3, 2).strides(2, 1).dilation(2, 3).padding(Padding.explicit(1, 1, 2, 0)).build(),
        input(6, 2, 9, 8, 2));
  }

  @Test
  void gradientsWithTwoAndThreeGroups() {
    GradientCheck.check(Conv2D.builder(4).kernelSize(3, 3).groups(2).build(), input(7, 2, 5, 5, 4));
    GradientCheck.check(Conv2D.builder(6).kernelSize(2, 2).groups(3).padding(Padding.SAME).build(),
        input(8, 1, 4, 5, 6));
  }

  @Test
  void gradientsWithoutBias() {
    Conv2D conv = Conv2D.builder(3).kernelSize(2, 2).useBias(false).build();
    GradientCheck.check(conv, input(9, 2, 4, 4, 2));
    assertEquals(1, conv.parameters().size());
  }

  @Test
  void gradientsThroughSmoothActivations() {
    for (Activation a : List.of(Activation.LINEAR, Activation.SIGMOID, Activation.TANH, Activation.SOFTMAX)) {
      GradientCheck.check(new Conv2D(4, 3, a), input(10, 2, 4, 5, 2));
    }
  }

  @Test
  void gradientsThroughReluAndLeakyReluAwayFromTheKink() {
    for (Activation a : List.of(Activation.RELU, Activation.LEAKY_RELU)) {
      Tensor x = input(11, 1, 4, 4, 2);
      // The same layer without activation shows the pre-activations are far enough from 0 that the finite
      // differences (steps of 1e-2 on inputs and weights of size < 1) cannot cross the kink.
      Conv2D linear = Conv2D.builder(2).kernelSize(3, 3).build();
      linear.assignName("linear");
      linear.build(Shape.of(4, 4, 2), new SplittableRandom(42));
      try (ScalarKernels k = new ScalarKernels(1)) {
        for (float v : linear.forward(x, Context.inference(k)).data()) {
          assertTrue(Math.abs(v) > 0.05, "pre-activation " + v + " is too close to the kink");
        }
      }
      GradientCheck.check(Conv2D.builder(2).kernelSize(3, 3).activation(a).build(), x);
    }
  }

  @Test
  void aSoftmaxTheLossHasTakenOverLeavesTheLogits() {
    Conv2D softmax = Conv2D.builder(3).kernelSize(2, 2).activation(Activation.SOFTMAX).build();
    Conv2D linear = Conv2D.builder(3).kernelSize(2, 2).build();
    new Sequential(Shape.of(4, 4, 2), softmax).initialize(5);
    new Sequential(Shape.of(4, 4, 2), linear).initialize(5);
    Tensor x = input(12, 2, 4, 4, 2);
    try (ScalarKernels k = new ScalarKernels(1)) {
      Context fused = Context.training(k, 1);
      fused.fuseSoftmaxIntoLoss(softmax);
      Tensor logits = softmax.forward(x, fused);
      assertArrayEquals(linear.forward(x, Context.inference(k)).data(), logits.data());
      Tensor probabilities = softmax.forward(x, Context.inference(k));
      float sum = 0;
      for (int c = 0; c < 3; c++) {
        sum += probabilities.data()[c];
      }
      assertEquals(1f, sum, 1e-6f);
    }
  }

  @Test
  void outputShapeFollowsTheFormula() {
    // out = floor((in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1, per axis
    assertEquals(Shape.of(26, 26, 32), outputShape(new Conv2D(32, 3), 28, 28, 1));
    assertEquals(Shape.of(3, 2, 4), outputShape(Conv2D.builder(4).kernelSize(2, 3).strides(2, 3).build(), 7, 8, 3));
    assertEquals(Shape.of((4 + 2 + 0 - 2 - 1) / 1 + 1, (5 + 1 + 3 - 1 - 1) / 1 + 1, 2),
        outputShape(Conv2D.builder(2).kernelSize(3, 2).padding(Padding.explicit(2, 0, 1, 3)).build(), 4, 5, 2));
    assertEquals(Shape.of((9 + 2 - 2 * 2 - 1) / 2 + 1, (8 + 2 - 3 * 1 - 1) / 1 + 1, 3),
        outputShape(Conv2D.builder(3).kernelSize(3, 2).strides(2, 1).dilation(2, 3)
            .padding(Padding.explicit(1, 1, 2, 0)).build(), 9, 8, 2));
  }

  @Test
  void samePaddingGivesCeilOfInputOverStride() {
    for (int in : new int[] {1, 4, 5, 6, 7}) {
      for (int stride : new int[] {1, 2, 3}) {
        for (int k : new int[] {1, 2, 3, 4}) {
          Conv2D c = Conv2D.builder(1).kernelSize(k, k).strides(stride, stride).padding(Padding.SAME).build();
          int expected = (in + stride - 1) / stride;
          assertEquals(Shape.of(expected, expected, 1), outputShape(c, in, in, 1),
              "in=" + in + " s=" + stride + " k=" + k);
        }
      }
    }
  }

  @Test
  void samePaddingPutsTheOddPixelAtTheBottomAndRight() {
    // Input row [1, 2, 3], kernel 1x2 of ones: total padding 1, on the right, so the sums are
    // [1+2, 2+3, 3+0] (padding on the left would give [0+1, 1+2, 2+3]).
    Conv2D c = Conv2D.builder(1).kernelSize(1, 2).padding(Padding.SAME).useBias(false)
        .kernelInitializer(Initializer.ONES).build();
    Sequential m = new Sequential(Shape.of(1, 3, 1), c);
    try (ScalarKernels k = new ScalarKernels(1)) {
      Tensor out = m.forward(Tensor.of(Shape.of(1, 1, 3, 1), 1, 2, 3), Context.inference(k));
      assertArrayEquals(new float[] {3, 5, 3}, out.data());
    }
    assertEquals(0, c.window().padLeft());
  }

  @Test
  void parametersHaveTheKerasLayout() {
    Conv2D c = Conv2D.builder(6).kernelSize(3, 2).groups(3).build();
    new Sequential(Shape.of(5, 5, 9), c);
    assertEquals(Shape.of(3, 2, 3, 6), c.parameters().get(0).shape());
    assertEquals(Shape.of(6), c.parameters().get(1).shape());
    assertEquals(3 * 2 * 3 * 6 + 6, c.parameterCount());
  }

  private static Shape outputShape(Layer layer, int h, int w, int c) {
    return new Sequential(Shape.of(h, w, c), layer).outputShape();
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadSettingsInTheConstructor() {
    assertMessage("Conv2D: filters must be positive, got 0", () -> new Conv2D(0, 3));
    assertMessage("Conv2D: kernel_size must be positive, got [0, 0]", () -> new Conv2D(8, 0));
    assertMessage("Conv2D: kernel_size must be positive, got [3, -1]",
        () -> Conv2D.builder(8).kernelSize(3, -1).build());
    assertMessage("Conv2D: kernel_size must be set with kernelSize(h, w), got none", () -> Conv2D.builder(8).build());
    assertMessage("Conv2D: strides must be positive, got [1, 0]",
        () -> Conv2D.builder(8).kernelSize(3, 3).strides(1, 0).build());
    assertMessage("Conv2D: dilation_rate must be positive, got [0, 1]",
        () -> Conv2D.builder(8).kernelSize(3, 3).dilation(0, 1).build());
    assertMessage("Conv2D: groups must be positive, got 0", () -> Conv2D.builder(8).kernelSize(3, 3).groups(0).build());
    assertMessage("Conv2D: filters must be divisible by groups=3, got 8",
        () -> Conv2D.builder(8).kernelSize(3, 3).groups(3).build());
    assertMessage("Conv2D: padding must not be null (use Padding.VALID), got null",
        () -> Conv2D.builder(8).kernelSize(3, 3).padding(null).build());
    assertMessage("Conv2D: activation must not be null (use Activation.LINEAR), got null",
        () -> new Conv2D(8, 3, null));
  }

  @Test
  void rejectsInputsItCannotTake() {
    assertMessage("layer 'conv2d' (Conv2D): input channels must be divisible by groups=2, got 3",
        () -> new Sequential(Shape.of(5, 5, 3), Conv2D.builder(4).kernelSize(3, 3).groups(2).build()));
    assertMessage("layer 'conv2d' (Conv2D): input must have rank 3 (height, width, channels), got (5, 4)",
        () -> new Sequential(Shape.of(5, 4), new Conv2D(4, 3)));
    assertMessage("layer 'conv2d' (Conv2D): window output would be empty (0x3): input 2x5, kernel 3x3 (effective 3x3"
            + " with dilation 1x1), stride 1x1, padding valid; need input + padding >= effective kernel on both axes",
        () -> new Sequential(Shape.of(2, 5, 1), new Conv2D(4, 3)));
  }

  @Test
  void configRoundTrips() {
    List<Conv2D> layers = List.of(
        new Conv2D(32, 3, Activation.RELU),
        Conv2D.builder(6).kernelSize(3, 2).strides(2, 1).padding(Padding.explicit(1, 2, 0, 3)).dilation(2, 1)
            .groups(3).useBias(false).activation(Activation.SOFTMAX).kernelInitializer(Initializer.HE_NORMAL)
            .biasInitializer(Initializer.ONES).name("c").build(),
        Conv2D.builder(4).kernelSize(5, 5).padding(Padding.SAME).build());
    for (Conv2D c : layers) {
      Layer back = Layers.fromConfig(c.config());
      assertEquals(Conv2D.class, back.getClass());
      assertEquals(c.config(), back.config());
    }
    Map<String, Object> config = layers.get(1).config();
    assertEquals(List.of(1, 2, 0, 3), config.get("padding"));
    assertEquals(List.of(3, 2), config.get("kernel_size"));
    assertEquals("same", layers.get(2).config().get("padding"));
  }

  @Test
  void configReadsKerasDefaultsAndRejectsAMissingKernelSize() {
    Layer c = Layers.fromConfig(Map.of("type", "Conv2D", "filters", 8, "kernel_size", 3));
    assertEquals(new Conv2D(8, 3).config(), c.config());
    assertMessage("layer (Conv2D): config key 'kernel_size' is required but missing",
        () -> Layers.fromConfig(Map.of("type", "Conv2D", "filters", 8)));
  }
}
