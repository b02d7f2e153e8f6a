package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_COLS;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.striate.kernel.Pointwise;

/**
 * Where the tiles of {@link ConvMicroKernel} go: the forward output (with bias and activation), the input
 * gradient (added back onto the window pixels: col2im), the weight gradient (added). A tile holds {@code rows x
 * cols} floats, row {@code r} at {@code r * cols}; only its top-left {@code live rows x live cols} are real.
 * Full rows go through vectors and partial ones through scalar code with the same arithmetic, so a value does
 * not depend on where the tile fell.
 */
final class TileMerge {
  private TileMerge() {}

  /**
   * {@code out[o + r * ld + j] = f(tile[r * cols + j] + bias[biasAt + j])}, for {@code f} the identity, ReLU or
   * leaky ReLU with slope {@code alpha}. {@code bias} holds {@code cols} floats from {@code biasAt}, zero past the
   * live columns ({@link ConvPlan#packBias}), or is null for none. Partial tiles are finished in the tile, then
   * their live part is copied out.
   */
  static void store(float[] tile, int cols, int liveRows, int liveCols, float[] bias, int biasAt, Pointwise f,
      float alpha, float[] out, int o, int ld) {
    boolean full = liveCols == cols;
    // a full tile goes straight to out; a partial one is finished in place
    float[] dst = full ? out : tile;
    int d0 = full ? o : 0;
    int dld = full ? ld : cols;
    for (int v = 0; v < cols; v += L) {
      for (int r = 0; r < liveRows; r++) {
        activate(tile, r * cols + v, bias, biasAt + v, f, alpha, dst, d0 + r * dld + v);
      }
    }
    if (!full) {
      for (int r = 0; r < liveRows; r++) {
        for (int j = 0, t = r * cols, at = o + r * ld; j < liveCols; j++) {
          out[at + j] = tile[t + j];
        }
      }
    }
  }

  /**
   * {@link #store} for a compact tile ({@link ConvMicroKernel#narrow} with {@code ts} the output's row length):
   * {@code out[o + i] = f(tile[i] + bias[i])} for {@code i < n}, {@code bias} repeated to the tile's length
   * ({@link ConvPlan#repeatBias}) or null.
   */
  static void storeCompact(float[] tile, int t, int n, float[] bias, Pointwise f, float alpha, float[] out, int o) {
    int i = 0;
    for (; i + L <= n; i += L) {
      activate(tile, t + i, bias, i, f, alpha, out, o + i);
    }
    for (; i < n; i++) {
      out[o + i] = activate(bias == null ? tile[t + i] : tile[t + i] + bias[i], f, alpha);
    }
  }

  /**
   * {@code out[o ...] = f(src[s ...] + bias[b ...])} for one vector of lanes ({@code bias} null for none), {@code f}
   * the identity, ReLU or leaky ReLU, lane by lane as {@link #activate(float, Pointwise, float)}. Arrays in and out,
   * not vectors: a vector that crosses a call C2 did not inline is boxed (with {@code -XX:CompileCommand=dontinline}
   * on the vector-returning version this replaced, lenet5 training allocated 9,452 KiB a step).
   */
  static void activate(float[] src, int s, float[] bias, int b, Pointwise f, float alpha, float[] out, int o) {
    FloatVector x = FloatVector.fromArray(SPECIES, src, s);
    if (bias != null) {
      x = x.add(FloatVector.fromArray(SPECIES, bias, b));
    }
    switch (f) {
      case RELU:
        x = FloatVector.zero(SPECIES).blend(x, x.compare(VectorOperators.GT, 0f));
        break;
      case LEAKY_RELU:
        x = x.mul(alpha).blend(x, x.compare(VectorOperators.GT, 0f));
        break;
      default:
        break;
    }
    x.intoArray(out, o);
  }

  /** The scalar kernels' {@code f(x)}: {@code x > 0 ? x : 0} for ReLU, {@code x > 0 ? x : alpha * x} for leaky. */
  static float activate(float x, Pointwise f, float alpha) {
    switch (f) {
      case RELU:
        return x > 0f ? x : 0f;
      case LEAKY_RELU:
        return x > 0f ? x : alpha * x;
      default:
        return x;
    }
  }

