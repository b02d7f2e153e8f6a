package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class MaxPool2DTest {

  private static Tensor distinct(long seed, int... dims) {
    return GradientCheck.distinct(Shape.of(dims), seed);
  }

  @Test
  void gradientsWithDefaultSettings() {
    GradientCheck.check(new MaxPool2D(), distinct(1, 2, 6, 6, 3));
  }

  @Test
  void gradientsWithOverlappingNonSquareWindowsAndStridesThatDoNotDivideTheInput() {
    GradientCheck.check(MaxPool2D.builder().poolSize(3, 2).strides(2, 3).build(), distinct(2, 2, 8, 7, 2));
  }

  @Test
  void gradientsWithSameAndAsymmetricExplicitPadding() {
    GradientCheck.check(MaxPool2D.builder().poolSize(3, 3).strides(2, 2).padding(Padding.SAME).build(),
        distinct(3, 2, 5, 6, 2));
    GradientCheck.check(MaxPool2D.builder().poolSize(2, 3).strides(1, 2).padding(Padding.explicit(1, 0, 2, 1)).build(),
        distinct(4, 1, 4, 5, 3));
  }

  @Test
  void gradientsWithDilationAndStride() {
    GradientCheck.check(
        MaxPool2D.builder().poolSize(2, 3).strides(2, 1).dilation(3, 2).padding(Padding.explicit(1, 1, 0, 2)).build(),
        distinct(5, 2, 9, 8, 2));
  }

  @Test
  void forwardPicksTheLargestAndPaddingNeverWins() {
    // A 2x3 image of negative values, 2x2 windows, SAME padding (one extra row at the bottom, one column on the
    // right): padding would win with 0 if it took part.
    MaxPool2D pool = MaxPool2D.builder().padding(Padding.SAME).build();
    new Sequential(Shape.of(2, 3, 1), pool);
    try (ScalarKernels k = new ScalarKernels(1)) {
      Tensor out = pool.forward(Tensor.of(Shape.of(1, 2, 3, 1), -6, -2, -3, -4, -5, -1), Context.inference(k));
      assertArrayEquals(new float[] {-2, -1}, out.data());
    }
  }

  @Test
  void onlyPassesThatMayGoBackwardAskTheKernelsForTheWinners() {
    MaxPool2D pool = MaxPool2D.builder().poolSize(3, 3).strides(2, 2).padding(Padding.SAME).build();
    new Sequential(Shape.of(5, 6, 3), pool);
    Tensor x = distinct(6, 2, 5, 6, 3);
    List<Boolean> askedForWinners = new ArrayList<>();
    try (ScalarKernels scalar = new ScalarKernels(1)) {
      // Records, for each max pooling call, whether it was given an argmax array, and otherwise just delegates.
      Kernels recording = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(),
          new Class<?>[] {Kernels.class}, (proxy, method, args) -> {
            if (method.getName().equals("maxPool2dForward")) {
              askedForWinners.add(args[5] != null);
            }
            try {
              return method.invoke(scalar, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      float[] inferred = pool.forward(x, Context.inference(recording)).data();
      Context withGradients = Context.inferenceWithGradients(recording);
      float[] deployed = pool.forward(x, withGradients).data();
      Tensor gradOutput = GradientCheck.distinct(pool.outputShape().withBatch(2), 7);
      float[] grad = pool.backward(gradOutput, withGradients).data();
      Context training = Context.training(recording, 1);
      float[] trained = pool.forward(x, training).data();
      assertArrayEquals(inferred, deployed);
      assertArrayEquals(inferred, trained);
      assertEquals(List.of(false, true, true), askedForWinners);
      assertArrayEquals(grad, pool.backward(gradOutput, training).data());
    }
  }

  @Test
  void outputShapeFollowsTheFormula() {
    // out = floor((in + padBefore + padAfter - dilation * (pool - 1) - 1) / stride) + 1; SAME: ceil(in / stride)
    assertEquals(Shape.of(13, 13, 32), outputShape(new MaxPool2D(), 26, 26, 32));
    assertEquals(Shape.of(3, 3, 5), outputShape(new MaxPool2D(), 7, 7, 5));
    assertEquals(Shape.of((8 - 3) / 2 + 1, (7 - 2) / 3 + 1, 2),
        outputShape(MaxPool2D.builder().poolSize(3, 2).strides(2, 3).build(), 8, 7, 2));
    assertEquals(Shape.of(4, 4, 1), outputShape(MaxPool2D.builder().padding(Padding.SAME).build(), 7, 8, 1));
    assertEquals(Shape.of((9 + 2 - 3 * 1 - 1) / 2 + 1, (8 + 2 - 2 * 2 - 1) / 1 + 1, 2),
        outputShape(MaxPool2D.builder().poolSize(2, 3).strides(2, 1).dilation(3, 2)
            .padding(Padding.explicit(1, 1, 0, 2)).build(), 9, 8, 2));
  }

  @Test
  void stridesDefaultToThePoolSize() {
    MaxPool2D pool = MaxPool2D.builder().poolSize(3, 2).build();
    assertEquals(List.of(3, 2), pool.config().get("strides"));
    new Sequential(Shape.of(9, 9, 1), pool);
    assertEquals(3, pool.window().strideH());
    assertEquals(2, pool.window().strideW());
  }

  private static Shape outputShape(Layer layer, int h, int w, int c) {
    return new Sequential(Shape.of(h, w, c), layer).outputShape();
  }

  static void assertMessage(String expected, Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void rejectsBadSettingsInTheConstructor() {
    assertMessage("MaxPool2D: pool_size must be positive, got [0, 0]", () -> new MaxPool2D(0));
    assertMessage("MaxPool2D: strides must be positive, got [2, 0]",
        () -> MaxPool2D.builder().strides(2, 0).build());
    assertMessage("MaxPool2D: dilation_rate must be positive, got [1, -1]",
        () -> MaxPool2D.builder().dilation(1, -1).build());
    assertMessage("MaxPool2D: padding must not be null (use Padding.VALID), got null",
        () -> MaxPool2D.builder().padding(null).build());
  }

  @Test
  void rejectsInputsItCannotTake() {
    assertMessage("layer 'max_pool2d' (MaxPool2D): input must have rank 3 (height, width, channels), got (6,)",
        () -> new Sequential(Shape.of(6), new MaxPool2D()));
    assertMessage("layer 'max_pool2d' (MaxPool2D): window output would be empty (0x2): input 1x4, kernel 2x2"
            + " (effective 2x2 with dilation 1x1), stride 2x2, padding valid; need input + padding >= effective"
            + " kernel on both axes",
        () -> new Sequential(Shape.of(1, 4, 1), new MaxPool2D()));
    // Taps at rows -1 and 2 of a 2-row input: output row 0 would see nothing but padding.
    assertMessage("layer 'max_pool2d' (MaxPool2D): every pooling window must cover at least one input pixel, but"
            + " output row 0 sees only padding: input 2x1, pool_size [2, 1], strides [1, 1], dilation_rate [3, 1],"
            + " padding (1, 2, 0, 0) (resolved to top, bottom, left, right = 1, 2, 0, 0)",
        () -> new Sequential(Shape.of(2, 1, 1),
            MaxPool2D.builder().poolSize(2, 1).strides(1, 1).dilation(3, 1).padding(Padding.explicit(1, 2, 0, 0))
                .build()));
  }

  @Test
  void configRoundTrips() {
    List<MaxPool2D> layers = List.of(
        new MaxPool2D(),
        MaxPool2D.builder().poolSize(3, 2).strides(1, 2).padding(Padding.explicit(1, 0, 0, 1)).dilation(2, 1)
            .name("p").build(),
        MaxPool2D.builder().padding(Padding.SAME).build());
    for (MaxPool2D p : layers) {
      Layer back = Layers.fromConfig(p.config());
      assertEquals(MaxPool2D.class, back.getClass());
      assertEquals(p.config(), back.config());
    }
    assertEquals(List.of(1, 0, 0, 1), layers.get(1).config().get("padding"));
    assertEquals(List.of(2, 1), layers.get(1).config().get("dilation_rate"));
    Layer fromKeras = Layers.fromConfig(Map.of("type", "MaxPool2D", "pool_size", List.of(3, 3), "padding", "same"));
    assertEquals(List.of(3, 3), fromKeras.config().get("strides"));
  }
}
