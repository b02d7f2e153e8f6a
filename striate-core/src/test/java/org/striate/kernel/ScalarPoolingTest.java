package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernel.ScalarConvolutionTest.assertClose;
import static org.striate.kernel.ScalarConvolutionTest.filled;
import static org.striate.kernel.ScalarConvolutionTest.random;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/** The pooling kernels against direct loops over each window written here from the definitions. */
class ScalarPoolingTest {

  /** One setting: batch, input size, channels, window, stride, dilation, padding. */
  record Case(int batch, int inH, int inW, int channels, int kH, int kW, int sH, int sW, int dH, int dW,
      Padding padding) {
    ConvGeometry geometry() {
      return ConvGeometry.of(inH, inW, kH, kW, sH, sW, dH, dW, padding);
    }

    int inputSize() {
      return batch * inH * inW * channels;
    }

    int outputSize() {
      ConvGeometry g = geometry();
      return batch * g.outH() * g.outW() * channels;
    }
  }

  static final List<Case> CASES = List.of(
      new Case(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID),
      new Case(3, 6, 6, 2, 2, 2, 2, 2, 1, 1, Padding.VALID),
      new Case(2, 7, 5, 3, 3, 2, 2, 3, 1, 1, Padding.VALID), // non-square, strides not dividing
      new Case(1, 5, 7, 4, 3, 3, 2, 2, 1, 1, Padding.SAME), // odd padding goes bottom/right
      new Case(3, 8, 9, 1, 2, 3, 3, 2, 1, 1, Padding.SAME),
      new Case(2, 6, 5, 3, 3, 4, 1, 2, 1, 1, Padding.explicit(1, 0, 2, 1)), // asymmetric explicit
      new Case(3, 11, 10, 2, 3, 2, 2, 1, 2, 3, Padding.explicit(1, 1, 0, 1)), // dilation with stride
      new Case(2, 1, 1, 5, 3, 3, 1, 1, 1, 1, Padding.SAME), // 1x1 input, 3x3 window
      new Case(1, 2, 1, 1, 2, 1, 1, 1, 3, 1, Padding.explicit(1, 2, 0, 0))); // a window of padding only

  @Test
  void maxPoolingMatchesDirectLoops() {
    int casesTheReluChanges = 0;
    for (Case c : CASES) {
      ConvGeometry g = c.geometry();
      float[] input = random(c.inputSize(), 1);
      float[] expected = new float[c.outputSize()];
      int[] expectedArgmax = new int[c.outputSize()];
      Naive.max(c, input, expected, expectedArgmax);
      float[] gradOutput = random(c.outputSize(), 2);
      float[] expectedGrad = new float[c.inputSize()];
      for (int o = 0; o < expectedArgmax.length; o++) {
        if (expectedArgmax[o] >= 0) {
          expectedGrad[expectedArgmax[o]] += gradOutput[o];
        }
      }
      for (int threads = 1; threads <= 3; threads++) {
        try (Kernels k = new ScalarKernels(threads)) {
          float[] out = filled(c.outputSize(), 123f);
          int[] argmax = new int[c.outputSize()];
          k.maxPool2dForward(g, c.batch(), c.channels(), input, out, argmax);
          assertArrayEquals(expected, out, c + " max forward, threads=" + threads);
          assertArrayEquals(expectedArgmax, argmax, c + " argmax, threads=" + threads);
          float[] withoutWinners = filled(c.outputSize(), 123f);
          k.maxPool2dForward(g, c.batch(), c.channels(), input, withoutWinners, null);
          assertArrayEquals(expected, withoutWinners, c + " max forward without argmax, threads=" + threads);
          float[] gradInput = filled(c.inputSize(), 123f);
          k.maxPool2dBackward(g, c.batch(), c.channels(), gradOutput, argmax, null, gradInput);
          assertClose(expectedGrad, gradInput, c + " max backward, threads=" + threads);
          float[] again = filled(c.inputSize(), -1f);
          k.maxPool2dBackward(g, c.batch(), c.channels(), gradOutput, argmax, null, again);
          assertArrayEquals(gradInput, again, c + " max backward repeated, threads=" + threads);
          // A ReLU before the pooling: its derivative (input > 0) applied to the plain gradient, bit for bit.
          float[] afterRelu = new float[c.inputSize()];
          for (int i = 0; i < afterRelu.length; i++) {
            afterRelu[i] = input[i] > 0f ? gradInput[i] : 0f;
          }
          float[] rectified = filled(c.inputSize(), 123f);
          k.maxPool2dBackward(g, c.batch(), c.channels(), gradOutput, argmax, out, rectified);
          assertArrayEquals(afterRelu, rectified, c + " max backward with the ReLU, threads=" + threads);
          casesTheReluChanges += Arrays.equals(afterRelu, gradInput) ? 0 : 1;
        }
      }
    }
    assertTrue(casesTheReluChanges > 0, "some windows must have a non-positive maximum");
  }