  /**
   * col2im for a tile of the input gradient: adds element {@code (r, j)}, {@code j < liveCols}, to {@code
   * target[base + windows[q0 + r] + taps[k0 + j]]}. {@code contiguous[chunk0 + c / L]} comes from {@link
   * ConvPlan#contiguousChunks}: such a chunk of live columns is added as one vector, whose lanes past the live
   * columns are zeroed first (they add {@code +0} to the floats after the run), when the whole vector lies before
   * {@code end}, the end of the image this thread alone writes.
   *
   * <p>Chunk by chunk, the rows inside: row by row would add row {@code r + 1}'s chunk of one tap right after row
   * {@code r}'s chunk of the next tap in the kernel row, which are the same floats (output pixels one apart,
   * taps one apart), and each addition would wait for the store before it. mnist-convnet's second layer (JMH,
   * one core, two forks each): col2im alone 0.95 -> 0.72 ms a batch, the whole input gradient 4.15 -> 3.73.
   */
  static void scatter(float[] tile, int cols, int liveRows, int liveCols, float[] target, int base, int end,
      int[] windows, int q0, int[] taps, int k0, boolean[] contiguous, int chunk0) {
    for (int c = 0; c < liveCols; c += L) {
      int tap = taps[k0 + c];
      boolean whole = contiguous[chunk0 + c / L];
      for (int r = 0; r < liveRows; r++) {
        int w = base + windows[q0 + r];
        int t = r * cols;
        int at = w + tap;
        if (whole && at + L <= end) {
          FloatVector v = FloatVector.fromArray(SPECIES, tile, t + c);
          if (c + L > liveCols) {
            v = FloatVector.zero(SPECIES).blend(v, SPECIES.indexInRange(0, liveCols - c));
          }
          v.add(FloatVector.fromArray(SPECIES, target, at)).intoArray(target, at);
        } else {
          for (int j = c, last = Math.min(c + L, liveCols); j < last; j++) {
            int to = w + taps[k0 + j];
            target[to] = tile[t + j] + target[to];
          }
        }
      }
    }
  }

  /**
   * Whether a sliver's tiles may go through {@link #scatterPairs}: 64 live columns that are two taps of {@code 2 *
   * L} channels each, each contiguous, the second one pixel to the right of the first.
   */
  static boolean pairs(ConvPlan plan, int cols, int liveCols, int k0) {
    return cols == WIDER_COLS && liveCols == WIDER_COLS && plan.cg == 2 * L && plan.tapsRun(k0, 2 * L)
        && plan.tapsRun(k0 + 2 * L, 2 * L) && plan.taps[k0 + 2 * L] - plan.taps[k0] == plan.cg;
  }

  /**
   * {@link #scatter} for a tile that {@link #pairs} accepts: row {@code r}'s second tap and row {@code r + 1}'s
   * first land on the same floats when the two output pixels are neighbours, and are then summed in registers and
   * added once, so a tile of 5 rows takes 12 vector additions into the input instead of 20 (mnist-convnet's second
   * layer: 3 of its 4 slivers of 64 columns; in one JVM alternating, one core, the input gradient 2.6-3.3%
   * faster). Each input float still takes its terms in an order fixed by the sizes.
   */
  static void scatterPairs(float[] tile, int liveRows, float[] target, int base, int[] windows, int q0, int[] taps,
      int k0) {
    for (int c = 0; c < 2 * L; c += L) {
      int first = taps[k0] + c;
      int second = taps[k0 + 2 * L] + c;
      FloatVector pending = FloatVector.fromArray(SPECIES, tile, 2 * L + c);
      int pendingAt = base + windows[q0] + second;
      FloatVector v = FloatVector.fromArray(SPECIES, tile, c);
      int at = base + windows[q0] + first;
      v.add(FloatVector.fromArray(SPECIES, target, at)).intoArray(target, at);
      for (int r = 1; r < liveRows; r++) {
        at = base + windows[q0 + r] + first;
        v = FloatVector.fromArray(SPECIES, tile, r * WIDER_COLS + c);
        if (pendingAt == at) {
          v = pending.add(v);
        } else {
          pending.add(FloatVector.fromArray(SPECIES, target, pendingAt)).intoArray(target, pendingAt);
        }
        v.add(FloatVector.fromArray(SPECIES, target, at)).intoArray(target, at);
        pending = FloatVector.fromArray(SPECIES, tile, r * WIDER_COLS + 2 * L + c);
        pendingAt = base + windows[q0 + r] + second;
      }
      pending.add(FloatVector.fromArray(SPECIES, target, pendingAt)).intoArray(target, pendingAt);
    }
  }

  /** {@code target[o + r * ld + j] += tile[r * cols + j]}. */
  static void add(float[] tile, int cols, int liveRows, int liveCols, float[] target, int o, int ld) {
    if (liveCols == cols) {
      for (int r = 0; r < liveRows; r++) {
        for (int v = 0; v < cols; v += L) {
          int at = o + r * ld + v;
          FloatVector.fromArray(SPECIES, tile, r * cols + v).add(FloatVector.fromArray(SPECIES, target, at))
              .intoArray(target, at);
        }
      }
      return;
    }
    for (int r = 0; r < liveRows; r++) {
      for (int j = 0; j < liveCols; j++) {
        target[o + r * ld + j] = tile[r * cols + j] + target[o + r * ld + j];
      }
    }
  }

