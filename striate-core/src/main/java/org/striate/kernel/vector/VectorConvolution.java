package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.NARROW_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDE_COLS;
import static org.striate.kernel.vector.ConvPlan.ceilDiv;
import static org.striate.kernel.vector.PanelAlignment.LEAD;

import org.striate.kernel.ConvSpec;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.tensor.ConvGeometry;

/**
 * Convolution as implicit GEMM on {@link ConvMicroKernel}: the im2col matrix is never built; the kernels read
 * it from the input through the offset tables of a {@link ConvPlan}. Per group, with {@code P} output pixels
 * and {@code K = kernelH * kernelW * inChannels / groups}:
 *
 * <pre>
 *   forward          out (P x coutg)    = f(col (P x K) · W (K x coutg) + bias)   tiles stored with bias and f
 *   backward input   gradCol (P x K)    = gradOut (P x coutg) · W^T              tiles added onto the pixels
 *   backward weight  gradW (K x coutg) += col^T (K x P) · gradOut (P x coutg)     tiles added to gradW
 * </pre>
 *
 * From 64 input channels at stride 1, the input gradient runs instead as a forward convolution of the output
 * gradient ({@link AdjointGradient}), which was faster there.
 *
 * <p>The weight (and, for the weight gradient, each block of the output gradient) is packed in slivers; products
 * with at most {@link ConvMicroKernel#L} columns use the narrow kernel, the others the wide one, or the wider one
 * for whole multiples of its 64 columns on AVX-512 ({@link ConvMicroKernel#columns}). A narrow product of one
 * group has a single sliver whose tile rows are rows of the output (or of the weight gradient), so its tiles are
 * written compact and finished with whole vectors. The whole of {@code K} (forward) or {@code coutg} (input
 * gradient) is one block, without the cache blocking of {@link VectorGemm}: the forward pass of a ResNet 3x3x64
 * layer, whose {@code K x 64} slivers are 144 KiB and so stream from L2, ran at 186 GFLOP/s on one core (JMH;
 * 168 in slivers of 32), and blocking {@code K} by 96 made no difference to mnist-convnet's second layer in a
 * harness of the loops alone.
 *
 * <p>One-input-channel layers at stride 1 with fewer filters than lanes (lenet5's 1 -> 6) run in {@link
 * ShallowConvolution} (forward and weight gradient): lanes of (pixel, filter) pairs, where these tiles would use
 * 6 of 16 lanes (JMH, one core: forward 0.87 -> 0.73 ms, weight gradient 1.15 -> 0.92 ms a batch of 128).
 *
 * <p>The other shallow first layers (one input channel, {@code K} = 9 or 25) go this way: the wide tile is the
 * "direct" kernel vectorised over output channels (each input pixel broadcast into a row of filters), only
 * finished through a tile buffer. Finishing it in registers instead (bias, activation and stores in the
 * kernel) made the method too large for C2 to inline the Vector API calls and halved the speed. When max pooling
 * alone reads the output, {@link PooledConvolution} pools it as it is computed instead of writing it out.
 *
 * <p>Threads: forward hands out spans of the tiles of output pixels of all images and the input gradient spans
 * of images, to whichever thread is free ({@link Parallel#forSpans}); every output element is then computed by
 * one thread in an order fixed by the sizes alone, so these results do not depend on the thread count at all.
 * The weight gradient ({@link ConvWeightGradient}) splits images into one fixed chunk per thread. Products too
 * small to repay handing work to another thread ({@link #MIN_PARALLEL_MACS}) stay on the caller.
 */
final class VectorConvolution {
  /** Below this many multiply-adds per call (about 60 us on one core), one thread does all. */
  static final long MIN_PARALLEL_MACS = 1L << 22;

  /** Runs a loop over {@code [0, units)} on the caller or across the threads, as {@link #run} decides. */
  interface Split {
    /** For a body whose indices write outputs of their own: {@link Parallel#forSpans}. */
    void spans(int units, Parallel.SpanBody body);

    /** For a body that sums into a partial result per chunk: {@link Parallel#forRange}'s fixed chunks. */
    void chunks(int units, Parallel.RangeBody body);
  }

  private final Parallel parallel;
  private final long minParallelMacs;
  private final ThreadLocal<ConvScratch> scratch = ThreadLocal.withInitial(ConvScratch::new);
  private final ConvWeightGradient weightGradient = new ConvWeightGradient(this);