  @Test
  void maxPoolingTiesGoToTheFirstInRowMajorWindowOrderAndPaddingNeverWins() {
    // 1 image 2x3x1 of equal negative values, 2x2 window, stride 1, padding 1 on every side: every window's
    // first real pixel wins, and padding (which would be 0 > -1 if it counted) never does.
    ConvGeometry g = ConvGeometry.of(2, 3, 2, 2, 1, 1, 1, 1, Padding.explicit(1, 1));
    float[] input = filled(6, -1f);
    float[] out = new float[g.outH() * g.outW()];
    int[] argmax = new int[out.length];
    try (Kernels k = new ScalarKernels(1)) {
      k.maxPool2dForward(g, 1, 1, input, out, argmax);
    }
    assertArrayEquals(filled(12, -1f), out);
    // Output (oh, ow) sees rows oh-1..oh and columns ow-1..ow; the first real pixel in row-major order.
    assertArrayEquals(new int[] {0, 0, 1, 2, 0, 0, 1, 2, 3, 3, 4, 5}, argmax);
  }

  @Test
  void averagePoolingMatchesDirectLoopsWithAndWithoutPadding() {
    for (Case c : CASES) {
      for (boolean includePad : new boolean[] {true, false}) {
        ConvGeometry g = c.geometry();
        float[] input = random(c.inputSize(), 3);
        float[] gradOutput = random(c.outputSize(), 4);
        float[] expected = new float[c.outputSize()];
        float[] expectedGrad = new float[c.inputSize()];
        Naive.average(c, includePad, input, expected, gradOutput, expectedGrad);
        String what = c + " countIncludePad=" + includePad;
        for (int threads = 1; threads <= 3; threads++) {
          try (Kernels k = new ScalarKernels(threads)) {
            float[] out = filled(c.outputSize(), 123f);
            k.avgPool2dForward(g, c.batch(), c.channels(), includePad, input, out);
            assertClose(expected, out, what + " forward, threads=" + threads);
            float[] gradInput = filled(c.inputSize(), 123f);
            k.avgPool2dBackward(g, c.batch(), c.channels(), includePad, gradOutput, gradInput);
            assertClose(expectedGrad, gradInput, what + " backward, threads=" + threads);
            float[] again = filled(c.inputSize(), -1f);
            k.avgPool2dBackward(g, c.batch(), c.channels(), includePad, gradOutput, again);
            assertArrayEquals(gradInput, again, what + " backward repeated, threads=" + threads);
          }
        }
      }
    }
  }