  /** {@link #add} for a compact tile whose rows are consecutive in {@code target}: {@code target[o + i] += tile[i]}. */
  static void addCompact(float[] tile, int n, float[] target, int o) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector.fromArray(SPECIES, tile, i).add(FloatVector.fromArray(SPECIES, target, o + i))
          .intoArray(target, o + i);
    }
    for (; i < n; i++) {
      target[o + i] = tile[i] + target[o + i];
    }
  }

  /**
   * Packs rows {@code [0, rows)} of a row-major matrix taken back through {@code f} ({@code f'(y) * src}, with
   * {@code y} at the same places in {@code output}; see {@link VectorElementwise#derivative}; for the identity
   * {@code output} may be null) as one sliver {@code packed[at + r * cols + j]} ({@code src[s + r * ld + j]},
   * {@code j < liveCols}), zero past {@code liveCols}; when {@code sums} is not null, also adds each column's total
   * over these rows (formed in row order from zero) to {@code sums[sumsAt + j]}.
   */
  static void packRows(float[] src, Pointwise f, float alpha, float[] output, int s, int ld, int rows, int cols,
      int liveCols, float[] packed, int at, float[] sums, int sumsAt) {
    // The column totals come after, from the packed rows, in a loop of their own: a vector total carried through
    // this loop was sometimes boxed by C2 (lenet5's first-layer weight gradient then took 3.2 ms instead of 1.2).
    if (liveCols == cols) {
      for (int v = 0; v < cols; v += L) {
        for (int r = 0; r < rows; r++) {
          VectorElementwise.derivative(f, alpha, output, output, src, s + r * ld + v, packed, at + r * cols + v);
        }
        if (sums != null) {
          addColumnTotals(packed, at, rows, cols, v, L, sums, sumsAt + v);
        }
      }
      return;
    }
    if (cols == L) {
      // One vector a row, its dead lanes zeroed; rows whose vector would run past the array go through the loop
      // below.
      VectorMask<Float> live = SPECIES.indexInRange(0, liveCols);
      FloatVector zero = FloatVector.zero(SPECIES);
      int r = 0;
      for (; r < rows && s + r * ld + L <= src.length; r++) {
        VectorElementwise.derivative(f, alpha, output, output, src, s + r * ld, packed, at + r * cols);
        zero.blend(FloatVector.fromArray(SPECIES, packed, at + r * cols), live).intoArray(packed, at + r * cols);
      }
      for (; r < rows; r++) {
        for (int j = 0; j < L; j++) {
          packed[at + r * cols + j] = j < liveCols ? gradient(src, f, alpha, output, s + r * ld + j) : 0f;
        }
      }
      if (sums != null) {
        addColumnTotals(packed, at, rows, cols, 0, liveCols, sums, sumsAt);
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      for (int j = 0, from = s + r * ld, to = at + r * cols; j < liveCols; j++) {
        packed[to + j] = gradient(src, f, alpha, output, from + j);
      }
      Arrays.fill(packed, at + r * cols + liveCols, at + (r + 1) * cols, 0f);
    }
    if (sums != null) {
      for (int j = 0; j < liveCols; j++) {
        float total = 0f;
        for (int r = 0; r < rows; r++) {
          total += packed[at + r * cols + j];
        }
        sums[sumsAt + j] = total + sums[sumsAt + j];
      }
    }
  }

  /**
   * Adds to {@code sums[at + j]}, {@code j < lanes}, the total of column {@code v + j} over {@code rows} packed
   * rows of {@code cols} floats from {@code packed[from]} on, formed lane by lane in row order from zero.
   */
  static void addColumnTotals(float[] packed, int from, int rows, int cols, int v, int lanes, float[] sums,
      int at) {
    FloatVector total = FloatVector.zero(SPECIES);
    for (int r = 0; r < rows; r++) {
      total = total.add(FloatVector.fromArray(SPECIES, packed, from + r * cols + v));
    }
    if (lanes == L) {
      total.add(FloatVector.fromArray(SPECIES, sums, at)).intoArray(sums, at);
    } else {
      for (int j = 0; j < lanes; j++) {
        sums[at + j] = total.lane(j) + sums[at + j];
      }
    }
  }

  /**
   * Element {@code i} of {@code src} taken back through {@code f} ({@code output} null for the identity), as
   * {@link #packRows} takes it.
   */
  static float gradient(float[] src, Pointwise f, float alpha, float[] output, int i) {
    return output == null ? src[i] : VectorElementwise.derivative(f, alpha, output[i], output[i], src[i]);
  }
}
