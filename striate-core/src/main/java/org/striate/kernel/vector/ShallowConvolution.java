package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;
import static org.striate.kernel.vector.ConvPlan.roundUp;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Pointwise;
import org.striate.tensor.ConvGeometry;

/**
 * A first layer with one input channel and fewer filters {@code C} than lanes (lenet5's 1 -> 6), at stride 1:
 * vectors whose lanes are (pixel, filter) pairs, so that all lanes work. The tiles of {@link ConvMicroKernel}
 * hold one pixel's filters in a vector and used 6 of 16 lanes there (forward 40, weight gradient 31 GFLOP/s).
 *
 * <p>The output of one image is computed on a <em>virtual grid</em> as wide as the (zero-framed) source: virtual
 * pixel {@code q = oh * sourceW + ow} reads source pixels {@code q + taps[k]}, so consecutive virtual pixels read
 * consecutive source pixels, across row ends too; the columns {@code ow >= outW} are computed and dropped (14%
 * more work for lenet5). In NHWC, the {@code C} filters of consecutive pixels are consecutive floats, so output
 * float {@code i} of the grid is filter {@code i % C} of pixel {@code i / C}, and the matching input is float
 * {@code i + taps[k] * C} of the <em>expanded</em> source, each source pixel written {@code C} times ({@link
 * #expand}). Then a vector of outputs is a sum over taps of an expanded-source vector times a vector of filter
 * weights, and the weights' pattern repeats every {@link #CYCLE} vectors ({@code CYCLE * L} floats hold a whole
 * number of pixels for the {@code C} chosen here). The weight gradient pairs the same vectors with the output
 * gradient on the grid (zero on the dropped columns) and sums the lanes of each filter at the end.
 *
 * <p>Threads: forward splits images, so its results do not depend on the thread count; the weight gradient
 * splits images into per-chunk sums added in chunk order, bit-identical for a fixed thread count.
 */
final class ShallowConvolution {
  /** Vectors after which the weight pattern repeats. */
  static final int CYCLE = 3;
  /** Vectors of outputs per forward kernel call: 12 accumulators. */
  static final int STRIP = 4 * CYCLE;
  /** Taps per weight-gradient kernel call: 15 accumulators. */
  static final int TAPS_PER_PASS = 5;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private ShallowConvolution() {}

  /**
   * Whether {@code spec} has one group, one input channel, stride 1, no negative padding and fewer filters than
   * lanes whose pattern repeats within {@link #CYCLE} vectors (with 16 lanes: 1, 2, 3, 4, 6, 8 or 12 filters).
   */
  static boolean handles(ConvSpec spec) {
    ConvGeometry g = spec.geometry();
    int c = spec.outChannels();
    return spec.groups() == 1 && spec.inChannels() == 1 && c < L && CYCLE * L % c == 0 && g.strideH() == 1
        && g.strideW() == 1 && g.padBottom() >= 0 && g.padRight() >= 0;
  }

  /** The sizes of one call's virtual grid and expanded source. */
  private static final class Grid {
    final int c;
    final int outW;
    final int outH;
    final int sourceW;
    /** Floats of the virtual grid, rounded up to whole strips (so to whole cycles too). */
    final int gridFloats;
    /** Offsets of the taps in the expanded source, in floats; padded by repeating the last one. */
    final int[] taps;
    final int kernelArea;
    /** Floats of the expanded source: every float any kernel reads, rounded up to whole cycles. */
    final int expandedFloats;
    /** Pixels of the source buffer: those expanded, and a vector more for the expansion's loads. */
    final int sourcePixels;
    final VectorShuffle<Float>[] shuffles;
    final int[] firstPixel;