  @Test
  void averagePoolingDivisorsFollowPyTorch() {
    // 3x3 input of ones, 2x2 window, stride 2, padding 1 top/left only: the first window covers one real
    // pixel and three padding pixels. count_include_pad: 1/4; without it: 1/1.
    ConvGeometry g = ConvGeometry.of(3, 3, 2, 2, 2, 2, 1, 1, Padding.explicit(1, 0, 1, 0));
    float[] input = filled(9, 1f);
    float[] with = new float[4];
    float[] without = new float[4];
    try (Kernels k = new ScalarKernels(1)) {
      k.avgPool2dForward(g, 1, 1, true, input, with);
      k.avgPool2dForward(g, 1, 1, false, input, without);
    }
    assertArrayEquals(new float[] {0.25f, 0.5f, 0.5f, 1f}, with);
    assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, without);
  }

  /** Pooling by definition: every window tap, in row-major order; padding taps are skipped. */
  static final class Naive {
    static void max(Case c, float[] input, float[] out, int[] argmax) {
      ConvGeometry g = c.geometry();
      int o = 0;
      for (int n = 0; n < c.batch(); n++) {
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            for (int ch = 0; ch < c.channels(); ch++, o++) {
              out[o] = Float.NEGATIVE_INFINITY;
              argmax[o] = -1;
              for (int kh = 0; kh < c.kH(); kh++) {
                for (int kw = 0; kw < c.kW(); kw++) {
                  int i = index(c, g, n, oh, ow, kh, kw, ch);
                  if (i >= 0 && (argmax[o] < 0 || input[i] > out[o])) {
                    out[o] = input[i];
                    argmax[o] = i;
                  }
                }
              }
            }
          }
        }
      }
    }

    static void average(Case c, boolean includePad, float[] input, float[] out, float[] gradOut, float[] gradIn) {
      ConvGeometry g = c.geometry();
      int o = 0;
      for (int n = 0; n < c.batch(); n++) {
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            for (int ch = 0; ch < c.channels(); ch++, o++) {
              double sum = 0;
              int divisor = 0;
              for (int kh = 0; kh < c.kH(); kh++) {
                for (int kw = 0; kw < c.kW(); kw++) {
                  int ih = oh * c.sH() - g.padTop() + kh * c.dH();
                  int iw = ow * c.sW() - g.padLeft() + kw * c.dW();
                  boolean inPadded = ih >= -g.padTop() && ih < c.inH() + g.padBottom()
                      && iw >= -g.padLeft() && iw < c.inW() + g.padRight();
                  int i = index(c, g, n, oh, ow, kh, kw, ch);
                  divisor += (includePad ? inPadded : i >= 0) ? 1 : 0;
                  sum += i >= 0 ? input[i] : 0;
                }
              }
              out[o] = divisor == 0 ? 0f : (float) (sum / divisor);
              for (int kh = 0; kh < c.kH() && divisor > 0; kh++) {
                for (int kw = 0; kw < c.kW(); kw++) {
                  int i = index(c, g, n, oh, ow, kh, kw, ch);
                  if (i >= 0) {
                    gradIn[i] += gradOut[o] / divisor;
                  }
                }
              }
            }
          }
        }
      }
    }

    /** The flat input index under tap {@code (kh, kw)} of output {@code (n, oh, ow, ch)}, or -1 for padding. */
    private static int index(Case c, ConvGeometry g, int n, int oh, int ow, int kh, int kw, int ch) {
      int ih = oh * c.sH() - g.padTop() + kh * c.dH();
      int iw = ow * c.sW() - g.padLeft() + kw * c.dW();
      if (ih < 0 || ih >= c.inH() || iw < 0 || iw >= c.inW()) {
        return -1;
      }
      return ((n * c.inH() + ih) * c.inW() + iw) * c.channels() + ch;
    }
  }

  @Test
  void aWindowOfPaddingOnlyGivesMinusInfinityAndNoGradient() {
    Case c = CASES.get(CASES.size() - 1);
    ConvGeometry g = c.geometry();
    assertEquals(2, g.outH());
    float[] out = new float[c.outputSize()];
    int[] argmax = new int[c.outputSize()];
    try (Kernels k = new ScalarKernels(1)) {
      k.maxPool2dForward(g, 1, 1, new float[] {5f, 7f}, out, argmax);
    }
    // Rows -1 and 2 (padding) for output 0; rows 0 and 3 for output 1.
    assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 5f}, out);
    assertArrayEquals(new int[] {-1, 0}, argmax);
  }
}
