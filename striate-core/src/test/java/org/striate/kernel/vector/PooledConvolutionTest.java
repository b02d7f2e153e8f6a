package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.striate.kernel.vector.VectorConvolutionTest.random;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * A convolution pooled as it is computed ({@link VectorConvolution#forwardThroughMaxPool}) gives the pooled values
 * and winners of the vector convolution followed by the vector max pooling, bit for bit, on 1 to 3 threads with
 * work split even for tiny sizes, with and without bias and winners, for the activations the tiles finish.
 */
class PooledConvolutionTest {

  /** A convolution and the pooling that reads its output. */
  record Case(String name, int batch, ConvSpec conv, ConvGeometry pool) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ConvSpec conv(int inH, int inW, int cin, int cout, int k, int stride, Padding padding) {
    return new ConvSpec(ConvGeometry.of(inH, inW, k, k, stride, stride, 1, 1, padding), cin, cout, 1);
  }

  private static ConvGeometry pool(ConvSpec conv, int kH, int kW, int sH, int sW, Padding padding) {
    ConvGeometry g = conv.geometry();
    return ConvGeometry.of(g.outH(), g.outW(), kH, kW, sH, sW, 1, 1, padding);
  }

  private static Case pooled(String name, int batch, ConvSpec conv, int kH, int kW) {
    return new Case(name, batch, conv, pool(conv, kH, kW, kH, kW, Padding.VALID));
  }

  static final List<Case> FUSED = List.of(
      // mnist-convnet's first layer on 9x8: a 7x6 output whose last row no window reads
      pooled("1 -> 32, 2x2", 3, conv(9, 8, 1, 32, 3, 1, Padding.VALID), 2, 2),
      // 6x20 = 120 output pixels, a whole number of the offset table's padding; bands of 40 in tiles of 6
      pooled("a tile past the offsets", 2, conv(8, 22, 2, 96, 3, 1, Padding.VALID), 2, 2),
      pooled("bands of 3 and 1 pooled rows", 2, conv(28, 28, 1, 32, 3, 1, Padding.VALID), 2, 2),
      pooled("8 -> 64 (wider tiles)", 2, conv(8, 9, 8, 64, 3, 1, Padding.VALID), 2, 2),
      // 48 columns: a sliver of 32 and one of 16 live columns; windows 2 high and 3 wide
      pooled("3 -> 48, 2x3 windows", 3, conv(12, 11, 3, 48, 2, 1, Padding.VALID), 2, 3),
      pooled("2 -> 16 (narrow, framed)", 2, conv(9, 9, 2, 16, 3, 1, Padding.SAME), 2, 2),
      pooled("lenet5's second pair", 2, conv(14, 14, 6, 16, 5, 1, Padding.VALID), 2, 2),
      pooled("3 -> 32 at stride 2", 3, conv(11, 11, 3, 32, 3, 2, Padding.VALID), 2, 2),
      new Case("2x2 windows, same padding that adds none", 2, conv(6, 6, 3, 32, 3, 1, Padding.SAME),
          pool(conv(6, 6, 3, 32, 3, 1, Padding.SAME), 2, 2, 2, 2, Padding.SAME)));

  static final List<Case> NOT_FUSED = List.of(
      new Case("overlapping windows", 2, conv(9, 9, 3, 32, 3, 1, Padding.VALID),
          pool(conv(9, 9, 3, 32, 3, 1, Padding.VALID), 3, 3, 2, 2, Padding.VALID)),
      new Case("windows in padding", 2, conv(9, 9, 3, 32, 3, 1, Padding.VALID),
          pool(conv(9, 9, 3, 32, 3, 1, Padding.VALID), 2, 2, 2, 2, Padding.SAME)),
      new Case("gaps between windows", 2, conv(9, 9, 3, 32, 3, 1, Padding.VALID),
          pool(conv(9, 9, 3, 32, 3, 1, Padding.VALID), 2, 2, 3, 3, Padding.VALID)),
      pooled("channels not whole vectors", 2, conv(7, 7, 3, 20, 3, 1, Padding.VALID), 2, 2),
      pooled("one input channel, 6 filters", 2, conv(9, 9, 1, 6, 3, 1, Padding.VALID), 2, 2),
      new Case("grouped", 2, new ConvSpec(ConvGeometry.of(6, 6, 3, 3, 1, 1, 1, 1, Padding.VALID), 4, 32, 2),
          ConvGeometry.of(4, 4, 2, 2, 2, 2, 1, 1, Padding.VALID)),
      new Case("pooling a different size", 2, conv(9, 9, 3, 32, 3, 1, Padding.VALID),
          ConvGeometry.of(6, 7, 2, 2, 2, 2, 1, 1, Padding.VALID)));

  @Test
  void poolingAsItComputesGivesTheValuesAndWinnersOfTheTwoStepsBitForBit() {
    for (Case c : FUSED) {
      assertEquals(true, PooledConvolution.handles(c.conv, c.pool), c + " is fused");
      ConvSpec spec = c.conv;
      int channels = spec.outChannels();
      float[] input = random(c.batch * spec.inputImageSize(), 1);
      input[input.length / 2] = Float.NaN; // a NaN output wins its window
      float[] weight = random(spec.weightSize(), 2);
      float[] bias = random(channels, 3);
      int pooledSize = c.batch * c.pool.outH() * c.pool.outW() * channels;
      for (int threads = 1; threads <= 3; threads++) {
        try (Parallel parallel = new Parallel(threads)) {
          VectorConvolution conv = new VectorConvolution(parallel, 0);
          VectorPooling pooling = new VectorPooling(parallel, 0);
          for (Pointwise f : List.of(Pointwise.IDENTITY, Pointwise.RELU, Pointwise.LEAKY_RELU)) {
            for (float[] b : new float[][] {bias, null}) {
              String where = c + " with " + f + (b == null ? " without bias" : "") + ", threads=" + threads;
              float[] output = new float[c.batch * spec.outputImageSize()];
              conv.forward(spec, c.batch, input, weight, b, f, 0.2f, output);
              float[] expected = new float[pooledSize];
              int[] expectedWinners = new int[pooledSize];
              pooling.maxForward(c.pool, c.batch, channels, output, expected, expectedWinners);
              float[] pooled = new float[pooledSize];
              int[] winners = new int[pooledSize];
              conv.forwardThroughMaxPool(spec, c.batch, input, weight, b, f, 0.2f, c.pool, pooled, winners);
              assertArrayEquals(expected, pooled, where + ": values");
              assertArrayEquals(expectedWinners, winners, where + ": winners");
              float[] alone = new float[pooledSize];
              conv.forwardThroughMaxPool(spec, c.batch, input, weight, b, f, 0.2f, c.pool, alone, null);
              assertArrayEquals(expected, alone, where + ": values without winners");
            }
          }
        }
      }
    }
  }

  /** The cases include bands of several pooled rows, a last band shorter than the others, and a tile past the end. */
  @Test
  void theCasesCoverTheBandsAndTheirTiles() {
    boolean several = false;
    boolean shorter = false;
    boolean past = false;
    for (Case c : FUSED) {
      ConvPlan plan = new ConvPlan(c.conv);
      int rowsPer = ConvMicroKernel.rows(ConvMicroKernel.columns(plan.cout));
      int strip = c.pool.kernelH() * plan.geo.outW();
      int bandRows = PooledConvolution.bandRows(c.pool.outH(), strip, plan.cout, rowsPer);
      several |= bandRows > 1;
      shorter |= c.pool.outH() % bandRows != 0;
      for (int ph0 = 0; ph0 < c.pool.outH(); ph0 += bandRows) {
        int q1 = Math.min(c.pool.outH(), ph0 + bandRows) * strip;
        for (int q = ph0 * strip; q < q1; q += rowsPer) {
          past |= q + rowsPer > plan.windows.length;
        }
      }
    }
    assertEquals(true, several, "bands of several pooled rows");
    assertEquals(true, shorter, "a last band shorter than the others");
    assertEquals(true, past, "a tile whose rows run past the plan's offsets");
  }

  @Test
  void otherShapesAndActivationsAreNotFusedAndTheKernelsStillPool() {
    for (Case c : NOT_FUSED) {
      assertEquals(false, PooledConvolution.handles(c.conv, c.pool), c + " is not fused");
    }
    List<Case> cases = new java.util.ArrayList<>(NOT_FUSED.subList(0, NOT_FUSED.size() - 1));
    cases.add(FUSED.get(0)); // with tanh, which the tiles do not finish
    ScalarKernels scalar = new ScalarKernels(1);
    for (Case c : cases) {
      ConvSpec spec = c.conv;
      int channels = spec.outChannels();
      float[] input = random(c.batch * spec.inputImageSize(), 4);
      float[] weight = random(spec.weightSize(), 5);
      int pooledSize = c.batch * c.pool.outH() * c.pool.outW() * channels;
      Pointwise f = c == FUSED.get(0) ? Pointwise.TANH : Pointwise.RELU;
      try (VectorKernels vector = new VectorKernels(2)) {
        if (f == Pointwise.RELU) {
          assertEquals(false, vector.fusesMaxPoolIntoForward(spec, c.pool), c.name());
        }
        float[] output = new float[c.batch * spec.outputImageSize()];
        vector.conv2dForward(spec, c.batch, input, weight, null, f, 0f, output);
        float[] expected = new float[pooledSize];
        int[] expectedWinners = new int[pooledSize];
        vector.maxPool2dForward(c.pool, c.batch, channels, output, expected, expectedWinners);
        float[] pooled = new float[pooledSize];
        int[] winners = new int[pooledSize];
        vector.conv2dForwardMaxPool(spec, c.batch, input, weight, null, f, 0f, c.pool, pooled, winners);
        assertArrayEquals(expected, pooled, c + " values");
        assertArrayEquals(expectedWinners, winners, c + " winners");
        float[] scalarPooled = new float[pooledSize];
        int[] scalarWinners = new int[pooledSize];
        scalar.conv2dForwardMaxPool(spec, c.batch, input, weight, null, f, 0f, c.pool, scalarPooled, scalarWinners);
        assertEquals(false, scalar.fusesMaxPoolIntoForward(spec, c.pool));
        for (int i = 0; i < pooledSize; i++) {
          assertEquals(expected[i], scalarPooled[i], 1e-5f, c + " scalar value " + i);
        }
      }
    }
  }
}
