package org.striate.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

  /**
   * Geometries from {@link ConvGeometry#transposed} (input = a transposed convolution's output, from
   * {@code filters} channels to its {@code C_in}): output padding leaves the last rows or columns of the input
   * reached by no window ({@code padBottom}, {@code padRight} < 0).
   */
  static final List<ConvSpec> TRANSPOSED = List.of(
      new ConvSpec(ConvGeometry.transposed(3, 4, 3, 3, 2, 2, 1, 1, Padding.VALID, 1, 1), 4, 3, 1),
      // output padding 2 >= stride 1 but < dilation 3: two rows past the last window
      new ConvSpec(ConvGeometry.transposed(2, 3, 2, 2, 1, 2, 3, 1, Padding.VALID, 2, 1), 3, 2, 1),
      // 1x1 kernel with stride 3, Keras's same: two of every three rows unreached, and the last two
      new ConvSpec(ConvGeometry.transposed(4, 4, 1, 1, 3, 3, 1, 1, Padding.SAME), 2, 5, 1),
      new ConvSpec(ConvGeometry.transposed(3, 5, 3, 2, 2, 1, 1, 2, Padding.explicit(1, 0, 2, 1), 1, 0), 6, 4, 2),
      new ConvSpec(ConvGeometry.transposed(5, 3, 4, 3, 2, 2, 1, 1, Padding.SAME, 1, 1), 6, 3, 3));

  /** A convolution to test: a {@link Case} or one of {@link #TRANSPOSED}. */
  record Setting(String name, int batch, ConvSpec spec) {
    int cout() {
      return spec.outChannels();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Setting> settings() {
    List<Setting> all = new java.util.ArrayList<>();
    for (Case c : CASES) {
      all.add(new Setting(c.toString(), c.batch(), c.spec()));
    }
    for (ConvSpec spec : TRANSPOSED) {
      all.add(new Setting("transposed " + spec, 2, spec));
    }
    return all;
  }

  @Test
  void theTransposedGeometriesLeaveRowsNoWindowReaches() {
    for (ConvSpec spec : TRANSPOSED.subList(0, 4)) { // the last has no output padding past the crop
      ConvGeometry g = spec.geometry();
      int lastRow = (g.outH() - 1) * g.strideH() - g.padTop() + (g.kernelH() - 1) * g.dilationH();
      int lastCol = (g.outW() - 1) * g.strideW() - g.padLeft() + (g.kernelW() - 1) * g.dilationW();
      assertTrue(lastRow < g.inH() - 1 || lastCol < g.inW() - 1, spec + " reaches every row and column");
    }
  }

  @Test
  void forwardMatchesDirectConvolution() {
    for (Setting c : settings()) {
      ConvSpec spec = c.spec();
      float[] input = random(c.batch * spec.inputImageSize(), 1);
      float[] weight = random(spec.weightSize(), 2);
      float[] bias = random(c.cout(), 3);
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
    for (Setting c : settings()) {
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
    for (Setting c : settings()) {
      ConvSpec spec = c.spec();
      float[] input = random(c.batch * spec.inputImageSize(), 6);
      float[] gradOutput = random(c.batch * spec.outputImageSize(), 7);
      float[] initialWeight = random(spec.weightSize(), 8);
      float[] initialBias = random(c.cout(), 9);
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

  /**
   * A transposed convolution as PyTorch defines it: input pixel {@code x} of channel {@code c} adds
   * {@code in * w} into output pixel {@code x * stride - padBefore + i * dilation} of every filter of its group,
   * for each tap {@code i}; the output size is PyTorch's formula with the two paddings given separately.
   */
  @Test
  void backwardInputOnATransposedGeometryIsTheTransposedConvolution() {
    // in H, W; kernel; stride; dilation; padding top, bottom, left, right; output padding; C_in, filters, groups
    int[][] settings = {
      {3, 4, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 3, 4, 1},
      {2, 3, 2, 2, 1, 2, 3, 1, 0, 0, 0, 0, 2, 1, 2, 3, 1},
      {3, 5, 3, 2, 2, 1, 1, 2, 1, 0, 2, 1, 1, 0, 4, 6, 2},
      {4, 3, 2, 3, 3, 2, 2, 1, 2, 1, 0, 3, 2, 1, 3, 3, 3},
      {1, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1}};
    for (int[] t : settings) {
      int inH = t[0], inW = t[1], kH = t[2], kW = t[3], sH = t[4], sW = t[5], dH = t[6], dW = t[7];
      int top = t[8], left = t[10], cin = t[14], filters = t[15], groups = t[16];
      int outH = (inH - 1) * sH - top - t[9] + dH * (kH - 1) + t[12] + 1;
      int outW = (inW - 1) * sW - left - t[11] + dW * (kW - 1) + t[13] + 1;
      ConvSpec spec = new ConvSpec(ConvGeometry.transposed(inH, inW, kH, kW, sH, sW, dH, dW,
          Padding.explicit(top, t[9], left, t[11]), t[12], t[13]), filters, cin, groups);
      assertEquals(List.of(outH, outW), List.of(spec.geometry().inH(), spec.geometry().inW()), "PyTorch's size");
      int batch = 2;
      float[] input = random(batch * inH * inW * cin, 12);
      float[] weight = random(spec.weightSize(), 13); // (kH, kW, filters / groups, C_in)
      double[] expected = new double[batch * outH * outW * filters];
      int fg = filters / groups;
      for (int n = 0; n < batch; n++) {
        for (int y = 0; y < inH; y++) {
          for (int x = 0; x < inW; x++) {
            for (int c = 0; c < cin; c++) {
              int group = c / (cin / groups);
              for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                  int oy = y * sH - top + i * dH;
                  int ox = x * sW - left + j * dW;
                  if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) {
                    continue;
                  }
                  for (int f = 0; f < fg; f++) {
                    expected[((n * outH + oy) * outW + ox) * filters + group * fg + f] +=
                        (double) input[((n * inH + y) * inW + x) * cin + c] * weight[((i * kW + j) * fg + f) * cin + c];
                  }
                }
              }
            }
          }
        }
      }
      float[] out = filled(expected.length, 123f);
      try (Kernels k = new ScalarKernels(2)) {
        k.conv2dBackwardInput(spec, batch, input, weight, out);
      }
      float[] expectedFloats = new float[expected.length];
      for (int i = 0; i < expected.length; i++) {
        expectedFloats[i] = (float) expected[i];
      }
      assertClose(expectedFloats, out, "transposed convolution " + java.util.Arrays.toString(t));
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
