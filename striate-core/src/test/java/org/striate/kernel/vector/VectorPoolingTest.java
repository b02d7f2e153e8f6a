package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.Parallel;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * The vector pooling kernels against {@link ScalarKernels}, bit for bit (they do the same arithmetic lane by
 * lane), on channel counts either side of the vector length, windows with padding, dilation and strides, windows
 * of padding only, many ties, -0 and +0, infinities and NaNs, on 1 to 4 threads with work split even for tiny
 * sizes. Max pooling also runs without winners (inference), and on windows that never overlap, whose gradient
 * takes its own path when the channels are whole vectors.
 */
class VectorPoolingTest {
  private static final ScalarKernels ORACLE = new ScalarKernels(1);
  private static final int[] CHANNELS = {1, 7, 8, 9, 15, 16, 17, 32, 33, 48};

  /** One window setting: batch, input size, window, stride, dilation, padding. */
  record Case(int batch, int inH, int inW, int kH, int kW, int sH, int sW, int dH, int dW, Padding padding) {
    ConvGeometry geometry() {
      return ConvGeometry.of(inH, inW, kH, kW, sH, sW, dH, dW, padding);
    }
  }

  static final List<Case> CASES = List.of(
      new Case(1, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID),
      new Case(3, 6, 6, 2, 2, 2, 2, 1, 1, Padding.VALID), // the models' 2x2 pooling
      new Case(2, 7, 5, 3, 2, 2, 3, 1, 1, Padding.VALID), // strides not dividing the input
      new Case(1, 5, 7, 3, 3, 2, 2, 1, 1, Padding.SAME),
      new Case(2, 6, 5, 3, 4, 1, 2, 1, 1, Padding.explicit(1, 0, 2, 1)), // asymmetric padding
      new Case(3, 11, 10, 3, 2, 2, 1, 2, 3, Padding.explicit(1, 1, 0, 1)), // dilation with stride
      new Case(2, 1, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // 1x1 input, 3x3 window
      new Case(1, 2, 1, 2, 1, 1, 1, 3, 1, Padding.explicit(1, 2, 0, 0))); // a window of padding only

  /**
   * Windows that never share an input pixel, with input rows and columns under no window: odd sizes, strides
   * larger than the window, dilation that leaves gaps or interleaves the windows, padding at the borders.
   */
  static final List<Case> DISJOINT_CASES = List.of(
      new Case(2, 7, 9, 2, 2, 2, 2, 1, 1, Padding.VALID), // odd sizes: the last row and column are left out
      new Case(2, 10, 11, 2, 3, 3, 4, 1, 1, Padding.VALID), // stride larger than the window
      new Case(1, 7, 7, 2, 2, 2, 2, 1, 1, Padding.SAME), // the last windows half padding
      new Case(3, 12, 13, 3, 3, 3, 3, 1, 1, Padding.explicit(1, 1, 1, 0)), // padded windows on three sides
      new Case(2, 8, 8, 2, 2, 2, 4, 3, 2, Padding.VALID), // rows interleaved (taps 0,3 / 2,5 / 4,7), columns gapped
      new Case(1, 5, 6, 1, 1, 2, 2, 1, 1, Padding.VALID)); // 1x1 windows on every other pixel

  @Test
  void maxPoolingAndItsGradientAreTheScalarOnesBitForBit() {
    for (List<Case> cases : List.of(CASES, DISJOINT_CASES)) {
      for (Case c : cases) {
        for (int channels : CHANNELS) {
          assertMaxPoolingMatches(c, channels);
        }
      }
    }
  }

  private static void assertMaxPoolingMatches(Case c, int channels) {
    ConvGeometry g = c.geometry();
    String where = c + " channels=" + channels;
    float[] input = withTiesAndNaNs(c.batch * c.inH * c.inW * channels, channels);
    int outSize = c.batch * g.outH() * g.outW() * channels;
    float[] expected = new float[outSize];
    int[] expectedArgmax = new int[outSize];
    ORACLE.maxPool2dForward(g, c.batch, channels, input, expected, expectedArgmax);
    float[] gradOutput = withNegativeZeros(VectorConvolutionTest.random(outSize, 6));
    float[] expectedGrad = new float[input.length];
    ORACLE.maxPool2dBackward(g, c.batch, channels, gradOutput, expectedArgmax, null, expectedGrad);
    float[] expectedRectified = new float[input.length];
    ORACLE.maxPool2dBackward(g, c.batch, channels, gradOutput, expectedArgmax, expected, expectedRectified);
    for (int threads = 1; threads <= 4; threads++) {
      try (Parallel parallel = new Parallel(threads)) {
        VectorPooling pooling = new VectorPooling(parallel, 0);
        float[] out = VectorConvolutionTest.filled(outSize, 123f);
        int[] argmax = new int[outSize];
        pooling.maxForward(g, c.batch, channels, input, out, argmax);
        assertArrayEquals(expected, out, where + " max, threads=" + threads);
        assertArrayEquals(expectedArgmax, argmax, where + " argmax, threads=" + threads);
        float[] withoutWinners = VectorConvolutionTest.filled(outSize, 123f);
        pooling.maxForward(g, c.batch, channels, input, withoutWinners, null);
        assertArrayEquals(expected, withoutWinners, where + " max without argmax, threads=" + threads);
        float[] grad = VectorConvolutionTest.filled(input.length, 123f);
        pooling.maxBackward(g, c.batch, channels, gradOutput, argmax, null, grad);
        assertArrayEquals(expectedGrad, grad, where + " max backward, threads=" + threads);
        float[] rectified = VectorConvolutionTest.filled(input.length, 123f);
        pooling.maxBackward(g, c.batch, channels, gradOutput, argmax, out, rectified);
        assertArrayEquals(expectedRectified, rectified, where + " max backward with the ReLU, threads=" + threads);
      }
    }
  }

  @Test
  void averagePoolingIsTheScalarOneBitForBit() {
    for (Case c : CASES) {
      for (int channels : CHANNELS) {
        for (boolean includePad : new boolean[] {true, false}) {
          ConvGeometry g = c.geometry();
          String where = c + " channels=" + channels + " countIncludePad=" + includePad;
          int inSize = c.batch * c.inH * c.inW * channels;
          int outSize = c.batch * g.outH() * g.outW() * channels;
          float[] input = VectorConvolutionTest.random(inSize, 3);
          float[] gradOutput = VectorConvolutionTest.random(outSize, 4);
          float[] expected = new float[outSize];
          float[] expectedGrad = new float[inSize];
          ORACLE.avgPool2dForward(g, c.batch, channels, includePad, input, expected);
          ORACLE.avgPool2dBackward(g, c.batch, channels, includePad, gradOutput, expectedGrad);
          for (int threads = 1; threads <= 3; threads++) {
            try (Parallel parallel = new Parallel(threads)) {
              VectorPooling pooling = new VectorPooling(parallel, 0);
              float[] out = VectorConvolutionTest.filled(outSize, 123f);
              pooling.avgForward(g, c.batch, channels, includePad, input, out);
              assertArrayEquals(expected, out, where + " forward, threads=" + threads);
              float[] grad = VectorConvolutionTest.filled(inSize, 123f);
              pooling.avgBackward(g, c.batch, channels, includePad, gradOutput, grad);
              assertArrayEquals(expectedGrad, grad, where + " backward, threads=" + threads);
            }
          }
        }
      }
    }
  }

  @Test
  void theKernelsPoolThroughTheVectorCode() {
    // Through the Kernels interface, with the default thresholds, on a size that is split across threads.
    Case c = new Case(64, 26, 26, 2, 2, 2, 2, 1, 1, Padding.VALID);
    ConvGeometry g = c.geometry();
    int channels = 32;
    float[] input = withTiesAndNaNs(c.batch * c.inH * c.inW * channels, channels);
    int outSize = c.batch * g.outH() * g.outW() * channels;
    float[] expected = new float[outSize];
    int[] expectedArgmax = new int[outSize];
    ORACLE.maxPool2dForward(g, c.batch, channels, input, expected, expectedArgmax);
    float[] gradOutput = VectorConvolutionTest.random(outSize, 5);
    float[] expectedGrad = new float[input.length];
    ORACLE.maxPool2dBackward(g, c.batch, channels, gradOutput, expectedArgmax, null, expectedGrad);
    float[] expectedRectified = new float[input.length];
    ORACLE.maxPool2dBackward(g, c.batch, channels, gradOutput, expectedArgmax, expected, expectedRectified);
    try (Kernels k = new VectorKernels(2)) {
      float[] out = new float[outSize];
      int[] argmax = new int[outSize];
      k.maxPool2dForward(g, c.batch, channels, input, out, argmax);
      assertArrayEquals(expected, out);
      assertArrayEquals(expectedArgmax, argmax);
      float[] grad = VectorConvolutionTest.filled(input.length, 7f);
      k.maxPool2dBackward(g, c.batch, channels, gradOutput, argmax, null, grad);
      assertArrayEquals(expectedGrad, grad);
      float[] rectified = VectorConvolutionTest.filled(input.length, 7f);
      k.maxPool2dBackward(g, c.batch, channels, gradOutput, argmax, out, rectified);
      assertArrayEquals(expectedRectified, rectified);
      float[] withoutWinners = new float[outSize];
      k.maxPool2dForward(g, c.batch, channels, input, withoutWinners, null);
      assertArrayEquals(expected, withoutWinners);
    }
  }

  /**
   * Values from a small set (many ties, among them -0 and +0, and -infinity, so some windows hold nothing else),
   * with a NaN in about one element in 50.
   */
  private static float[] withTiesAndNaNs(int n, int channels) {
    float[] values = {-2.5f, -0f, 0f, 1.5f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
    SplittableRandom r = new SplittableRandom(n * 31L + channels);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(50) == 0 ? Float.NaN : values[r.nextInt(values.length)];
    }
    return x;
  }

  /** {@code x} with every fifth element -0, whose gradient the scalar kernels turn into +0 (0 + -0). */
  private static float[] withNegativeZeros(float[] x) {
    for (int i = 0; i < x.length; i += 5) {
      x[i] = -0f;
    }
    return x;
  }
}
