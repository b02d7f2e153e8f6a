package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.striate.kernel.Parallel;
import org.striate.kernel.PoolingWindows;
import org.striate.tensor.ConvGeometry;

/**
 * Max and average pooling on vectors of {@link ConvMicroKernel#L} channels (contiguous in NHWC), with the
 * arithmetic of the scalar kernels lane by lane, so results are bit-identical to them; the last {@code channels
 * % L} channels run as a whole vector where the array allows, else the scalar loops.
 *
 * <p>Forward passes split the output rows {@code (n, oh)}. Max pooling's backward pass splits the input rows
 * {@code (n, ih)} when windows do not overlap and the channels are whole vectors (each input element is then
 * written once), else images, as does average pooling's, since overlapping windows add into the same input
 * elements. Every element is computed by one thread in a fixed order, so results do not depend on the thread
 * count. Passes smaller than {@link #MIN_PARALLEL_FLOATS} run on the caller.
 */
final class VectorPooling {
  /** Below this many output (or input, for backward) floats, handing work to a thread costs more than it saves. */
  static final int MIN_PARALLEL_FLOATS = 1 << 15;
  private static final VectorSpecies<Integer> INDEX = SPECIES.withLanes(int.class);
  private static final IntVector LANES = IntVector.zero(INDEX).addIndex(1);
  private static final FloatVector ZERO = FloatVector.zero(SPECIES);
  /**
   * Each thread's buffers for the loops' bodies: a body runs once per span handed out, up to 8 times a thread per
   * call, so buffers made in the body were made that often (lenet5's pooling on 2 threads was most of a step's
   * garbage).
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final Parallel parallel;
  private final int minParallelFloats;

  VectorPooling(Parallel parallel, int minParallelFloats) {
    this.parallel = parallel;
    this.minParallelFloats = minParallelFloats;
  }

  /**
   * Max pooling; {@code argmax} may be null (inference), which saves tracking the winners. The windows of a row
   * that lie wholly inside the input are computed together, one input row of taps at a time: memory is then read
   * in a single sweep, which ran more than twice as fast on data not in cache as visiting the windows one by one.
   * The other windows (at borders with padding) go one by one through {@link PoolingWindows#taps}.
   */
  void maxForward(ConvGeometry g, int batch, int channels, float[] input, float[] output, int[] argmax) {
    PoolingGrid grid = new PoolingGrid(g, channels);
    int padded = (channels + L - 1) / L * L;
    // With whole vectors of channels the windows accumulate in the output itself, else in a scratch row whose
    // pixels are padded to whole vectors and copied out.
    boolean inPlace = padded == channels;
    int step = g.strideW() * channels;
    run(batch * g.outH(), output.length, (from, to) -> {
      Scratch s = SCRATCH.get();
      int[] taps = s.taps(g.kernelArea());
      float[] rowMax = inPlace ? output : s.row(grid.insideColumns() * padded);
      int[] rowArgmax = inPlace || argmax == null ? argmax : s.rowArgmax(grid.insideColumns() * padded);
      int end = to * g.outW() * channels;
      for (int row = from; row < to; row++) {
        int n = row / g.outH();
        int oh = row % g.outH();
        int rowStart = row * g.outW() * channels;
        // The flat index of tap (0, 0) of the first window wholly inside, which may lie in the padding.
        int first = ((n * g.inH() + oh * g.strideH() - g.padTop()) * g.inW() - g.padLeft()) * channels
            + grid.firstInsideColumn() * step;
        int lastTap = first + (grid.insideColumns() - 1) * step + grid.offsets[grid.offsets.length - 1];
        boolean sweep = grid.rowInside(oh) && grid.insideColumns() > 0 && lastTap + padded <= input.length;
        if (sweep) {
          int at = inPlace ? rowStart + grid.firstInsideColumn() * channels : 0;
          maxRow(input, first, step, grid, g.kernelW(), padded, rowMax, rowArgmax, at);
        }
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = rowStart + ow * channels;
          if (sweep && grid.columnInside(ow)) {
            if (!inPlace) {
              copyOut(rowMax, rowArgmax, (ow - grid.firstInsideColumn()) * padded, channels, output, argmax, o, end);
            }
            continue;
          }
          int count = PoolingWindows.taps(g, n, oh, ow, channels, taps);
          if (count > 0) {
            maxWindow(input, taps, count, channels, output, argmax, o, end);
            continue;
          }
          Arrays.fill(output, o, o + channels, Float.NEGATIVE_INFINITY);
          if (argmax != null) {
            Arrays.fill(argmax, o, o + channels, -1);
          }
        }
      }
    });
  }

  /**
   * The windows of one output row that lie wholly inside the input, accumulated in {@code rowMax} (and {@code
   * rowArgmax} unless null) from {@code at}, {@code padded} floats per window: for each row of taps, every window
   * in turn takes in its taps of that row. Windows start {@code step} apart from the flat index {@code first}.
   * Each output still sees its taps in row-major window order, as the scalar kernels do.
   */
  private static void maxRow(float[] input, int first, int step, PoolingGrid grid, int kernelW, int padded,
      float[] rowMax, int[] rowArgmax, int at) {
    int[] offsets = grid.offsets;
    int windows = grid.insideColumns();
    for (int tap = 0; tap < offsets.length; tap += kernelW) {
      for (int w = 0; w < windows; w++) {
        int window = first + w * step;
        int a = at + w * padded;
        for (int c = 0; c < padded; c += L) {
          if (rowArgmax == null) {
            maxValues(input, window + c, offsets, tap, kernelW, rowMax, a + c);
          } else {
            maxWinners(input, window + c, offsets, tap, kernelW, rowMax, rowArgmax, a + c);
          }
        }
      }
    }
  }

  /**
   * Takes the vectors at {@code window + offsets[t]}, {@code from <= t < from + count}, into the running maximum at
   * {@code max[a]} and its winners at {@code winners[a]}; tap 0 starts them.
   */
  static void maxWinners(
      float[] input, int window, int[] offsets, int from, int count, float[] max, int[] winners, int a) {
    int t = from;
    FloatVector best;
    IntVector winner;
    if (t == 0) {
      best = FloatVector.fromArray(SPECIES, input, window + offsets[0]);
      winner = LANES.add(window + offsets[0]);
      t++;
    } else {
      best = FloatVector.fromArray(SPECIES, max, a);
      winner = IntVector.fromArray(INDEX, winners, a);
    }
    for (; t < from + count; t++) {
      FloatVector v = FloatVector.fromArray(SPECIES, input, window + offsets[t]);
      VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
      best = best.blend(v, wins);
      winner = winner.blend(LANES.add(window + offsets[t]), wins.cast(INDEX));
    }
    best.intoArray(max, a);
    winner.intoArray(winners, a);
  }

  /** {@link #maxWinners} without the winners. */
  static void maxValues(float[] input, int window, int[] offsets, int from, int count, float[] max, int a) {
    int t = from;
    FloatVector best;
    if (t == 0) {
      best = FloatVector.fromArray(SPECIES, input, window + offsets[0]);
      t++;
    } else {
      best = FloatVector.fromArray(SPECIES, max, a);
    }
    for (; t < from + count; t++) {
      FloatVector v = FloatVector.fromArray(SPECIES, input, window + offsets[t]);
      // Not max(): that prefers +0 to an earlier -0, where the scalar kernels keep the first.
      best = best.blend(v, v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN)));
    }
    best.intoArray(max, a);
  }

  /**
   * Copies one window's {@code channels} results from the scratch row to the output at {@code o}, as whole vectors
   * when the span of outputs this call writes (ending at {@code end}) has room: outputs are written in address
   * order, so the extra lanes are overwritten by the next window's.
   */
  private static void copyOut(
      float[] rowMax, int[] rowArgmax, int a, int channels, float[] output, int[] argmax, int o, int end) {
    if (o + (channels + L - 1) / L * L > end) {
      System.arraycopy(rowMax, a, output, o, channels);
      if (argmax != null) {
        System.arraycopy(rowArgmax, a, argmax, o, channels);
      }
      return;
    }
    for (int c = 0; c < channels; c += L) {
      FloatVector.fromArray(SPECIES, rowMax, a + c).intoArray(output, o + c);
      if (argmax != null) {
        IntVector.fromArray(INDEX, rowArgmax, a + c).intoArray(argmax, o + c);
      }
    }
  }

  /**
   * One window's {@code channels} outputs at {@code o}, over the input pixels at {@code taps[t]}, {@code t < count}.
   * Writes go up in address order within a span that ends at {@code end}, so the last channels can run as a whole
   * vector whose extra lanes are overwritten by the next window's outputs; scalar code branches on every comparison
   * (6-channel pooling ran 4 to 5 times slower).
   */
  private static void maxWindow(
      float[] input, int[] taps, int count, int channels, float[] output, int[] argmax, int o, int end) {
    int c = 0;
    for (; c < channels && o + c + L <= end && taps[count - 1] + c + L <= input.length; c += L) {
      if (argmax == null) {
        maxValues(input, c, taps, 0, count, output, o + c);
      } else {
        maxWinners(input, c, taps, 0, count, output, argmax, o + c);
      }
    }
    for (; c < channels; c++) {
      int winner = taps[0] + c;
      float best = input[winner];
      for (int t = 1; t < count; t++) {
        float v = input[taps[t] + c];
        // Later pixels win only if strictly larger (ties keep the first); NaN wins, as in the scalar kernels.
        if (v > best || Float.isNaN(v)) {
          best = v;
          winner = taps[t] + c;
        }
      }
      output[o + c] = best;
      if (argmax != null) {
        argmax[o + c] = winner;
      }
    }
  }

  /**
   * Max pooling's gradient. When no input pixel lies under two windows and the channels are whole vectors, each
   * input element is written once, split by input rows: its window's gradient if it won, else 0 (also for pixels
   * under no window). Otherwise each image is zeroed and then receives its gradients ({@link
   * PoolingWindows#routeToWinners}) while it is still in cache, split by images.
   */
  void maxBackward(ConvGeometry g, int batch, int channels, float[] gradOutput, int[] argmax, float[] rectified,
      float[] gradInput) {
    PoolingGrid grid = new PoolingGrid(g, channels);
    int inRow = g.inW() * channels;
    if (!grid.disjoint() || channels % L != 0) {
      int inImage = g.inH() * inRow;
      int outImage = g.outH() * g.outW() * channels;
      run(batch, gradInput.length, (from, to) -> {
        for (int n = from; n < to; n++) {
          PoolingWindows.routeToWinners(
              gradOutput, argmax, rectified, n * outImage, (n + 1) * outImage, gradInput, n * inImage,
              (n + 1) * inImage);
        }
      });
      return;
    }
    run(batch * g.inH(), gradInput.length, (from, to) -> {
      for (int row = from; row < to; row++) {
        int oh = grid.rowOwner(row % g.inH());
        if (oh < 0) {
          Arrays.fill(gradInput, row * inRow, (row + 1) * inRow, 0f);
        } else {
          int outRow = (row / g.inH() * g.outH() + oh) * g.outW() * channels;
          routeRow(grid, g.inW(), channels, gradOutput, argmax, rectified, outRow, gradInput, row * inRow);
        }
      }
    });
  }

  /**
   * One input row of max pooling's gradient, starting at flat index {@code i}, when no two windows overlap and
   * {@code channels} is a multiple of the vector length; the row's windows have their outputs from {@code outRow}
   * ({@link #routeVector}).
   */
  private static void routeRow(PoolingGrid grid, int inW, int channels, float[] gradOutput, int[] argmax,
      float[] rectified, int outRow, float[] gradInput, int i) {
    for (int iw = 0; iw < inW; iw++, i += channels) {
      int ow = grid.columnOwner(iw);
      if (ow < 0) {
        Arrays.fill(gradInput, i, i + channels, 0f);
        continue;
      }
      int o = outRow + ow * channels;
      for (int c = 0; c < channels; c += L) {
        routeVector(gradOutput, argmax, rectified, o + c, i + c, gradInput, i + c);
      }
    }
  }

  /**
   * The gradient of the vector of pooling inputs at flat index {@code i}, whose windows have their outputs at
   * {@code o}, written to {@code dst[d]}: {@code 0 + gradOutput} where the input won (the sum the scalar kernels
   * form: -0 becomes +0) and, with {@code rectified}, the window's output is positive; else 0.
   */
  static void routeVector(float[] gradOutput, int[] argmax, float[] rectified, int o, int i, float[] dst, int d) {
    VectorMask<Float> won =
        IntVector.fromArray(INDEX, argmax, o).compare(VectorOperators.EQ, LANES.add(i)).cast(SPECIES);
    if (rectified != null) {
      won = won.and(FloatVector.fromArray(SPECIES, rectified, o).compare(VectorOperators.GT, 0f));
    }
    ZERO.add(FloatVector.fromArray(SPECIES, gradOutput, o), won).intoArray(dst, d);
  }

  void avgForward(ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] input, float[] output) {
    run(batch * g.outH(), output.length, (from, to) -> {
      Scratch s = SCRATCH.get();
      int[] taps = s.taps(g.kernelArea());
      float[] lastAverage = s.lastAverage;
      for (int row = from; row < to; row++) {
        int oh = row % g.outH();
        for (int ow = 0; ow < g.outW(); ow++) {
          int o = (row * g.outW() + ow) * channels;
          int count = PoolingWindows.taps(g, row / g.outH(), oh, ow, channels, taps);
          int divisor = PoolingWindows.divisor(g, oh, ow, countIncludePad);
          int c = 0;
          for (; c + L <= channels; c += L) {
            averageVector(input, taps, count, c, divisor, output, o + c);
          }
          if (c < channels && count > 0 && taps[count - 1] + c + L <= input.length) {
            averageVector(input, taps, count, c, divisor, lastAverage, 0); // as in max pooling
            System.arraycopy(lastAverage, 0, output, o + c, channels - c);
            c = channels;
          }
          for (; c < channels; c++) {
            float sum = 0f;
            for (int t = 0; t < count; t++) {
              sum += input[taps[t] + c];
            }
            output[o + c] = divisor > 0 ? sum / divisor : sum;
          }
        }
      }
    });
  }

  /** Channels {@code [c, c + L)} of one window: the sum over its {@code count} taps, divided by a positive divisor. */
  private static void averageVector(float[] input, int[] taps, int count, int c, int divisor, float[] output, int o) {
    FloatVector sum = FloatVector.zero(SPECIES);
    for (int t = 0; t < count; t++) {
      sum = sum.add(FloatVector.fromArray(SPECIES, input, taps[t] + c));
    }
    (divisor > 0 ? sum.div(divisor) : sum).intoArray(output, o);
  }

  void avgBackward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] gradOutput, float[] gradInput) {
    int inImage = g.inH() * g.inW() * channels;
    run(batch, gradInput.length, (from, to) -> {
      int[] taps = SCRATCH.get().taps(g.kernelArea());
      Arrays.fill(gradInput, from * inImage, to * inImage, 0f);
      for (int n = from; n < to; n++) {
        for (int oh = 0; oh < g.outH(); oh++) {
          for (int ow = 0; ow < g.outW(); ow++) {
            int divisor = PoolingWindows.divisor(g, oh, ow, countIncludePad);
            if (divisor == 0) {
              continue;
            }
            int o = ((n * g.outH() + oh) * g.outW() + ow) * channels;
            int count = PoolingWindows.taps(g, n, oh, ow, channels, taps);
            int c = 0;
            for (; c + L <= channels; c += L) {
              FloatVector share = FloatVector.fromArray(SPECIES, gradOutput, o + c).div(divisor);
              for (int t = 0; t < count; t++) {
                int at = taps[t] + c;
                FloatVector.fromArray(SPECIES, gradInput, at).add(share).intoArray(gradInput, at);
              }
            }
            for (; c < channels; c++) {
              float share = gradOutput[o + c] / divisor;
              for (int t = 0; t < count; t++) {
                gradInput[taps[t] + c] += share;
              }
            }
          }
        }
      }
    });
  }

  private void run(int units, int floats, Parallel.SpanBody body) {
    if (floats < minParallelFloats) {
      body.run(0, units);
    } else {
      parallel.forSpans(units, body);
    }
  }

  /** Buffers of at least the size asked for, kept by one thread; their contents are whatever was left. */
  private static final class Scratch {
    final float[] lastAverage = new float[L];
    private int[] taps = new int[0];
    private float[] row = new float[0];
    private int[] rowArgmax = new int[0];

    int[] taps(int size) {
      taps = ConvScratch.atLeast(taps, size);
      return taps;
    }

    float[] row(int size) {
      row = ConvScratch.atLeast(row, size);
      return row;
    }

    int[] rowArgmax(int size) {
      rowArgmax = ConvScratch.atLeast(rowArgmax, size);
      return rowArgmax;
    }
  }
}