    @SuppressWarnings("unchecked")
    Grid(ConvPlan plan) {
      c = plan.cout;
      outW = plan.geo.outW();
      outH = plan.geo.outH();
      sourceW = plan.sourceW;
      gridFloats = roundUp(outH * sourceW * c, STRIP * L);
      kernelArea = plan.geo.kernelArea();
      taps = new int[roundUp(kernelArea, TAPS_PER_PASS)];
      for (int k = 0; k < taps.length; k++) {
        // with one input channel, ConvPlan's tap offsets are source pixels
        taps[k] = plan.taps[Math.min(k, kernelArea - 1)] * c;
      }
      expandedFloats = roundUp(gridFloats + taps[kernelArea - 1], CYCLE * L);
      sourcePixels = expandedFloats / c + L;
      shuffles = new VectorShuffle[CYCLE];
      firstPixel = new int[CYCLE];
      for (int j = 0; j < CYCLE; j++) {
        firstPixel[j] = j * L / c;
        int[] lanes = new int[L];
        for (int l = 0; l < L; l++) {
          lanes[l] = (j * L + l) / c - firstPixel[j];
        }
        shuffles[j] = VectorShuffle.fromArray(SPECIES, lanes, 0);
      }
    }

    /** Copies image {@code n}'s source (framed as the plan says) into {@code s.source} and expands it. */
    void load(ConvPlan plan, float[] input, int n, Scratch s) {
      float[] src = s.source(Math.max(sourcePixels, plan.sourceImage));
      if (plan.framed) {
        plan.source(input, n, src);
      } else {
        System.arraycopy(input, plan.sourceBase(n), src, 0, plan.sourceImage);
      }
      Arrays.fill(src, plan.sourceImage, sourcePixels, 0f);
      expand(src, s.expanded(expandedFloats));
    }

    /** {@code expanded[i] = source[i / c]} for {@code i < expandedFloats}, a cycle of vectors at a time. */
    private void expand(float[] source, float[] expanded) {
      int cyclePixels = CYCLE * L / c;
      for (int i = 0, p = 0; i < expandedFloats; i += CYCLE * L, p += cyclePixels) {
        for (int j = 0; j < CYCLE; j++) {
          FloatVector.fromArray(SPECIES, source, p + firstPixel[j]).rearrange(shuffles[j])
              .intoArray(expanded, i + j * L);
        }
      }
    }
  }

  static void forward(VectorConvolution.Split run, ConvPlan plan, int batch, float[] input, float[] weight,
      float[] bias, Pointwise f, float alpha, float[] output) {
    Grid grid = new Grid(plan);
    float[] pattern = pattern(weight, grid);
    float[] repeatedBias = plan.repeatBias(bias, grid.outW);
    int rowFloats = grid.outW * grid.c;
    run.spans(batch, (from, to) -> {
      Scratch s = SCRATCH.get();
      float[] virtual = s.grid(grid.gridFloats);
      for (int n = from; n < to; n++) {
        grid.load(plan, input, n, s);
        for (int at = 0; at < grid.gridFloats; at += STRIP * L) {
          strip(grid.kernelArea, grid.taps, s.expanded, at, pattern, virtual);
        }
        for (int oh = 0; oh < grid.outH; oh++) {
          TileMerge.storeCompact(virtual, oh * grid.sourceW * grid.c, rowFloats, repeatedBias, f, alpha, output,
              n * plan.outImage + oh * rowFloats);
        }
      }
    });
  }

