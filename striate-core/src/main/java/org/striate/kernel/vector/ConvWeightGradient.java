package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.NARROW_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_ROWS;
import static org.striate.kernel.vector.ConvPlan.ceilDiv;
import static org.striate.kernel.vector.PanelAlignment.LEAD;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Pointwise;
import org.striate.tensor.ConvGeometry;

/**
 * The weight and bias gradients of {@link VectorConvolution}'s convolutions: per group, {@code gradW (K x coutg)
 * += col^T (K x P) · gradOut (P x coutg)}, a block of {@link #DEPTH_BLOCK} output pixels at a time, the output
 * gradient packed in slivers (taken back through the activation as it is packed, or routed from max pooling's
 * gradient) and the tiles added to the weight gradient.
 *
 * <p>Threads: images are split into one fixed chunk per thread ({@link org.striate.kernel.Parallel#forRange}):
 * each thread sums its images into a partial gradient of its own, and the partials are added to the caller's in
 * thread order, so the result is bit-identical for a fixed thread count. (Splitting the weight gradient's rows
 * instead needs no partials, but every thread must then read and pack the whole output gradient, 11 MB a batch
 * for mnist-convnet's first layer.)
 */
final class ConvWeightGradient {
  /**
   * Output pixels per block: a packed block of 32 columns is 32 KiB, and stays in a 48 KiB L1 cache; blocks of
   * {@link ConvMicroKernel#WIDER_COLS} columns take half as many pixels.
   */
  static final int DEPTH_BLOCK = 256;

  private final VectorConvolution convolution;

  ConvWeightGradient(VectorConvolution convolution) {
    this.convolution = convolution;
  }

