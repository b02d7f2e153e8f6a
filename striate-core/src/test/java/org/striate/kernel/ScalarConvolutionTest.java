package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * The convolution kernels against a direct nested-loop convolution written here from the definition, on
 * awkward sizes, with 1, 2 and 3 threads.
 */
class ScalarConvolutionTest {

  /** One test setting: batch, input size and channels, filters, groups, kernel, stride, dilation, padding. */
  record Case(
      int batch, int inH, int inW, int cin, int cout, int groups, int kH, int kW, int sH, int sW, int dH, int dW,
      Padding padding) {
    ConvSpec spec() {
      return new ConvSpec(ConvGeometry.of(inH, inW, kH, kW, sH, sW, dH, dW, padding), cin, cout, groups);
    }
  }

  static final List<Case> CASES = List.of(
      new Case(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID),
      new Case(3, 5, 7, 6, 9, 3, 1, 1, 1, 1, 1, 1, Padding.VALID), // 1x1 without im2col, 3 groups
      new Case(2, 7, 5, 4, 3, 1, 1, 1, 2, 2, 1, 1, Padding.VALID), // 1x1 with stride: im2col
      new Case(3, 7, 11, 5, 13, 1, 3, 2, 1, 1, 1, 1, Padding.VALID), // primes, non-square kernel
      new Case(2, 11, 9, 3, 4, 1, 3, 3, 2, 3, 1, 1, Padding.VALID), // strides not dividing the input
      new Case(1, 6, 5, 2, 3, 1, 3, 4, 1, 1, 1, 1, Padding.explicit(2, 0, 1, 3)), // asymmetric padding
      new Case(3, 13, 12, 3, 5, 1, 3, 2, 2, 3, 2, 3, Padding.explicit(1, 2, 3, 0)), // dilation with stride
      new Case(2, 8, 7, 4, 6, 2, 3, 3, 1, 1, 1, 1, Padding.SAME), // 2 groups
      new Case(3, 9, 10, 6, 9, 3, 2, 3, 2, 1, 1, 2, Padding.SAME), // 3 groups, even kernel, dilation
      new Case(2, 1, 1, 3, 2, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // 1x1 input, 3x3 kernel
      new Case(3, 6, 6, 4, 4, 4, 3, 3, 1, 1, 1, 1, Padding.SAME), // depthwise
      new Case(3, 9, 8, 1, 5, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // one input channel, as in a first layer
      new Case(1, 20, 19, 64, 5, 1, 5, 5, 1, 1, 1, 1, Padding.VALID)); // many im2col tiles, last one partial

  @Test
  void forwardMatchesDirectConvolution() {
    for (Case c : CASES) {
      ConvSpec spec = c.spec();
      float[] input = random(c.batch * spec.inputImageSize(), 1);
      float[] weight = random(spec.weightSize(), 2);
      float[] bias = random(c.cout, 3);
      float[] expected = Naive.forward(spec, c.batch, input, weight, bias);
      float[] expectedNoBias = Naive.forward(spec, c.batch, input, weight, null);
      float[] firstRun = null;
      for (int threads = 1; threads <= 3; threads++) {
        try (Kernels k = new ScalarKernels(threads)) {
          float[] out = filled(c.batch * spec.outputImageSize(), 123f);
          k.conv2dForward(spec, c.batch, input, weight, bias, out);
          assertClose(expected, out, c + " forward, threads=" + threads);
          float[] noBias = filled(out.length, 123f);
          k.conv2dForward(spec, c.batch, input, weight, null, noBias);
          assertClose(expectedNoBias, noBias, c + " forward without bias, threads=" + threads);
          float[] again = new float[out.length];
          k.conv2dForward(spec, c.batch, input, weight, bias, again);
          assertArrayEquals(out, again, c + " forward repeated, threads=" + threads);
          firstRun = firstRun == null ? out : firstRun;
          assertArrayEquals(firstRun, out, c + " forward, threads=" + threads + " against 1 thread");
        }
      }
    }
  }

  @Test
  void backwardInputOverwritesWithTheAdjoint() {
    for (Case c : CASES) {
      ConvSpec spec = c.spec();
      float[] gradOutput = random(c.batch * spec.outputImageSize(), 4);
      float[] weight = random(spec.weightSize(), 5);
      float[] expected = Naive.backwardInput(spec, c.batch, gradOutput, weight);
      float[] firstRun = null;
      for (int threads = 1; threads <= 3; threads++) {
        try (Kernels k = new ScalarKernels(threads)) {
          float[] gradInput = filled(c.batch * spec.inputImageSize(), 123f);
          k.conv2dBackwardInput(spec, c.batch, gradOutput, weight, gradInput);
          assertClose(expected, gradInput, c + " backward input, threads=" + threads);
          float[] again = filled(gradInput.length, -7f);
          k.conv2dBackwardInput(spec, c.batch, gradOutput, weight, again);
          assertArrayEquals(gradInput, again, c + " backward input repeated, threads=" + threads);
          firstRun = firstRun == null ? gradInput : firstRun;
          assertArrayEquals(firstRun, gradInput, c + " backward input, threads=" + threads + " against 1 thread");
        }
      }
    }
  }

  @Test
  void backwardWeightAddsTheGradients() {
    for (Case c : CASES) {
      ConvSpec spec = c.spec();
      float[] input = random(c.batch * spec.inputImageSize(), 6);
      float[] gradOutput = random(c.batch * spec.outputImageSize(), 7);
      float[] initialWeight = random(spec.weightSize(), 8);
      float[] initialBias = random(c.cout, 9);
      float[][] naive = Naive.backwardWeight(spec, c.batch, input, gradOutput);
      float[] expectedWeight = sum(initialWeight, naive[0]);
      float[] expectedBias = sum(initialBias, naive[1]);
      for (int threads = 1; threads <= 3; threads++) {
        try (Kernels k = new ScalarKernels(threads)) {
          float[] gradWeight = initialWeight.clone();
          float[] gradBias = initialBias.clone();
          k.conv2dBackwardWeight(spec, c.batch, input, gradOutput, gradWeight, gradBias);
          assertClose(expectedWeight, gradWeight, c + " backward weight, threads=" + threads);
          assertClose(expectedBias, gradBias, c + " backward bias, threads=" + threads);

          float[] again = initialWeight.clone();
          float[] againBias = initialBias.clone();
          k.conv2dBackwardWeight(spec, c.batch, input, gradOutput, again, againBias);
          assertArrayEquals(gradWeight, again, c + " backward weight repeated, threads=" + threads);
          assertArrayEquals(gradBias, againBias, c + " backward bias repeated, threads=" + threads);

          float[] withoutBias = initialWeight.clone();
          k.conv2dBackwardWeight(spec, c.batch, input, gradOutput, withoutBias, null);
          assertArrayEquals(gradWeight, withoutBias, c + " backward weight without bias, threads=" + threads);
        }
      }
    }
  }

  @Test
  void backwardWeightAccumulatesOverCalls() {
    Case c = CASES.get(7);
    ConvSpec spec = c.spec();
    float[] input = random(c.batch * spec.inputImageSize(), 10);
    float[] gradOutput = random(c.batch * spec.outputImageSize(), 11);
    float[][] once = Naive.backwardWeight(spec, c.batch, input, gradOutput);
    try (Kernels k = new ScalarKernels(2)) {
      float[] gradWeight = new float[spec.weightSize()];
      float[] gradBias = new float[c.cout];
      k.conv2dBackwardWeight(spec, c.batch, input, gradOutput, gradWeight, gradBias);
      k.conv2dBackwardWeight(spec, c.batch, input, gradOutput, gradWeight, gradBias);
      assertClose(sum(once[0], once[0]), gradWeight, "weight gradient after two calls");
      assertClose(sum(once[1], once[1]), gradBias, "bias gradient after two calls");
    }
  }

  @Test
  void directConvolutionAgreesWithAHandComputedExample() {
    // 1 image 3x3x1, kernel 2x2 of ones, stride 1, valid: each output is the sum of a 2x2 block.
    ConvSpec spec = new ConvSpec(ConvGeometry.of(3, 3, 2, 2, 1, 1, 1, 1, Padding.VALID), 1, 1, 1);
    float[] input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] out = Naive.forward(spec, 1, input, new float[] {1, 1, 1, 1}, new float[] {0.5f});
    assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, out);
  }