  /**
   * Writes the weight and bias gradients of each chunk's images over {@code weightParts[chunk]} and {@code
   * biasParts[chunk]}; the caller adds the parts up in chunk order.
   */
  static void backwardWeight(VectorConvolution.Split run, ConvPlan plan, int batch, float[] input,
      float[] gradOutput, Pointwise f, float alpha, float[] output, float[][] weightParts, float[][] biasParts) {
    Grid grid = new Grid(plan);
    int cycleFloats = CYCLE * L;
    run.chunks(batch, (chunk, from, to) -> {
      Scratch s = SCRATCH.get();
      float[] gradGrid = s.grid(grid.gridFloats);
      // lane sums: row k for tap k, and a last row for the bias
      float[] sums = s.sums((grid.taps.length + 1) * cycleFloats);
      int biasRow = grid.taps.length * cycleFloats;
      for (int n = from; n < to; n++) {
        grid.load(plan, input, n, s);
        gradientGrid(grid, gradOutput, f, alpha, output, n * plan.outImage, gradGrid);
        biasPass(grid.gridFloats, gradGrid, sums, biasRow);
        for (int k0 = 0; k0 < grid.taps.length; k0 += TAPS_PER_PASS) {
          weightPass(grid.gridFloats, s.expanded, grid.taps, k0, gradGrid, sums);
        }
      }
      float[] weightPart = weightParts[chunk];
      float[] biasPart = biasParts[chunk];
      Arrays.fill(weightPart, 0, grid.kernelArea * grid.c, 0f);
      Arrays.fill(biasPart, 0, grid.c, 0f);
      for (int i = 0; i < cycleFloats; i++) {
        for (int k = 0; k < grid.kernelArea; k++) {
          weightPart[k * grid.c + i % grid.c] += sums[k * cycleFloats + i];
        }
        biasPart[i % grid.c] += sums[biasRow + i];
      }
    });
  }

  /** The weights as a cycle's lanes need them: vector {@code j} of tap {@code k} at {@code (k * CYCLE + j) * L}. */
  private static float[] pattern(float[] weight, Grid grid) {
    float[] pattern = new float[grid.kernelArea * CYCLE * L];
    for (int k = 0; k < grid.kernelArea; k++) {
      for (int i = 0; i < CYCLE * L; i++) {
        pattern[k * CYCLE * L + i] = weight[k * grid.c + i % grid.c];
      }
    }
    return pattern;
  }

  /** Image {@code o}'s output gradient, taken back through {@code f}, on the virtual grid; zero where dropped. */
  private static void gradientGrid(Grid grid, float[] gradOutput, Pointwise f, float alpha, float[] output, int o,
      float[] gradGrid) {
    int rowFloats = grid.outW * grid.c;
    int gridRow = grid.sourceW * grid.c;
    for (int oh = 0; oh < grid.outH; oh++) {
      int from = o + oh * rowFloats;
      int to = oh * gridRow;
      int i = 0;
      for (; i + L <= rowFloats; i += L) {
        VectorElementwise.derivative(f, alpha, output, output, gradOutput, from + i, gradGrid, to + i);
      }
      for (; i < rowFloats; i++) {
        gradGrid[to + i] = TileMerge.gradient(gradOutput, f, alpha, output, from + i);
      }
      Arrays.fill(gradGrid, to + rowFloats, to + gridRow, 0f);
    }
    Arrays.fill(gradGrid, grid.outH * gridRow, grid.gridFloats, 0f);
  }