  /** {@link VectorConvolution#backwardWeight}: {@code gradPre} formed lane by lane as {@link VectorElementwise#backward}. */
  void backwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput, Pointwise f, float alpha,
      float[] output, float[] gradWeight, float[] gradBias) {
    ConvPlan plan = new ConvPlan(spec);
    if (DepthwiseConvolution.handles(spec)) {
      DepthwiseConvolution.backwardWeight(convolution.split(batch, spec), plan, batch, input, gradOutput, f, alpha, output,
          gradWeight, gradBias, convolution::source);
      return;
    }
    if (ShallowConvolution.handles(spec)) {
      int chunks = convolution.chunks(batch, spec);
      // Per chunk, not per thread (a worker may run two chunks of one call), and kept by the calling thread.
      ConvScratch caller = convolution.scratch();
      float[][] weightParts = caller.weightParts(chunks, spec.weightSize());
      float[][] biasParts = caller.biasParts(chunks, plan.cout);
      ShallowConvolution.backwardWeight(convolution.split(batch, spec), plan, batch, input, gradOutput, f, alpha, output,
          weightParts, biasParts);
      addInOrder(weightParts, gradWeight);
      if (gradBias != null) {
        addInOrder(biasParts, gradBias);
      }
      return;
    }
    backwardWeightTiles(spec, plan, batch, input, (n, p0, rows, chan, cols, liveCols, packed, at, sums) ->
        TileMerge.packRows(gradOutput, f, alpha, output, n * plan.outImage + p0 * plan.cout + chan, plan.cout, rows,
            cols, liveCols, packed, at, sums, chan), gradWeight, gradBias);
  }

  /**
   * {@link #backwardWeight} on the output gradient that max pooling's backward would write, packed straight from
   * the pooling's gradient and winners ({@link PooledGradient}); only where {@link PooledGradient#handles}.
   */
  void backwardWeightThroughMaxPool(ConvSpec spec, int batch, float[] input, ConvGeometry pool, float[] gradPooled,
      int[] argmax, float[] rectified, float[] gradWeight, float[] gradBias) {
    PooledGradient rows = new PooledGradient(spec, pool, gradPooled, argmax, rectified);
    backwardWeightTiles(spec, new ConvPlan(spec), batch, input, rows::pack, gradWeight, gradBias);
  }

  /** Packs {@code rows} pixels from {@code p0} of image {@code n}'s output gradient as {@link TileMerge#packRows}. */
  interface GradientRows {
    void pack(int n, int p0, int rows, int chan, int cols, int liveCols, float[] packed, int at, float[] sums);
  }

  /** The weight gradient through the tile kernels, from output gradient blocks that {@code gradient} packs. */
  private void backwardWeightTiles(ConvSpec spec, ConvPlan plan, int batch, float[] input, GradientRows gradient,
      float[] gradWeight, float[] gradBias) {
    int chunks = convolution.chunks(batch, spec);
    ConvScratch caller = convolution.scratch(); // as in backwardWeight
    float[][] weightParts = caller.weightParts(chunks, spec.weightSize());
    int cols = ConvMicroKernel.columns(plan.coutg);
    int rowsPer = ConvMicroKernel.rows(cols);
    int slivers = ceilDiv(plan.coutg, cols);
    int tiles = ceilDiv(plan.k, rowsPer);
    int depthBlock = cols == WIDER_COLS ? DEPTH_BLOCK / 2 : DEPTH_BLOCK;
    // as in forward: tile rows are rows of the weight gradient
    boolean compact = cols == NARROW_COLS && plan.groups == 1;
    float[][] biasParts = gradBias == null ? null : caller.biasParts(chunks, plan.cout);
    convolution.runChunks(batch, batch * spec.macs(), (chunk, from, to) -> {
      ConvScratch s = convolution.scratch();
      float[] packed = s.packedBlock(LEAD + depthBlock * cols);
      float[] gw = weightParts[chunk];
      Arrays.fill(gw, 0, spec.weightSize(), 0f);
      float[] gb = gradBias == null ? null : biasParts[chunk];
      if (gb != null) {
        Arrays.fill(gb, 0, plan.cout, 0f);
      }
      for (int n = from; n < to; n++) {
        float[] src = plan.source(input, n, s.source(plan.sourceImage));
        int base = plan.sourceBase(n);
        for (int g = 0; g < plan.groups; g++) {
          for (int p0 = 0; p0 < plan.pixels; p0 += depthBlock) {
            int depth = Math.min(depthBlock, plan.pixels - p0);
            for (int sl = 0; sl < slivers; sl++) {
              int chan = g * plan.coutg + sl * cols;
              int liveCols = Math.min(cols, plan.coutg - sl * cols);
              gradient.pack(n, p0, depth, chan, cols, liveCols, packed, LEAD, gb);
              for (int t = 0; t < tiles; t++) {
                int k0 = t * rowsPer;
                int liveRows = Math.min(rowsPer, plan.k - k0);
                if (cols == WIDER_COLS && plan.tapsRun(k0, WIDER_ROWS)) {
                  WiderMicroKernel.widerRows(depth, src, base + g * plan.cg + plan.taps[k0], plan.windows, p0, packed,
                      LEAD, s.tile);
                } else {
                  ConvMicroKernel.tile(cols, depth, src, base + g * plan.cg, plan.taps, k0, plan.windows, p0, packed,
                      LEAD, s.tile, compact ? plan.coutg : cols);
                }
                if (compact) {
                  TileMerge.addCompact(s.tile, liveRows * plan.coutg, gw, k0 * plan.cout);
                } else {
                  TileMerge.add(s.tile, cols, liveRows, liveCols, gw, k0 * plan.cout + chan, plan.cout);
                }
              }
            }
          }
        }
      }
    });
    addInOrder(weightParts, gradWeight);
    if (gradBias != null) {
      addInOrder(biasParts, gradBias);
    }
  }

  /**
   * {@code total[i] += parts[0][i] + parts[1][i] + ...}, summed in that order, for {@code i < total.length} (a
   * part may be longer).
   */
  private static void addInOrder(float[][] parts, float[] total) {
    int i = 0;
    for (; i + L <= total.length; i += L) {
      FloatVector sum = FloatVector.fromArray(SPECIES, total, i);
      for (float[] part : parts) {
        sum = sum.add(FloatVector.fromArray(SPECIES, part, i));
      }
      sum.intoArray(total, i);
    }
    for (; i < total.length; i++) {
      float sum = total[i];
      for (float[] part : parts) {
        sum += part[i];
      }
      total[i] = sum;
    }
  }
}
