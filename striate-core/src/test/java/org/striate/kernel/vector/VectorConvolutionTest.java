package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * The vector convolutions against {@link ScalarKernels} on awkward sizes: batch 1 and 3; 1, 7, 8, 9, 17, 32,
 * 33, 64 and 128 channels (either side of the vector length and the tile widths); 1x1, 3x1, 3x3 and 5x5
 * kernels; strides, dilation, asymmetric padding, groups, depthwise (with and without a multiplier) and
 * transposed geometries; each on 1, 2 and 3 threads with work split even for tiny sizes. Results must be
 * bit-identical on repeats, and the forward pass and input gradient also across thread counts (every element is
 * computed by one thread in a fixed order). Surefire runs this with the Vector API's bounds checks on.
 */
class VectorConvolutionTest {
  private static final ScalarKernels ORACLE = new ScalarKernels(1);

  /** A setting: batch, input size and channels, filters, groups, kernel, stride, dilation, padding. */
  record Case(int batch, int inH, int inW, int cin, int cout, int groups, int kH, int kW, int sH, int sW, int dH,
      int dW, Padding padding) {
    ConvSpec spec() {
      return new ConvSpec(ConvGeometry.of(inH, inW, kH, kW, sH, sW, dH, dW, padding), cin, cout, groups);
    }
  }

