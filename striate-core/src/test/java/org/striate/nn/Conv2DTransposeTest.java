package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.io.ArchitectureJson;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class Conv2DTransposeTest {

  private static Tensor input(long seed, int... dims) {
    return GradientCheck.random(Shape.of(dims), seed);
  }

  private static Conv2DTranspose.Builder kernel(int filters, int h, int w) {
    return Conv2DTranspose.builder(filters).kernelSize(h, w);
  }

  @Test
  void gradientsWithDefaultSettings() {
    GradientCheck.check(new Conv2DTranspose(3, 3), input(1, 2, 4, 5, 2));
  }

  @Test
  void gradientsWithStridesTwoAndTwoByOne() {
    GradientCheck.check(kernel(3, 3, 3).strides(2, 2).build(), input(2, 2, 3, 4, 2));
    GradientCheck.check(kernel(2, 2, 3).strides(2, 1).build(), input(3, 1, 5, 3, 3));
  }

  @Test
  void gradientsWithAStrideLargerThanTheKernel() {
    // Output pixels between the kernel's footprints receive nothing but the bias.
    GradientCheck.check(kernel(2, 2, 1).strides(3, 2).biasInitializer(Initializer.ONES).build(), input(4, 2, 3, 3, 2));
  }

  @Test
  void gradientsWithDilationAndStride() {
    GradientCheck.check(kernel(3, 3, 2).strides(2, 1).dilation(2, 3).build(), input(5, 2, 3, 4, 2));
  }

  @Test
  void gradientsWithOutputPadding() {
    GradientCheck.check(kernel(2, 3, 3).strides(2, 2).outputPadding(1, 1).build(), input(6, 2, 3, 3, 2));
    // Output padding 2 >= stride 1, allowed because it is below the dilation 3: two rows no input pixel reaches.
    GradientCheck.check(kernel(2, 2, 2).strides(1, 2).dilation(3, 1).outputPadding(2, 1).build(),
        input(7, 2, 3, 2, 2));
  }

  @Test
  void gradientsWithTwoAndThreeGroups() {
    GradientCheck.check(kernel(4, 3, 3).strides(2, 2).groups(2).build(), input(8, 2, 3, 3, 4));
    GradientCheck.check(kernel(6, 2, 3).groups(3).padding(Padding.SAME).build(), input(9, 1, 3, 4, 3));
  }

  @Test
  void gradientsWithoutBias() {
    Conv2DTranspose conv = kernel(3, 2, 2).strides(2, 2).useBias(false).build();
    GradientCheck.check(conv, input(10, 2, 3, 3, 2));
    assertEquals(1, conv.parameters().size());
  }

  @Test
  void gradientsWithSameValidAndAsymmetricExplicitPadding() {
    GradientCheck.check(kernel(2, 3, 3).strides(2, 2).padding(Padding.SAME).build(), input(11, 2, 3, 4, 2));
    GradientCheck.check(kernel(2, 4, 3).strides(2, 2).padding(Padding.SAME).outputPadding(1, 0).build(),
        input(12, 1, 3, 3, 2));
    GradientCheck.check(kernel(2, 3, 2).strides(2, 1).padding(Padding.VALID).build(), input(13, 1, 3, 5, 2));
    GradientCheck.check(kernel(3, 3, 4).strides(2, 2).padding(Padding.explicit(2, 0, 1, 3)).outputPadding(1, 0)
        .build(), input(14, 2, 3, 4, 2));
  }

  @Test
  void gradientsOnOddInputSizes() {
    GradientCheck.check(kernel(2, 3, 1).strides(2, 2).build(), input(15, 1, 5, 7, 1));
    GradientCheck.check(kernel(3, 1, 3).strides(3, 1).padding(Padding.SAME).build(), input(16, 3, 3, 5, 3));
  }

  @Test
  void gradientsThroughSmoothActivations() {
    for (Activation a : List.of(Activation.SIGMOID, Activation.TANH, Activation.SOFTMAX)) {
      GradientCheck.check(kernel(3, 3, 3).strides(2, 2).activation(a).build(), input(17, 2, 3, 3, 2));
    }
  }

  @Test
  void gradientsThroughReluAwayFromTheKink() {
    Tensor x = input(19, 1, 3, 3, 2);
    // The same layer without activation shows every pre-activation is far enough from 0 that steps of 1e-2 on
    // inputs and weights of size < 1 cannot cross the kink.
    Conv2DTranspose linear = kernel(2, 2, 2).strides(1, 1).biasInitializer(Initializer.ONES).build();
    linear.assignName("linear");
    linear.build(Shape.of(3, 3, 2), new SplittableRandom(42));
    try (ScalarKernels k = new ScalarKernels(1)) {
      for (float v : linear.forward(x, Context.inference(k)).data()) {
        assertTrue(Math.abs(v) > 0.05, "pre-activation " + v + " is too close to the kink");
      }
    }
    for (Activation a : List.of(Activation.RELU, Activation.LEAKY_RELU)) {
      GradientCheck.check(kernel(2, 2, 2).biasInitializer(Initializer.ONES).activation(a).build(), x);
    }
  }

  @Test
  void eachInputPixelAddsTheKernelScaledIntoTheOutputAtStrideSteps() {
    // Input row [1, 2], kernel 1x3 [1, 10, 100], stride 2: [1, 10, 100 + 2, 20, 200], plus the bias 0.5.
    assertArrayEquals(new float[] {1.5f, 10.5f, 102.5f, 20.5f, 200.5f}, row(kernel(1, 1, 3).strides(1, 2)));
    // Explicit padding crops: one column on the left.
    assertArrayEquals(new float[] {10.5f, 102.5f, 20.5f, 200.5f},
        row(kernel(1, 1, 3).strides(1, 2).padding(Padding.explicit(0, 0, 1, 0))));
    // Output padding adds a column on the right that no input pixel reaches: the bias alone.
    assertArrayEquals(new float[] {1.5f, 10.5f, 102.5f, 20.5f, 200.5f, 0.5f},
        row(kernel(1, 1, 3).strides(1, 2).outputPadding(0, 1)));
    // Keras's same with stride 2: out = 2 * in, crop floor((5 - 4) / 2) = 0 before and 1 after.
    assertArrayEquals(new float[] {1.5f, 10.5f, 102.5f, 20.5f},
        row(kernel(1, 1, 3).strides(1, 2).padding(Padding.SAME)));
    // Dilation 2 with stride 1: taps at x, x + 2, x + 4.
    assertArrayEquals(new float[] {1.5f, 2.5f, 10.5f, 20.5f, 100.5f, 200.5f},
        row(kernel(1, 1, 3).dilation(1, 2)));
  }

  /** The output of {@code b} (one filter) on the input row {@code [1, 2]}, with kernel [1, 10, 100], bias 0.5. */
  private static float[] row(Conv2DTranspose.Builder b) {
    Conv2DTranspose c = b.build();
    Sequential m = new Sequential(Shape.of(1, 2, 1), c);
    System.arraycopy(new float[] {1, 10, 100}, 0, c.parameters().get(0).value().data(), 0, 3);
    c.parameters().get(1).value().data()[0] = 0.5f;
    try (ScalarKernels k = new ScalarKernels(1)) {
      return m.forward(Tensor.of(Shape.of(1, 1, 2, 1), 1, 2), Context.inference(k)).data();
    }
  }

  private static Shape outputShape(Layer layer, int h, int w, int c) {
    return new Sequential(Shape.of(h, w, c), layer).outputShape();
  }

  @Test
  void outputShapeFollowsPyTorchsFormula() {
    // H_out = (H_in - 1) * stride - padTop - padBottom + dilation * (kernel - 1) + output_padding + 1
    assertEquals(Shape.of(30, 30, 32), outputShape(new Conv2DTranspose(32, 3), 28, 28, 1));
    assertEquals(Shape.of((5 - 1) * 2 + (3 - 1) + 1 + 1, (7 - 1) * 1 + (3 - 1) + 0 + 1, 4),
        outputShape(kernel(4, 3, 3).strides(2, 1).outputPadding(1, 0).build(), 5, 7, 3));
    assertEquals(Shape.of((4 - 1) * 2 - 2 - 0 + 2 * 2 + 1 + 1, (5 - 1) * 1 - 1 - 3 + 3 * 1 + 0 + 1, 2),
        outputShape(kernel(2, 3, 2).strides(2, 1).dilation(2, 3).padding(Padding.explicit(2, 0, 1, 3))
            .outputPadding(1, 0).build(), 4, 5, 2));
  }

  @Test
  void outputSizeDependsOnOutputPadding() {
    // A stride-2 convolution maps both 7 and 8 rows to 4; output padding picks which one the transpose gives.
    Conv2D down = Conv2D.builder(1).kernelSize(3, 3).strides(2, 2).padding(Padding.explicit(1, 1)).build();
    assertEquals(Shape.of(4, 4, 1), outputShape(down, 7, 8, 1));
    assertEquals(Shape.of(4, 4, 1), outputShape(
        Conv2D.builder(1).kernelSize(3, 3).strides(2, 2).padding(Padding.explicit(1, 1)).build(), 8, 8, 1));
    Conv2DTranspose.Builder up = kernel(1, 3, 3).strides(2, 2).padding(Padding.explicit(1, 1));
    assertEquals(Shape.of(7, 7, 1), outputShape(up.outputPadding(0, 0).build(), 4, 4, 1));
    assertEquals(Shape.of(8, 7, 1), outputShape(up.outputPadding(1, 0).build(), 4, 4, 1));
  }

  @Test
  void withoutOutputPaddingTheSizeIsKerassDefault() {
    for (int in : new int[] {1, 4, 5}) {
      for (int stride : new int[] {1, 2, 3}) {
        for (int k : new int[] {1, 2, 3, 4}) {
          String where = "in=" + in + " s=" + stride + " k=" + k;
          Conv2DTranspose same = kernel(1, k, k).strides(stride, stride).padding(Padding.SAME).build();
          assertEquals(Shape.of(in * stride, in * stride, 1), outputShape(same, in, in, 1), where);
          Conv2DTranspose valid = kernel(1, k, k).strides(stride, stride).build();
          int keras = in * stride + Math.max(k - stride, 0);
          assertEquals(Shape.of(keras, keras, 1), outputShape(valid, in, in, 1), where);
        }
      }
    }
  }

  @Test
  void parametersHaveKerassTransposedLayout() {
    Conv2DTranspose c = kernel(6, 3, 2).groups(3).build();
    new Sequential(Shape.of(5, 5, 9), c);
    assertEquals(Shape.of(3, 2, 2, 9), c.parameters().get(0).shape());
    assertEquals(Shape.of(6), c.parameters().get(1).shape());
    assertEquals(3 * 2 * 2 * 9 + 6, c.parameterCount());
  }

  @Test
  void initializationUsesKerassFansOfTheTransposedKernel() {
    // Kernel (3, 3, filters = 2, C_in = 32): Keras's fan_in is 3 * 3 * 2 = 18, so he_uniform's limit is
    // sqrt(6 / 18) = 0.577; a fan_in from C_in (3 * 3 * 32) would give 0.144.
    Conv2DTranspose c = kernel(2, 3, 3).kernelInitializer(Initializer.HE_UNIFORM).build();
    new Sequential(Shape.of(4, 4, 32), c).initialize(3);
    double limit = Math.sqrt(6.0 / 18);
    float max = 0;
    for (float v : c.parameters().get(0).value().data()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= limit && max > 0.9 * limit, "largest weight " + max + ", limit " + limit);
  }

  @Test
  void theWindowIsUnknownAndTheMacsScatterEveryInput() {
    Conv2DTranspose c = kernel(2, 3, 3).strides(2, 2).padding(Padding.SAME).build();
    new Sequential(Shape.of(4, 4, 1), c);
    assertEquals(Window.UNKNOWN, c.window());
    assertEquals(4 * 4 * 1 * 3 * 3 * 2, c.macs());
  }

  private static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadSettingsInTheConstructor() {
    assertMessage("Conv2DTranspose: filters must be positive, got 0", () -> new Conv2DTranspose(0, 3));
    assertMessage("Conv2DTranspose: kernel_size must be positive, got [0, 0]", () -> new Conv2DTranspose(8, 0));
    assertMessage("Conv2DTranspose: kernel_size must be set with kernelSize(h, w), got none",
        () -> Conv2DTranspose.builder(8).build());
    assertMessage("Conv2DTranspose: strides must be positive, got [1, 0]", () -> kernel(8, 3, 3).strides(1, 0).build());
    assertMessage("Conv2DTranspose: dilation_rate must be positive, got [0, 1]",
        () -> kernel(8, 3, 3).dilation(0, 1).build());
    assertMessage("Conv2DTranspose: output_padding must be >= 0, got [0, -1]",
        () -> kernel(8, 3, 3).strides(2, 2).outputPadding(0, -1).build());
    assertMessage("Conv2DTranspose: output_padding must be smaller than either strides or dilation_rate on each "
            + "axis, got output_padding [1, 1] with strides [2, 1] and dilation_rate [1, 1]",
        () -> kernel(8, 3, 3).strides(2, 1).outputPadding(1, 1).build());
    assertMessage("Conv2DTranspose: output_padding must be smaller than either strides or dilation_rate on each "
            + "axis, got output_padding [2, 0] with strides [2, 1] and dilation_rate [2, 1]",
        () -> kernel(8, 3, 3).strides(2, 1).dilation(2, 1).outputPadding(2, 0).build());
    assertMessage("Conv2DTranspose: groups must be positive, got 0", () -> kernel(8, 3, 3).groups(0).build());
    assertMessage("Conv2DTranspose: filters must be divisible by groups=3, got 8", () -> kernel(8, 3, 3).groups(3).build());
    assertMessage("Conv2DTranspose: padding must not be null (use Padding.VALID), got null",
        () -> kernel(8, 3, 3).padding(null).build());
    assertMessage("Conv2DTranspose: activation must not be null (use Activation.LINEAR), got null",
        () -> new Conv2DTranspose(8, 3, null));
  }

  @Test
  void rejectsInputsItCannotTake() {
    assertMessage("layer 'conv2d_transpose' (Conv2DTranspose): input channels must be divisible by groups=2, got 3",
        () -> new Sequential(Shape.of(5, 5, 3), kernel(4, 3, 3).groups(2).build()));
    assertMessage("layer 'conv2d_transpose' (Conv2DTranspose): input must have rank 3 (height, width, channels), got "
        + "(5, 4)", () -> new Sequential(Shape.of(5, 4), new Conv2DTranspose(4, 3)));
    assertMessage("layer 'conv2d_transpose' (Conv2DTranspose): transposed convolution output would be empty (0x4): "
            + "input 1x2, kernel 2x3 (effective 2x3 with dilation 1x1), stride 1x1, padding (1, 1, 0, 0), output "
            + "padding 0x0; need (input - 1) * stride + effective kernel + output padding > padding on both axes",
        () -> new Sequential(Shape.of(1, 2, 1), kernel(4, 2, 3).padding(Padding.explicit(1, 1, 0, 0)).build()));
  }

  @Test
  void configRoundTrips() {
    List<Conv2DTranspose> layers = List.of(
        new Conv2DTranspose(32, 3, Activation.RELU),
        kernel(6, 3, 2).strides(2, 1).padding(Padding.explicit(1, 2, 0, 3)).outputPadding(1, 0).dilation(2, 1)
            .groups(3).useBias(false).activation(Activation.SOFTMAX).kernelInitializer(Initializer.HE_NORMAL)
            .biasInitializer(Initializer.ONES).name("t").build(),
        kernel(4, 5, 5).strides(2, 2).padding(Padding.SAME).build());
    for (Conv2DTranspose c : layers) {
      Layer back = Layers.fromConfig(c.config());
      assertEquals(Conv2DTranspose.class, back.getClass());
      assertEquals(c.config(), back.config());
    }
    Map<String, Object> config = layers.get(1).config();
    assertEquals(List.of(1, 2, 0, 3), config.get("padding"));
    assertEquals(List.of(1, 0), config.get("output_padding"));
    assertTrue(layers.get(2).config().containsKey("output_padding"));
    assertNull(layers.get(2).config().get("output_padding"), "Keras's None");
  }

  @Test
  void anArchitectureFileKeepsOutputPaddingNone() throws Exception {
    Sequential m = new Sequential(Shape.of(3, 3, 2), kernel(2, 2, 2).strides(3, 3).build());
    String json = ArchitectureJson.toJson(m);
    assertTrue(json.contains("\"output_padding\": null"), json);
    Model back = ArchitectureJson.fromJson(json, "test");
    assertEquals(m.layers().get(0).config(), back.layers().get(0).config());
    // Keras's default for valid padding with a stride above the kernel: output padding 3 - 2 = 1.
    assertEquals(Shape.of(9, 9, 2), back.outputShape());
  }

  @Test
  void configReadsKerasDefaultsAndOutputPaddingAsOneNumberOrNull() {
    Layer c = Layers.fromConfig(Map.of("type", "Conv2DTranspose", "filters", 8, "kernel_size", 3));
    assertEquals(new Conv2DTranspose(8, 3).config(), c.config());
    Map<String, Object> withNull = new HashMap<>(Map.of("type", "Conv2DTranspose", "filters", 8, "kernel_size", 3));
    withNull.put("output_padding", null);
    assertEquals(new Conv2DTranspose(8, 3).config(), Layers.fromConfig(withNull).config());
    Layer one = Layers.fromConfig(Map.of("type", "Conv2DTranspose", "filters", 8, "kernel_size", 3,
        "strides", 2, "output_padding", 1));
    assertEquals(List.of(1, 1), one.config().get("output_padding"));
    assertMessage("layer (Conv2DTranspose): config key 'kernel_size' is required but missing",
        () -> Layers.fromConfig(Map.of("type", "Conv2DTranspose", "filters", 8)));
  }
}