  /**
   * {@code y[at + m * L ...] = sum over k < taps of e[at + tap[k] + m * L ...] * w[(k * CYCLE + m % CYCLE) * L ...]}
   * for the {@link #STRIP} vectors {@code m}, each sum formed in increasing {@code k}.
   */
  static void strip(int taps, int[] tap, float[] e, int at, float[] w, float[] y) {
    FloatVector c0 = FloatVector.zero(SPECIES);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (int k = 0, wk = 0; k < taps; k++, wk += CYCLE * L) {
      int t = at + tap[k];
      FloatVector w0 = FloatVector.fromArray(SPECIES, w, wk);
      FloatVector w1 = FloatVector.fromArray(SPECIES, w, wk + L);
      FloatVector w2 = FloatVector.fromArray(SPECIES, w, wk + 2 * L);
      c0 = FloatVector.fromArray(SPECIES, e, t).fma(w0, c0);
      c1 = FloatVector.fromArray(SPECIES, e, t + L).fma(w1, c1);
      c2 = FloatVector.fromArray(SPECIES, e, t + 2 * L).fma(w2, c2);
      c3 = FloatVector.fromArray(SPECIES, e, t + 3 * L).fma(w0, c3);
      c4 = FloatVector.fromArray(SPECIES, e, t + 4 * L).fma(w1, c4);
      c5 = FloatVector.fromArray(SPECIES, e, t + 5 * L).fma(w2, c5);
      c6 = FloatVector.fromArray(SPECIES, e, t + 6 * L).fma(w0, c6);
      c7 = FloatVector.fromArray(SPECIES, e, t + 7 * L).fma(w1, c7);
      c8 = FloatVector.fromArray(SPECIES, e, t + 8 * L).fma(w2, c8);
      c9 = FloatVector.fromArray(SPECIES, e, t + 9 * L).fma(w0, c9);
      c10 = FloatVector.fromArray(SPECIES, e, t + 10 * L).fma(w1, c10);
      c11 = FloatVector.fromArray(SPECIES, e, t + 11 * L).fma(w2, c11);
    }
    c0.intoArray(y, at);
    c1.intoArray(y, at + L);
    c2.intoArray(y, at + 2 * L);
    c3.intoArray(y, at + 3 * L);
    c4.intoArray(y, at + 4 * L);
    c5.intoArray(y, at + 5 * L);
    c6.intoArray(y, at + 6 * L);
    c7.intoArray(y, at + 7 * L);
    c8.intoArray(y, at + 8 * L);
    c9.intoArray(y, at + 9 * L);
    c10.intoArray(y, at + 10 * L);
    c11.intoArray(y, at + 11 * L);
  }

  /**
   * {@code sums[biasRow + j ...] += g[i + j ...]} for every cycle {@code i} of the grid's {@code floats}, in
   * increasing {@code i}. A method of its own, not a loop in the chunk's lambda, so that C2 compiles its vectors
   * whatever it decides about the lambda (see {@link MicroKernel}).
   */
  static void biasPass(int floats, float[] g, float[] sums, int biasRow) {
    int cycleFloats = CYCLE * L;
    for (int i = 0; i < floats; i += cycleFloats) {
      for (int j = 0; j < cycleFloats; j += L) {
        FloatVector.fromArray(SPECIES, g, i + j).add(FloatVector.fromArray(SPECIES, sums, biasRow + j))
            .intoArray(sums, biasRow + j);
      }
    }
  }