  /** The definition of a grouped, strided, dilated, padded NHWC convolution, summed in double. */
  static final class Naive {
    /** Visits every (input element, weight element, output element) triple that the convolution multiplies. */
    interface Term {
      void add(int in, int w, int out);
    }

    static void forEachTerm(ConvSpec spec, int batch, Term term) {
      ConvGeometry g = spec.geometry();
      int cg = spec.inChannelsPerGroup();
      int cout = spec.outChannels();
      for (int n = 0; n < batch; n++) {
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            for (int o = 0; o < cout; o++) {
              int group = o / spec.outChannelsPerGroup();
              for (int kh = 0; kh < g.kernelH(); kh++) {
                for (int kw = 0; kw < g.kernelW(); kw++) {
                  int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                  int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                  if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                    continue;
                  }
                  for (int c = 0; c < cg; c++) {
                    int in = ((n * g.inH() + ih) * g.inW() + iw) * spec.inChannels() + group * cg + c;
                    int w = ((kh * g.kernelW() + kw) * cg + c) * cout + o;
                    int out = ((n * g.outH() + oh) * g.outW() + ow) * cout + o;
                    term.add(in, w, out);
                  }
                }
              }
            }
          }
        }
      }
    }

    static float[] forward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias) {
      double[] out = new double[batch * spec.outputImageSize()];
      if (bias != null) {
        for (int i = 0; i < out.length; i++) {
          out[i] = bias[i % spec.outChannels()];
        }
      }
      forEachTerm(spec, batch, (in, w, o) -> out[o] += (double) input[in] * weight[w]);
      return toFloat(out);
    }

    static float[] backwardInput(ConvSpec spec, int batch, float[] gradOutput, float[] weight) {
      double[] gradInput = new double[batch * spec.inputImageSize()];
      forEachTerm(spec, batch, (in, w, o) -> gradInput[in] += (double) gradOutput[o] * weight[w]);
      return toFloat(gradInput);
    }

    /** {@code {gradWeight, gradBias}}, from zero. */
    static float[][] backwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput) {
      double[] gradWeight = new double[spec.weightSize()];
      forEachTerm(spec, batch, (in, w, o) -> gradWeight[w] += (double) input[in] * gradOutput[o]);
      double[] gradBias = new double[spec.outChannels()];
      for (int i = 0; i < gradOutput.length; i++) {
        gradBias[i % spec.outChannels()] += gradOutput[i];
      }
      return new float[][] {toFloat(gradWeight), toFloat(gradBias)};
    }

    private static float[] toFloat(double[] d) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  static float[] filled(int n, float value) {
    float[] a = new float[n];
    Arrays.fill(a, value);
    return a;
  }

  private static float[] sum(float[] a, float[] b) {
    float[] s = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = a[i] + b[i];
    }
    return s;
  }

  /** Equal within float rounding of sums of a few thousand terms of size about 1. */
  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])))) {
        fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
      }
    }
  }
}
