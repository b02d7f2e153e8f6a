package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.striate.kernel.vector.VectorConvolutionTest.assertClose;
import static org.striate.kernel.vector.VectorConvolutionTest.random;
import static org.striate.kernel.vector.VectorConvolutionTest.scalarWeightGradient;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * The weight gradient of a ReLU convolution taken straight from the max pooling after it ({@link
 * VectorConvolution#backwardWeightThroughMaxPool}) is the one from the output gradient that the pooling's backward
 * writes, bit for bit, on 1 to 3 threads with work split even for tiny sizes; and the scalar default agrees.
 */
class PooledGradientTest {
  private static final ScalarKernels ORACLE = new ScalarKernels(1);

  /** A convolution and the pooling that reads its output. */
  record Case(String name, int batch, ConvSpec conv, ConvGeometry pool) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ConvSpec conv(int inH, int inW, int cin, int cout, int k) {
    return new ConvSpec(ConvGeometry.of(inH, inW, k, k, 1, 1, 1, 1, Padding.VALID), cin, cout, 1);
  }

  private static ConvGeometry pool(ConvSpec conv, int k, int stride, Padding padding) {
    ConvGeometry g = conv.geometry();
    return ConvGeometry.of(g.outH(), g.outW(), k, k, stride, stride, 1, 1, padding);
  }

  static final List<Case> FUSED = List.of(
      // mnist-convnet's first layer, on 9x8: a 7x6 output whose last row no 2x2 window reads
      new Case("1 -> 32, 2x2", 3, conv(9, 8, 1, 32, 3), pool(conv(9, 8, 1, 32, 3), 2, 2, Padding.VALID)),
      new Case("8 -> 64 (wider tiles), 2x2", 2, conv(8, 9, 8, 64, 3), pool(conv(8, 9, 8, 64, 3), 2, 2, Padding.VALID)),
      // 48 columns: a sliver of 32 and one of 16 live columns
      new Case("3 -> 48, 3x3 stride 3", 3, conv(12, 10, 3, 48, 2), pool(conv(12, 10, 3, 48, 2), 3, 3, Padding.VALID)),
      new Case("2 -> 16 (narrow), 2x2 stride 3", 2, conv(9, 9, 2, 16, 3), pool(conv(9, 9, 2, 16, 3), 2, 3, Padding.VALID)),
      new Case("5 -> 32, 2x2 same", 2, conv(8, 8, 5, 32, 2), pool(conv(8, 8, 5, 32, 2), 2, 2, Padding.SAME)),
      // 24x24 pixels: two blocks of the weight gradient's pixels, the second part of a row pair
      new Case("1 -> 32, 26x26", 1, conv(26, 26, 1, 32, 3), pool(conv(26, 26, 1, 32, 3), 2, 2, Padding.VALID)));

  static final List<Case> NOT_FUSED = List.of(
      new Case("overlapping windows", 2, conv(9, 9, 3, 32, 3), pool(conv(9, 9, 3, 32, 3), 3, 2, Padding.VALID)),
      new Case("channels not whole vectors", 2, conv(7, 7, 3, 20, 3), pool(conv(7, 7, 3, 20, 3), 2, 2, Padding.VALID)),
      new Case("one input channel, 6 filters", 2, conv(9, 9, 1, 6, 3), pool(conv(9, 9, 1, 6, 3), 2, 2, Padding.VALID)),
      new Case("grouped", 2, new ConvSpec(ConvGeometry.of(6, 6, 3, 3, 1, 1, 1, 1, Padding.VALID), 4, 32, 2),
          ConvGeometry.of(4, 4, 2, 2, 2, 2, 1, 1, Padding.VALID)),
      new Case("pooling a different size", 2, conv(9, 9, 3, 32, 3),
          ConvGeometry.of(6, 7, 2, 2, 2, 2, 1, 1, Padding.VALID)));

  @Test
  void theFusedWeightGradientIsTheOneThroughThePoolingsGradientBitForBit() {
    for (Case c : FUSED) {
      assertEquals(true, PooledGradient.handles(c.conv, c.pool), c + " is fused");
      ConvSpec spec = c.conv;
      int channels = spec.outChannels();
      float[] input = random(c.batch * spec.inputImageSize(), 1);
      float[] weight = random(spec.weightSize(), 2);
      float[] bias = random(channels, 3);
      float[] output = new float[c.batch * spec.outputImageSize()];
      ORACLE.conv2dForward(spec, c.batch, input, weight, bias, Pointwise.RELU, 0f, output);
      float[] pooled = new float[c.batch * c.pool.outH() * c.pool.outW() * channels];
      int[] argmax = new int[pooled.length];
      ORACLE.maxPool2dForward(c.pool, c.batch, channels, output, pooled, argmax);
      float[] gradPooled = random(pooled.length, 4);
      gradPooled[0] = -0f; // a winner's -0 arrives as +0, as pooling's backward sums it
      float[] initialWeight = random(spec.weightSize(), 5);
      float[] initialBias = random(channels, 6);
      float[] gradOutput = new float[output.length];
      ORACLE.maxPool2dBackward(c.pool, c.batch, channels, gradPooled, argmax, pooled, gradOutput);
      float[][] scalar = scalarWeightGradient(spec, c.batch, input, gradOutput, initialWeight, initialBias);
      for (int threads = 1; threads <= 3; threads++) {
        String where = c + ", threads=" + threads;
        try (Parallel parallel = new Parallel(threads)) {
          VectorConvolution conv = new VectorConvolution(parallel, 0);
          VectorPooling pooling = new VectorPooling(parallel, 0);
          float[] routed = new float[output.length];
          pooling.maxBackward(c.pool, c.batch, channels, gradPooled, argmax, pooled, routed);
          float[] twoStepWeight = initialWeight.clone();
          float[] twoStepBias = initialBias.clone();
          conv.backwardWeight(spec, c.batch, input, routed, Pointwise.IDENTITY, 0f, null, twoStepWeight, twoStepBias);
          float[] gw = initialWeight.clone();
          float[] gb = initialBias.clone();
          conv.backwardWeightThroughMaxPool(spec, c.batch, input, c.pool, gradPooled, argmax, pooled, gw, gb);
          assertArrayEquals(twoStepWeight, gw, where + " weight gradient against the two steps");
          assertArrayEquals(twoStepBias, gb, where + " bias gradient against the two steps");
          assertClose(scalar[0], gw, scalar[2], where + " weight gradient against scalar");
          assertClose(scalar[1], gb, scalar[3], where + " bias gradient against scalar");
          float[] noBias = initialWeight.clone();
          conv.backwardWeightThroughMaxPool(spec, c.batch, input, c.pool, gradPooled, argmax, null, noBias, null);
          float[] unrectified = new float[output.length];
          pooling.maxBackward(c.pool, c.batch, channels, gradPooled, argmax, null, unrectified);
          float[] expectedNoBias = initialWeight.clone();
          conv.backwardWeight(spec, c.batch, input, unrectified, Pointwise.IDENTITY, 0f, null, expectedNoBias, null);
          assertArrayEquals(expectedNoBias, noBias, where + " without the ReLU and the bias");
        }
      }
    }
  }

  @Test
  void otherShapesAreNotFusedAndTheKernelsStillGiveTheGradient() {
    for (Case c : NOT_FUSED) {
      assertEquals(false, PooledGradient.handles(c.conv, c.pool), c + " is not fused");
    }
    for (Case c : NOT_FUSED.subList(0, 4)) {
      ConvSpec spec = c.conv;
      int channels = spec.outChannels();
      float[] input = random(c.batch * spec.inputImageSize(), 7);
      float[] output = random(c.batch * spec.outputImageSize(), 8);
      float[] pooled = new float[c.batch * c.pool.outH() * c.pool.outW() * channels];
      int[] argmax = new int[pooled.length];
      ORACLE.maxPool2dForward(c.pool, c.batch, channels, output, pooled, argmax);
      float[] gradPooled = random(pooled.length, 9);
      try (VectorKernels vector = new VectorKernels(2)) {
        assertEquals(false, vector.fusesMaxPoolIntoWeightGradient(spec, c.pool), c.name());
        float[] gradOutput = new float[output.length];
        vector.maxPool2dBackward(c.pool, c.batch, channels, gradPooled, argmax, pooled, gradOutput);
        float[] expectedWeight = new float[spec.weightSize()];
        float[] expectedBias = new float[channels];
        vector.conv2dBackwardWeight(spec, c.batch, input, gradOutput, expectedWeight, expectedBias);
        float[] gw = new float[spec.weightSize()];
        float[] gb = new float[channels];
        vector.conv2dBackwardWeightThroughMaxPool(spec, c.batch, input, c.pool, gradPooled, argmax, pooled, gw, gb);
        assertArrayEquals(expectedWeight, gw, c + " weight gradient");
        assertArrayEquals(expectedBias, gb, c + " bias gradient");
      }
    }
  }
}