  /**
   * For taps {@code k0 .. k0 + 4}: {@code sums[k * CYCLE * L + j * L ...] += sum over cycles i of e[i + tap[k] + j *
   * L ...] * g[i + j * L ...]}, over the {@code floats} of the grid, each sum formed in increasing {@code i}.
   */
  static void weightPass(int floats, float[] e, int[] tap, int k0, float[] g, float[] sums) {
    FloatVector a00 = FloatVector.zero(SPECIES);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    FloatVector a40 = a00;
    FloatVector a41 = a00;
    FloatVector a42 = a00;
    int t0 = tap[k0];
    int t1 = tap[k0 + 1];
    int t2 = tap[k0 + 2];
    int t3 = tap[k0 + 3];
    int t4 = tap[k0 + 4];
    for (int i = 0; i < floats; i += CYCLE * L) {
      FloatVector g0 = FloatVector.fromArray(SPECIES, g, i);
      FloatVector g1 = FloatVector.fromArray(SPECIES, g, i + L);
      FloatVector g2 = FloatVector.fromArray(SPECIES, g, i + 2 * L);
      a00 = FloatVector.fromArray(SPECIES, e, i + t0).fma(g0, a00);
      a01 = FloatVector.fromArray(SPECIES, e, i + t0 + L).fma(g1, a01);
      a02 = FloatVector.fromArray(SPECIES, e, i + t0 + 2 * L).fma(g2, a02);
      a10 = FloatVector.fromArray(SPECIES, e, i + t1).fma(g0, a10);
      a11 = FloatVector.fromArray(SPECIES, e, i + t1 + L).fma(g1, a11);
      a12 = FloatVector.fromArray(SPECIES, e, i + t1 + 2 * L).fma(g2, a12);
      a20 = FloatVector.fromArray(SPECIES, e, i + t2).fma(g0, a20);
      a21 = FloatVector.fromArray(SPECIES, e, i + t2 + L).fma(g1, a21);
      a22 = FloatVector.fromArray(SPECIES, e, i + t2 + 2 * L).fma(g2, a22);
      a30 = FloatVector.fromArray(SPECIES, e, i + t3).fma(g0, a30);
      a31 = FloatVector.fromArray(SPECIES, e, i + t3 + L).fma(g1, a31);
      a32 = FloatVector.fromArray(SPECIES, e, i + t3 + 2 * L).fma(g2, a32);
      a40 = FloatVector.fromArray(SPECIES, e, i + t4).fma(g0, a40);
      a41 = FloatVector.fromArray(SPECIES, e, i + t4 + L).fma(g1, a41);
      a42 = FloatVector.fromArray(SPECIES, e, i + t4 + 2 * L).fma(g2, a42);
    }
    int s = k0 * CYCLE * L;
    // Spelled out: C2 left a helper for these out of this large method and boxed a vector per call.
    a00.add(FloatVector.fromArray(SPECIES, sums, s)).intoArray(sums, s);
    a01.add(FloatVector.fromArray(SPECIES, sums, s + L)).intoArray(sums, s + L);
    a02.add(FloatVector.fromArray(SPECIES, sums, s + 2 * L)).intoArray(sums, s + 2 * L);
    a10.add(FloatVector.fromArray(SPECIES, sums, s + 3 * L)).intoArray(sums, s + 3 * L);
    a11.add(FloatVector.fromArray(SPECIES, sums, s + 4 * L)).intoArray(sums, s + 4 * L);
    a12.add(FloatVector.fromArray(SPECIES, sums, s + 5 * L)).intoArray(sums, s + 5 * L);
    a20.add(FloatVector.fromArray(SPECIES, sums, s + 6 * L)).intoArray(sums, s + 6 * L);
    a21.add(FloatVector.fromArray(SPECIES, sums, s + 7 * L)).intoArray(sums, s + 7 * L);
    a22.add(FloatVector.fromArray(SPECIES, sums, s + 8 * L)).intoArray(sums, s + 8 * L);
    a30.add(FloatVector.fromArray(SPECIES, sums, s + 9 * L)).intoArray(sums, s + 9 * L);
    a31.add(FloatVector.fromArray(SPECIES, sums, s + 10 * L)).intoArray(sums, s + 10 * L);
    a32.add(FloatVector.fromArray(SPECIES, sums, s + 11 * L)).intoArray(sums, s + 11 * L);
    a40.add(FloatVector.fromArray(SPECIES, sums, s + 12 * L)).intoArray(sums, s + 12 * L);
    a41.add(FloatVector.fromArray(SPECIES, sums, s + 13 * L)).intoArray(sums, s + 13 * L);
    a42.add(FloatVector.fromArray(SPECIES, sums, s + 14 * L)).intoArray(sums, s + 14 * L);
  }

  /** One thread's buffers; they grow to the largest size asked for and are then reused. */
  private static final class Scratch {
    private float[] source = new float[0];
    private float[] expanded = new float[0];
    private float[] grid = new float[0];
    private float[] sums = new float[0];

    float[] source(int size) {
      source = ConvScratch.atLeast(source, size);
      return source;
    }

    float[] expanded(int size) {
      expanded = ConvScratch.atLeast(expanded, size);
      return expanded;
    }

    float[] grid(int size) {
      grid = ConvScratch.atLeast(grid, size);
      return grid;
    }

    /** Zeroed. */
    float[] sums(int size) {
      sums = ConvScratch.atLeast(sums, size);
      Arrays.fill(sums, 0, size, 0f);
      return sums;
    }
  }
}