  VectorConvolution(Parallel parallel) {
    this(parallel, MIN_PARALLEL_MACS);
  }

  /** Tests split even tiny convolutions across threads with {@code minParallelMacs = 0}. */
  VectorConvolution(Parallel parallel, long minParallelMacs) {
    this.parallel = parallel;
    this.minParallelMacs = minParallelMacs;
  }

  /** {@code output = f(conv(input, weight) + bias)} for {@code f} the identity, ReLU or leaky ReLU. */
  void forward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, Pointwise f, float alpha,
      float[] output) {
    ConvPlan plan = new ConvPlan(spec);
    if (DepthwiseConvolution.handles(spec)) {
      DepthwiseConvolution.forward(split(batch, spec), plan, batch, input, weight, bias, f, alpha, output,
          this::source);
      return;
    }
    if (ShallowConvolution.handles(spec)) {
      ShallowConvolution.forward(split(batch, spec), plan, batch, input, weight, bias, f, alpha, output);
      return;
    }
    Packed w = pack(plan, weight, bias);
    int cols = w.cols;
    int rowsPer = ConvMicroKernel.rows(cols);
    int slivers = w.slivers;
    float[] packed = w.weight;
    boolean compact = w.compact;
    float[] packedBias = w.bias;
    // Images read in place lie one after another, so a tile may run on into the next image: one partial tile for
    // the batch instead of one per image, and each output the same sum. Measured in one JVM, alternating, one
    // core: mnist-convnet's second layer (121 pixels in tiles of 5) 2.0-3.2% faster, lenet5's second (100 in
    // tiles of 12) 6.8%, mnist-convnet's first (676 in tiles of 6) no change. The input gradient gained nothing
    // this way (same harness), and scatters image by image.
    boolean acrossImages = !plan.framed && plan.pixels % rowsPer != 0;
    int images = acrossImages ? 1 : batch;
    int rows = acrossImages ? batch * plan.pixels : plan.pixels;
    int tiles = ceilDiv(rows, rowsPer);
    int imageTiles = ceilDiv(plan.pixels, rowsPer);
    run(images * tiles, batch * spec.macs(), (from, to) -> {
      ConvScratch s = scratch.get();
      for (int u = from; u < to; ) {
        int n = u / tiles;
        int t0 = u % tiles;
        // blocks of an image's worth of tiles, so that the slivers after the first find the rows in cache
        int t1 = Math.min(Math.min(tiles, t0 + to - u), (t0 / imageTiles + 1) * imageTiles);
        float[] src = plan.source(input, n, s.source(plan.sourceImage));
        int base = plan.sourceBase(n);
        for (int g = 0; g < plan.groups; g++) {
          for (int sl = 0; sl < slivers; sl++) {
            int bi = LEAD + (g * slivers + sl) * plan.k * cols;
            int chan = g * plan.coutg + sl * cols;
            int liveCols = Math.min(cols, plan.coutg - sl * cols);
            for (int t = t0; t < t1; t++) {
              int q0 = t * rowsPer;
              int o = n * plan.outImage + q0 * plan.cout + chan;
              int liveRows = Math.min(rowsPer, rows - q0);
              // only a tile that runs into the next image needs its own table of offsets
              int q = q0 % plan.pixels;
              boolean inside = !acrossImages || q + rowsPer <= plan.pixels;
              int[] windows = inside ? plan.windows : plan.batchWindows(q0, rowsPer, rows, s.windows);
              int at = base + g * plan.cg + (inside ? q0 / plan.pixels * plan.inImage : 0);
              ConvMicroKernel.tile(cols, plan.k, src, at, windows, inside ? q : 0, plan.taps, 0, packed, bi, s.tile,
                  compact ? plan.coutg : cols);
              if (compact) {
                TileMerge.storeCompact(s.tile, 0, liveRows * plan.coutg, packedBias, f, alpha, output, o);
              } else {
                TileMerge.store(s.tile, cols, liveRows, liveCols, packedBias, (g * slivers + sl) * cols, f, alpha,
                    output, o, plan.cout);
              }
            }
          }
        }
        u += t1 - t0;
      }
    });
  }

  /** A forward product's weight in slivers of {@code cols} columns, and its bias as the tiles are finished. */
  record Packed(int cols, int slivers, boolean compact, float[] weight, float[] bias) {}

  /** The weight (in the calling thread's buffer) and bias of {@code plan}'s forward product, packed. */
  Packed pack(ConvPlan plan, float[] weight, float[] bias) {
    int cols = ConvMicroKernel.columns(plan.coutg);
    int slivers = ceilDiv(plan.coutg, cols);
    float[] packed = plan.packWeight(weight, cols, slivers,
        scratch.get().packedWeight(LEAD + plan.groups * slivers * plan.k * cols), LEAD);
    // A narrow product of one group is one sliver whose rows are rows of the output: its tiles come compact.
    boolean compact = cols == NARROW_COLS && plan.groups == 1;
    float[] packedBias =
        compact ? plan.repeatBias(bias, ConvMicroKernel.rows(cols)) : plan.packBias(bias, cols, slivers);
    return new Packed(cols, slivers, compact, packed, packedBias);
  }

  /**
   * {@link #forward} followed by max pooling {@code pool} of its output, which is never written; only where
   * {@link PooledConvolution#handles}.
   */
  void forwardThroughMaxPool(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, Pointwise f,
      float alpha, ConvGeometry pool, float[] pooled, int[] argmax) {
    ConvPlan plan = new ConvPlan(spec);
    PooledConvolution.forward(split(batch, spec), plan, pack(plan, weight, bias), batch, input, f, alpha, pool,
        pooled, argmax);
  }

  /** {@code gradInput} (overwritten) {@code = conv^T(gradOutput, weight)}. */
  void backwardInput(ConvSpec spec, int batch, float[] gradOutput, float[] weight, float[] gradInput) {
    ConvSpec adjoint = AdjointGradient.forwardSpec(spec);
    if (adjoint != null) {
      float[] flipped = AdjointGradient.flip(spec, weight, scratch.get().flipped(spec.weightSize()));
      forward(adjoint, batch, gradOutput, flipped, null, Pointwise.IDENTITY, 0f, gradInput);
      return;
    }
    ConvPlan plan = new ConvPlan(spec);
    if (DepthwiseConvolution.handles(spec)) {
      DepthwiseConvolution.backwardInput(split(batch, spec), plan, batch, gradOutput, weight, gradInput,
          this::source);
      return;
    }
    int cols = inputGradientColumns(plan);
    int span = plan.sliverSpan(cols);
    int slivers = ceilDiv(plan.k, span);
    int lastCols = lastSliverColumns(plan, cols);
    float[] packed = plan.packWeightTransposed(weight, cols, span, slivers, lastCols,
        scratch.get().packedWeight(LEAD + plan.groups * slivers * plan.coutg * cols), LEAD);
    int[] outRows = ConvPlan.rowOffsets(plan.pixels, plan.cout);
    int[] channels = ConvPlan.rowOffsets(plan.coutg, 1);
    boolean[] contiguous = plan.contiguousChunks(span, cols, L);
    int chunksPerSliver = cols / L;
    run(batch, batch * spec.macs(), (from, to) -> {
      ConvScratch s = scratch.get();
      for (int n = from; n < to; n++) {
        float[] target = plan.target(gradInput, n, s.source(plan.sourceImage));
        int base = plan.sourceBase(n);
        int end = base + (plan.framed ? plan.sourceImage : plan.inImage);
        for (int g = 0; g < plan.groups; g++) {
          int ai = n * plan.outImage + g * plan.coutg;
          for (int sl = 0; sl < slivers; sl++) {
            int bi = LEAD + (g * slivers + sl) * plan.coutg * cols;
            int liveCols = Math.min(span, plan.k - sl * span);
            int sc = sl == slivers - 1 ? lastCols : cols;
            // the last sliver's kernel may take another number of rows (6 for 32 columns, 5 for 64)
            int tileRows = ConvMicroKernel.rows(sc);
            boolean pairs = TileMerge.pairs(plan, sc, liveCols, sl * span);
            for (int q0 = 0; q0 < plan.pixels; q0 += tileRows) {
              if (sc == WIDER_COLS) {
                WiderMicroKernel.widerLinear(plan.coutg, gradOutput, ai, outRows, q0, packed, bi, s.tile);
              } else {
                ConvMicroKernel.tile(sc, plan.coutg, gradOutput, ai, outRows, q0, channels, 0, packed, bi, s.tile, sc);
              }
              if (pairs) {
                TileMerge.scatterPairs(s.tile, Math.min(tileRows, plan.pixels - q0), target, base + g * plan.cg,
                    plan.windows, q0, plan.taps, sl * span);
              } else {
                TileMerge.scatter(s.tile, sc, Math.min(tileRows, plan.pixels - q0), liveCols, target,
                    base + g * plan.cg, end, plan.windows, q0, plan.taps, sl * span, contiguous, sl * chunksPerSliver);
              }
            }
          }
        }
        plan.finish(target, gradInput, n);
      }
    });
  }

  /**
   * The sliver width of the input gradient's product, whose {@code K} columns need not come in whole slivers:
   * {@link ConvMicroKernel#WIDER_COLS} from more than that many columns when kernel rows do not cut the slivers
   * short ({@link ConvPlan#sliverSpan}), the last sliver then taken by {@link #lastSliverColumns}; otherwise
   * {@link ConvMicroKernel#columns}. mnist-convnet's second layer ({@code K} = 288 = 4 x 64 + 32): the
   * products alone (col2im skipped) took 3.2 ms a batch on one core (JMH), where the same loops in slivers of 32
   * took 3.5 in a harness of the loops alone.
   */
  static int inputGradientColumns(ConvPlan plan) {
    if (ConvMicroKernel.HAS_WIDER && plan.k > WIDER_COLS && plan.sliverSpan(WIDER_COLS) == WIDER_COLS) {
      return WIDER_COLS;
    }
    return ConvMicroKernel.columns(plan.k);
  }

  /** The last sliver of the input gradient's product runs through the wide kernel when its live columns fit. */
  static int lastSliverColumns(ConvPlan plan, int cols) {
    int span = plan.sliverSpan(cols);
    int live = plan.k - (ceilDiv(plan.k, span) - 1) * span;
    return cols == WIDER_COLS && live <= WIDE_COLS ? WIDE_COLS : cols;
  }

  /**
   * {@code gradWeight += col^T · gradPre} and {@code gradBias += column sums of gradPre} (if not null), where
   * {@code gradPre} is {@code gradOutput} taken back through {@code f} (whose output was {@code output}) as it is
   * read ({@link ConvWeightGradient}).
   */
  void backwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput, Pointwise f, float alpha,
      float[] output, float[] gradWeight, float[] gradBias) {
    weightGradient.backwardWeight(spec, batch, input, gradOutput, f, alpha, output, gradWeight, gradBias);
  }

  /**
   * {@link #backwardWeight} on the output gradient that max pooling's backward would write, taken from the
   * pooling's gradient and winners as it is read; only where {@link PooledGradient#handles}.
   */
  void backwardWeightThroughMaxPool(ConvSpec spec, int batch, float[] input, ConvGeometry pool, float[] gradPooled,
      int[] argmax, float[] rectified, float[] gradWeight, float[] gradBias) {
    weightGradient.backwardWeightThroughMaxPool(spec, batch, input, pool, gradPooled, argmax, rectified, gradWeight,
        gradBias);
  }

  /** The chunks {@link #runChunks} splits {@code batch} images of {@code spec} into. */
  int chunks(int batch, ConvSpec spec) {
    return batch * spec.macs() < minParallelMacs ? 1 : parallel.chunks(batch);
  }

  Split split(int batch, ConvSpec spec) {
    long macs = batch * spec.macs();
    return new Split() {
      @Override
      public void spans(int units, Parallel.SpanBody body) {
        run(units, macs, body);
      }

      @Override
      public void chunks(int units, Parallel.RangeBody body) {
        runChunks(units, macs, body);
      }
    };
  }

  /** The calling thread's buffers. */
  ConvScratch scratch() {
    return scratch.get();
  }

  /** The calling thread's buffer for a source image of {@code size} floats. */
  float[] source(int size) {
    return scratch.get().source(size);
  }

  private void run(int units, long macs, Parallel.SpanBody body) {
    if (macs < minParallelMacs) {
      body.run(0, units);
    } else {
      parallel.forSpans(units, body);
    }
  }

  void runChunks(int units, long macs, Parallel.RangeBody body) {
    if (macs < minParallelMacs) {
      body.run(0, 0, units);
    } else {
      parallel.forRange(units, body);
    }
  }
}