  static final List<Case> CASES = List.of(
      new Case(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID),
      new Case(3, 5, 7, 7, 9, 1, 1, 1, 1, 1, 1, 1, Padding.VALID), // 1x1, narrow tiles
      new Case(3, 6, 5, 17, 33, 1, 1, 1, 1, 1, 1, 1, Padding.VALID), // 1x1, wide tiles and a 1-column sliver
      new Case(2, 7, 5, 8, 17, 1, 1, 1, 2, 2, 1, 1, Padding.VALID), // 1x1 with stride
      new Case(3, 9, 8, 1, 32, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // a first layer (mnist-convnet)
      new Case(2, 12, 11, 1, 6, 1, 5, 5, 1, 1, 1, 1, Padding.explicit(2, 2)), // lenet5's first layer
      new Case(3, 9, 9, 6, 16, 1, 5, 5, 1, 1, 1, 1, Padding.VALID), // lenet5's second layer
      new Case(1, 13, 13, 32, 64, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // mnist-convnet's second layer
      new Case(3, 7, 11, 9, 7, 1, 3, 1, 2, 1, 1, 1, Padding.explicit(1, 0, 0, 2)), // 3x1, stride (2, 1)
      new Case(2, 11, 9, 33, 8, 1, 3, 3, 2, 2, 1, 1, Padding.SAME), // stride 2, 33 channels
      new Case(3, 13, 12, 7, 9, 1, 3, 3, 1, 2, 2, 3, Padding.explicit(1, 2, 3, 0)), // dilation, asymmetric
      new Case(2, 8, 7, 16, 34, 2, 3, 3, 1, 1, 1, 1, Padding.SAME), // 2 groups of 8 -> 17
      new Case(3, 6, 6, 17, 17, 17, 3, 3, 1, 1, 1, 1, Padding.SAME), // depthwise, 17 channels
      new Case(1, 5, 5, 32, 32, 32, 5, 5, 2, 2, 1, 1, Padding.explicit(2, 2)), // depthwise, stride 2
      new Case(2, 6, 6, 8, 16, 8, 3, 3, 1, 1, 1, 1, Padding.VALID), // depthwise with multiplier 2
      new Case(2, 1, 1, 3, 2, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // 1x1 input, 3x3 kernel
      new Case(1, 20, 19, 64, 5, 1, 5, 5, 1, 1, 1, 1, Padding.VALID), // K = 1600
      new Case(2, 16, 17, 9, 40, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // 272 pixels: two weight-gradient blocks
      // whole multiples of 64 columns: the wider tile on AVX-512
      new Case(2, 16, 11, 10, 128, 2, 3, 3, 1, 1, 1, 1, Padding.SAME), // 2 groups of 5 -> 64, 176 pixels
      new Case(1, 7, 5, 3, 128, 1, 3, 3, 2, 1, 1, 1, Padding.VALID), // two slivers of 64
      new Case(2, 3, 13, 4, 64, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // 11 pixels: a tile of 5 reads rows 10 to 14
      new Case(3, 9, 8, 16, 20, 1, 2, 2, 2, 2, 1, 1, Padding.SAME), // K = 64: the input gradient's product
      // weight-gradient tiles of 5 taps: whole runs of a kernel row (WiderMicroKernel.widerRows) and the others
      new Case(2, 5, 4, 1, 64, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // the last tile: taps 6, 8, 9, 10, then padding
      // forward tiles that run on into the next image: unframed, pixels not a multiple of the tile rows
      new Case(3, 5, 6, 8, 64, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // 12 pixels in tiles of 5 (wider)
      new Case(3, 5, 5, 8, 40, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // 9 pixels in tiles of 6, two slivers
      new Case(3, 5, 4, 32, 64, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // 6 pixels: most tiles cross
      // input gradient slivers of two taps of 32 channels, neighbours in a kernel row (TileMerge.scatterPairs)
      new Case(2, 4, 5, 32, 8, 1, 2, 3, 1, 1, 1, 1, Padding.explicit(1, 0, 2, 1)), // framed, a 2x3 kernel
      // one input channel and fewer filters than lanes, as in first layers
      new Case(3, 7, 5, 1, 1, 1, 3, 3, 1, 1, 1, 1, Padding.VALID), // 3 output pixels a row
      new Case(2, 9, 18, 1, 8, 1, 3, 2, 2, 1, 1, 2, Padding.explicit(1, 0, 2, 1)), // 17 a row, stride (2, 1)
      new Case(2, 6, 16, 1, 9, 1, 1, 1, 1, 1, 1, 1, Padding.VALID), // 16 a row, two filter blocks, 1x1
      new Case(1, 11, 20, 1, 15, 1, 5, 5, 3, 1, 2, 1, Padding.SAME), // 15 filters, dilation, 20 a row
      new Case(2, 4, 1, 1, 3, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // one pixel a row
      // one input channel at stride 1 and 1, 2, 3, 4, 6, 8 or 12 filters: lanes of (pixel, filter) pairs
      new Case(3, 11, 13, 1, 2, 1, 3, 3, 1, 1, 1, 1, Padding.explicit(0, 2, 1, 0)), // asymmetric padding
      new Case(1, 17, 7, 1, 4, 1, 1, 1, 1, 1, 1, 1, Padding.VALID), // 1x1
      new Case(2, 9, 10, 1, 12, 1, 3, 2, 1, 1, 2, 3, Padding.SAME), // dilation
      new Case(1, 23, 19, 1, 6, 1, 5, 3, 1, 1, 1, 1, Padding.VALID), // rows of prime width
      // 64 and more input channels at stride 1: the input gradient as a forward convolution (adjoint)
      new Case(2, 7, 6, 65, 18, 1, 3, 3, 1, 1, 2, 1, Padding.explicit(1, 2, 0, 1)), // dilation, asymmetric
      new Case(1, 5, 5, 64, 3, 1, 3, 3, 1, 1, 1, 1, Padding.explicit(3, 0, 0, 3))); // padding past the kernel

  /** Transposed-convolution geometries: output padding leaves input rows that no window reaches. */
  static final List<ConvSpec> TRANSPOSED = List.of(
      new ConvSpec(ConvGeometry.transposed(3, 4, 3, 3, 2, 2, 1, 1, Padding.VALID, 1, 1), 4, 3, 1),
      new ConvSpec(ConvGeometry.transposed(2, 3, 2, 2, 1, 2, 3, 1, Padding.VALID, 2, 1), 3, 2, 1),
      new ConvSpec(ConvGeometry.transposed(4, 4, 1, 1, 3, 3, 1, 1, Padding.SAME), 2, 5, 1),
      new ConvSpec(ConvGeometry.transposed(3, 5, 3, 2, 2, 1, 1, 2, Padding.explicit(1, 0, 2, 1), 1, 0), 6, 4, 2),
      new ConvSpec(ConvGeometry.transposed(5, 3, 4, 3, 2, 2, 1, 1, Padding.SAME, 1, 1), 6, 3, 3),
      new ConvSpec(ConvGeometry.transposed(4, 4, 3, 3, 2, 2, 1, 1, Padding.SAME, 1, 1), 17, 33, 1),
      new ConvSpec(ConvGeometry.transposed(4, 5, 3, 2, 2, 1, 1, 1, Padding.VALID, 1, 0), 1, 5, 1),
      // stride 1 with 64 channels and output padding: the input gradient through the adjoint forward convolution
      new ConvSpec(ConvGeometry.transposed(3, 4, 3, 2, 1, 1, 1, 2, Padding.VALID, 0, 1), 64, 5, 1));

  record Setting(String name, int batch, ConvSpec spec) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Setting> settings() {
    List<Setting> all = new ArrayList<>();
    for (Case c : CASES) {
      all.add(new Setting(c.toString(), c.batch(), c.spec()));
    }
    for (ConvSpec spec : TRANSPOSED) {
      all.add(new Setting("transposed " + spec, 2, spec));
    }
    return all;
  }

  @Test
  void forwardMatchesScalar() {
    for (Setting c : settings()) {
      ConvSpec spec = c.spec;
      float[] input = random(c.batch * spec.inputImageSize(), 1);
      float[] weight = random(spec.weightSize(), 2);
      float[] bias = random(spec.outChannels(), 3);
      float[] bound = magnitude(spec, c.batch, input, weight, bias);
      for (float[] b : new float[][] {bias, null}) {
        float[] expected = new float[c.batch * spec.outputImageSize()];
        ORACLE.conv2dForward(spec, c.batch, input, weight, b, expected);
        float[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
          String where = c + (b == null ? " without bias" : "") + ", threads=" + threads;
          try (Parallel parallel = new Parallel(threads)) {
            VectorConvolution conv = new VectorConvolution(parallel, 0);
            float[] out = filled(expected.length, 123f);
            conv.forward(spec, c.batch, input, weight, b, Pointwise.IDENTITY, 0f, out);
            assertClose(expected, out, bound, where + " forward");
            float[] again = filled(expected.length, -5f);
            conv.forward(spec, c.batch, input, weight, b, Pointwise.IDENTITY, 0f, again);
            assertArrayEquals(out, again, where + " forward repeated");
            first = first == null ? out : first;
            assertArrayEquals(first, out, where + " forward against 1 thread");
          }
        }
      }
    }
  }

  @Test
  void fusedActivationsMatchScalarThenPointwise() {
    for (Setting c : settings()) {
      ConvSpec spec = c.spec;
      float[] input = random(c.batch * spec.inputImageSize(), 4);
      float[] weight = random(spec.weightSize(), 5);
      float[] bias = random(spec.outChannels(), 6);
      float[] bound = magnitude(spec, c.batch, input, weight, bias);
      for (Pointwise f : Pointwise.values()) {
        float[] expected = new float[c.batch * spec.outputImageSize()];
        ORACLE.conv2dForward(spec, c.batch, input, weight, bias, f, 0.2f, expected);
        try (Kernels v = new VectorKernels(2)) {
          float[] out = filled(expected.length, 7f);
          v.conv2dForward(spec, c.batch, input, weight, bias, f, 0.2f, out);
          // Every activation here is 1-Lipschitz or less, so the bound on the pre-activation still holds.
          assertClose(expected, out, bound, c + " forward with " + f);
        }
      }
    }
  }

  @Test
  void backwardInputMatchesScalar() {
    for (Setting c : settings()) {
      ConvSpec spec = c.spec;
      float[] gradOutput = random(c.batch * spec.outputImageSize(), 7);
      float[] weight = random(spec.weightSize(), 8);
      float[] expected = new float[c.batch * spec.inputImageSize()];
      ORACLE.conv2dBackwardInput(spec, c.batch, gradOutput, weight, expected);
      float[] absGrad = abs(gradOutput);
      float[] bound = new float[expected.length];
      ORACLE.conv2dBackwardInput(spec, c.batch, absGrad, abs(weight), bound);
      float[] first = null;
      for (int threads = 1; threads <= 3; threads++) {
        String where = c + ", threads=" + threads;
        try (Parallel parallel = new Parallel(threads)) {
          VectorConvolution conv = new VectorConvolution(parallel, 0);
          float[] gradInput = filled(expected.length, 123f);
          conv.backwardInput(spec, c.batch, gradOutput, weight, gradInput);
          assertClose(expected, gradInput, bound, where + " backward input");
          float[] again = filled(expected.length, -9f);
          conv.backwardInput(spec, c.batch, gradOutput, weight, again);
          assertArrayEquals(gradInput, again, where + " backward input repeated");
          first = first == null ? gradInput : first;
          assertArrayEquals(first, gradInput, where + " backward input against 1 thread");
        }
      }
    }
  }

  @Test
  void backwardWeightAccumulatesLikeScalar() {
    for (Setting c : settings()) {
      ConvSpec spec = c.spec;
      float[] input = random(c.batch * spec.inputImageSize(), 9);
      float[] gradOutput = random(c.batch * spec.outputImageSize(), 10);
      float[] initialWeight = random(spec.weightSize(), 11);
      float[] initialBias = random(spec.outChannels(), 12);
      float[][] scalar = scalarWeightGradient(spec, c.batch, input, gradOutput, initialWeight, initialBias);
      float[] expectedWeight = scalar[0];
      float[] expectedBias = scalar[1];
      float[] boundWeight = scalar[2];
      float[] boundBias = scalar[3];
      for (int threads = 1; threads <= 3; threads++) {
        String where = c + ", threads=" + threads;
        try (Parallel parallel = new Parallel(threads)) {
          VectorConvolution conv = new VectorConvolution(parallel, 0);
          float[][] runs = new float[4][];
          for (int repeat = 0; repeat < 2; repeat++) {
            float[] gw = initialWeight.clone();
            float[] gb = initialBias.clone();
            conv.backwardWeight(spec, c.batch, input, gradOutput, Pointwise.IDENTITY, 0f, null, gw, gb);
            assertClose(expectedWeight, gw, boundWeight, where + " weight gradient");
            assertClose(expectedBias, gb, boundBias, where + " bias gradient");
            runs[2 * repeat] = gw;
            runs[2 * repeat + 1] = gb;
          }
          assertArrayEquals(runs[0], runs[2], where + " weight gradient repeated");
          assertArrayEquals(runs[1], runs[3], where + " bias gradient repeated");
          float[] noBias = initialWeight.clone();
          conv.backwardWeight(spec, c.batch, input, gradOutput, Pointwise.IDENTITY, 0f, null, noBias, null);
          assertArrayEquals(runs[0], noBias, where + " weight gradient without bias");
          // Each thread sums its own images: the order of the sums, and so the rounding, follows the thread count.
        }
      }
    }
  }

  @Test
  void backwardWeightGivesTheSameBitsAfterAnotherShapeUsedItsBuffers() {
    // The per-chunk sums live in buffers the calling thread keeps: a larger shape and more chunks leave them
    // longer and dirty, which must not show in a smaller shape's result.
    ConvSpec large = CASES.get(7).spec(); // mnist-convnet's second layer
    ConvSpec small = CASES.get(6).spec(); // lenet5's second layer
    float[] input = random(3 * small.inputImageSize(), 21);
    float[] gradOutput = random(3 * small.outputImageSize(), 22);
    try (Parallel parallel = new Parallel(2)) {
      float[] expected = new float[small.weightSize()];
      float[] expectedBias = new float[small.outChannels()];
      new VectorConvolution(parallel, 0).backwardWeight(
          small, 3, input, gradOutput, Pointwise.IDENTITY, 0f, null, expected, expectedBias);
      VectorConvolution conv = new VectorConvolution(parallel, 0);
      conv.backwardWeight(large, 2, random(2 * large.inputImageSize(), 23), random(2 * large.outputImageSize(), 24),
          Pointwise.IDENTITY, 0f, null, new float[large.weightSize()], new float[large.outChannels()]);
      float[] gw = new float[small.weightSize()];
      float[] gb = new float[small.outChannels()];
      conv.backwardWeight(small, 3, input, gradOutput, Pointwise.IDENTITY, 0f, null, gw, gb);
      assertArrayEquals(expected, gw);
      assertArrayEquals(expectedBias, gb);
    }
  }

  /**
   * The weight gradient that takes the output gradient back through the activation as it reads it gives the very
   * bits of {@code pointwiseBackward} followed by the plain weight gradient, in the vector kernels on 1 to 3
   * threads and in the scalar ones, for every activation (with an output that has exact zeros for ReLU).
   */
  @Test
  void fusedActivationGradientEqualsPointwiseThenBackwardWeight() {
    for (Setting c : settings()) {
      ConvSpec spec = c.spec;
      float[] input = random(c.batch * spec.inputImageSize(), 13);
      float[] weight = random(spec.weightSize(), 14);
      float[] gradOutput = random(c.batch * spec.outputImageSize(), 15);
      for (Pointwise f : Pointwise.values()) {
        float[] output = new float[gradOutput.length];
        ORACLE.conv2dForward(spec, c.batch, input, weight, null, f, 0.2f, output);
        for (int threads = 1; threads <= 3; threads++) {
          String where = c + " with " + f + ", threads=" + threads;
          try (Kernels vector = new VectorKernels(threads); Kernels scalar = new ScalarKernels(threads)) {
            for (Kernels k : List.of(vector, scalar)) {
              float[] gradPre = new float[gradOutput.length];
              k.pointwiseBackward(f, 0.2f, output, output, gradOutput, gradPre, gradPre.length);
              float[] expectedWeight = filled(spec.weightSize(), 0.5f);
              float[] expectedBias = filled(spec.outChannels(), -0.25f);
              k.conv2dBackwardWeight(spec, c.batch, input, gradPre, expectedWeight, expectedBias);
              float[] gw = filled(spec.weightSize(), 0.5f);
              float[] gb = filled(spec.outChannels(), -0.25f);
              k.conv2dBackwardWeight(spec, c.batch, input, gradOutput, f, 0.2f, output, gw, gb);
              assertArrayEquals(expectedWeight, gw, where + " " + k.name() + " weight gradient");
              assertArrayEquals(expectedBias, gb, where + " " + k.name() + " bias gradient");
            }
          }
        }
      }
    }
  }

  @Test
  void theCasesCoverTheKernelChoices() {
    // Narrow and wide tiles on both sides of the product, framed and unframed sources, several groups.
    List<String> seen = new ArrayList<>();
    for (Setting c : settings()) {
      ConvPlan plan = new ConvPlan(c.spec);
      seen.add(width(ConvMicroKernel.columns(plan.coutg)) + "-out");
      int kCols = VectorConvolution.inputGradientColumns(plan);
      seen.add(width(kCols) + "-k");
      if (AdjointGradient.forwardSpec(c.spec) == null && !DepthwiseConvolution.handles(c.spec)
          && VectorConvolution.lastSliverColumns(plan, kCols) != kCols) {
        seen.add("wider-k with a wide last sliver");
      }
      seen.add(plan.framed ? "framed" : "unframed");
      seen.add(plan.groups > 1 ? (plan.cg == 1 ? "depthwise" : "grouped") : "dense");
      seen.add(AdjointGradient.forwardSpec(c.spec) != null ? "adjoint" : "col2im");
      if (c.name.startsWith("transposed") && AdjointGradient.forwardSpec(c.spec) != null) {
        seen.add("transposed adjoint");
      }
      if (ConvMicroKernel.columns(plan.coutg) == ConvMicroKernel.WIDER_COLS && !DepthwiseConvolution.handles(c.spec)) {
        for (int k0 = 0; k0 < plan.k; k0 += ConvMicroKernel.WIDER_ROWS) {
          seen.add(plan.tapsRun(k0, ConvMicroKernel.WIDER_ROWS) ? "wider weight tile of one run" : "wider weight tile");
        }
      }
      if (ShallowConvolution.handles(c.spec)) {
        seen.add("shallow " + plan.cout);
      }
      if (plan.k > ConvMicroKernel.L && plan.sliverSpan(ConvMicroKernel.WIDE_COLS) < ConvMicroKernel.WIDE_COLS) {
        seen.add("kernel-row slivers");
      }
    }
    // The wider tile exists only where the vectors are 512 bits (ConvMicroKernel.HAS_WIDER).
    List<String> wider = ConvMicroKernel.HAS_WIDER
        ? List.of("wider-out", "wider-k", "wider-k with a wide last sliver", "wider weight tile of one run",
            "wider weight tile") : List.of();
    for (String s : wider) {
      assertTrue(seen.contains(s), "no case with " + s);
    }
    for (String s : List.of("wide-out", "narrow-out", "wide-k", "narrow-k", "framed", "unframed", "depthwise",
        "grouped", "dense", "adjoint", "col2im", "kernel-row slivers",
        "transposed adjoint", "shallow 1", "shallow 2", "shallow 3", "shallow 4", "shallow 6", "shallow 12")) {
      assertTrue(seen.contains(s), "no case with " + s);
    }
    assertEquals(CASES.size() + TRANSPOSED.size(), settings().size());
  }

  private static String width(int cols) {
    return cols == ConvMicroKernel.NARROW_COLS ? "narrow" : cols == ConvMicroKernel.WIDE_COLS ? "wide" : "wider";
  }

  /** The sum of |terms| of each forward output: a bound that scales the rounding error of any order of sums. */
  private static float[] magnitude(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias) {
    float[] out = new float[batch * spec.outputImageSize()];
    ORACLE.conv2dForward(spec, batch, abs(input), abs(weight), abs(bias), out);
    return out;
  }

  /**
   * The scalar kernels' weight and bias gradients added to copies of {@code initialWeight} and {@code initialBias},
   * and the bounds {@link #assertClose} scales their rounding by: {weight, bias, weight bound, bias bound}.
   */
  static float[][] scalarWeightGradient(ConvSpec spec, int batch, float[] input, float[] gradOutput,
      float[] initialWeight, float[] initialBias) {
    float[] weight = initialWeight.clone();
    float[] bias = initialBias.clone();
    ORACLE.conv2dBackwardWeight(spec, batch, input, gradOutput, weight, bias);
    float[] boundWeight = abs(initialWeight);
    float[] boundBias = abs(initialBias);
    ORACLE.conv2dBackwardWeight(spec, batch, abs(input), abs(gradOutput), boundWeight, boundBias);
    return new float[][] {weight, bias, boundWeight, boundBias};
  }

  /** {@code |actual - expected| <= 1e-6 + 1e-5 * bound} element by element (float rounding of ~1000 terms). */
  static void assertClose(float[] expected, float[] actual, float[] bound, String where) {
    assertEquals(expected.length, actual.length, where + ": length");
    for (int i = 0; i < expected.length; i++) {
      float tolerance = 1e-6f + 1e-5f * bound[i];
      if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
        throw new AssertionError(where + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
            + " (tolerance " + tolerance + ")");
      }
    }
  }

  static float[] abs(float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.abs(x[i]);
    }
    return y;
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return x;
  }

  static float[] filled(int n, float value) {
    float[] x = new float[n];
    Arrays.fill(x, value);
    return x;
  }
}
