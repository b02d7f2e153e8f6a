package org.striate.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner kernels of {@link VectorConvolution}: a register tile of {@code C} for a product {@code A · B} in
 * which {@code A} is read through two offset tables, {@code A(r, p) = a[base + rows[ri + r] + depth[di + p]]},
 * and {@code B} is packed in slivers of {@link #WIDE_COLS} or {@link #NARROW_COLS} columns ({@code b[bi + p *
 * cols + j]}).
 *
 * <p>The tables make one kernel serve the three convolution products without an im2col buffer ("implicit
 * GEMM"): with {@code rows} the offsets of output pixels' windows in the input and {@code depth} the offsets
 * of the window's taps and channels, {@code A} is the im2col matrix (forward); swapped, it is its transpose
 * (weight gradient); with plain row offsets it is any row-major matrix (output gradient). Reading through a
 * table costs one int load per step, shared by all rows, and measured the same speed as an explicit im2col
 * (190 against 192-199 GFLOP/s for mnist-convnet's second layer, kernels only).
 *
 * <p>The vectors are the CPU's preferred size: on AVX-512 that is 16 floats, and the fused multiply-adds of
 * 512-bit vectors run at twice the rate of 256-bit ones (measured 245 against 125 GFLOP/s on one core of the
 * test machine), so the tiles are {@code 6 x 32} ({@link #wide}, 12 accumulators), {@code 12 x 16} ({@link
 * #narrow}, for products with at most 16 columns) and, where there are 32 vector registers (AVX-512), {@code 5 x
 * 64} ({@link WiderMicroKernel#wider}, 20 accumulators, for products whose columns come in whole multiples of 64).
 * The wider tile makes 9 loads (4 vectors of {@code B}, 5 broadcasts of {@code A}) for 20 multiply-adds, the wide
 * one 8 for 12, which leaves room for loads that straddle cache lines (Java decides where an array starts; {@link
 * PanelAlignment} keeps {@code B}'s loads on lines where the JVM lets it). {@link WiderMicroKernel} has that tile's
 * variants.
 *
 * <p>Why 5 rows and not 6: a {@code 6 x 64} tile needs 29 of the 32 vector registers, and its loop also needs more
 * integer registers than x86 has, which C2 parks in vector registers. Whether it then fits depends on the profile C2
 * compiles with, which depends on what ran before. Training mnist-convnet (the passes mixed), a step took 11.2-12.3
 * ms instead of 8.7-8.8 in 6 of 8 JVMs on two threads, and 20.4-22.5 instead of 16.2-16.6 in 4 of 6 on one. In the
 * 10 JVMs where the compiled loop of a 6 x 64 tile was read (2 of that tile, 8 of a variant indexing {@code b} by
 * {@code p}), the 6 slow ones had accumulators spilled to the stack inside the loop and the 4 fast ones did not.
 * With 5 rows (25 registers) none of 10 compilations read spilled, and steps took 8.1-9.2 ms and 15.0-18.1 ms. Where
 * a JVM runs one pass alone, as a JMH fork does, the {@code 6 x 64} tile compiled without spills (6 of 6 forward
 * forks) and was faster (mnist-convnet's forward 3.39 against 3.87 ms, median of 8 forks), but training is what
 * users run.
 *
 * <p>Each kernel only writes its tile to a small buffer; adding it where it belongs is left to separate methods,
 * for the reason {@link MicroKernel} gives (C2 stops inlining Vector API calls in methods that grow large, and
 * boxes the vectors).
 */
final class ConvMicroKernel {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** Floats per vector. */
  static final int L = SPECIES.length();
  static final int WIDE_ROWS = 6;
  static final int WIDE_COLS = 2 * L;
  static final int NARROW_ROWS = 12;
  static final int NARROW_COLS = L;
  static final int WIDER_ROWS = 5;
  static final int WIDER_COLS = 4 * L;
  /**
   * Whether {@link WiderMicroKernel#wider} may run: its 20 accumulators, 4 slivers and a broadcast need 25 vector
   * registers, which AVX-512 has (32) and AVX2 does not (16).
   */
  static final boolean HAS_WIDER = SPECIES.vectorBitSize() >= 512;
  /**
   * A multiple of every kernel's tile rows (5, 6 and 12): offset tables padded to a multiple of it let a kernel
   * read a whole last tile past the end, whichever kernel it is.
   */
  static final int ROWS_MULTIPLE = 60;

  private ConvMicroKernel() {}

  /**
   * The sliver width for a product with {@code n} columns: {@link #NARROW_COLS} up to one vector, {@link
   * #WIDER_COLS} for whole multiples of it when {@link #HAS_WIDER}, {@link #WIDE_COLS} otherwise.
   */
  static int columns(int n) {
    if (n <= L) {
      return NARROW_COLS;
    }
    return HAS_WIDER && n % WIDER_COLS == 0 ? WIDER_COLS : WIDE_COLS;
  }

  /** The tile rows of the kernel for slivers of {@code cols} columns ({@link #columns}). */
  static int rows(int cols) {
    return cols == NARROW_COLS ? NARROW_ROWS : cols == WIDER_COLS ? WIDER_ROWS : WIDE_ROWS;
  }

  /**
   * The kernel for slivers of {@code cols} columns ({@link #columns}), with {@link #narrow}'s tile rows {@code
   * narrowStride} apart; vectors do not cross this call, so it costs nothing to keep the kernels apart.
   */
  static void tile(int cols, int kc, float[] a, int base, int[] rows, int ri, int[] depth, int di, float[] b,
      int bi, float[] tile, int narrowStride) {
    if (cols == NARROW_COLS) {
      narrow(kc, a, base, rows, ri, depth, di, b, bi, tile, narrowStride);
    } else if (cols == WIDE_COLS) {
      wide(kc, a, base, rows, ri, depth, di, b, bi, tile);
    } else {
      WiderMicroKernel.wider(kc, a, base, rows, ri, depth, di, b, bi, tile);
    }
  }

  /**
   * {@code tile[r * WIDE_COLS + j] = sum over p < kc of A(r, p) * b[bi + p * WIDE_COLS + j]} for {@code r <
   * WIDE_ROWS}, each sum formed by fused multiply-adds in increasing {@code p} from zero.
   */
  static void wide(int kc, float[] a, int base, int[] rows, int ri, int[] depth, int di, float[] b, int bi,
      float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    int a0 = base + rows[ri];
    int a1 = base + rows[ri + 1];
    int a2 = base + rows[ri + 2];
    int a3 = base + rows[ri + 3];
    int a4 = base + rows[ri + 4];
    int a5 = base + rows[ri + 5];
    for (int p = 0; p < kc; p++, bi += WIDE_COLS) {
      int q = depth[di + p];
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(SPECIES, a[a1 + q]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(SPECIES, a[a2 + q]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(SPECIES, a[a3 + q]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(SPECIES, a[a4 + q]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(SPECIES, a[a5 + q]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, WIDE_COLS);
    c11.intoArray(tile, WIDE_COLS + L);
    c20.intoArray(tile, 2 * WIDE_COLS);
    c21.intoArray(tile, 2 * WIDE_COLS + L);
    c30.intoArray(tile, 3 * WIDE_COLS);
    c31.intoArray(tile, 3 * WIDE_COLS + L);
    c40.intoArray(tile, 4 * WIDE_COLS);
    c41.intoArray(tile, 4 * WIDE_COLS + L);
    c50.intoArray(tile, 5 * WIDE_COLS);
    c51.intoArray(tile, 5 * WIDE_COLS + L);
  }

  /**
   * {@code tile[r * ts + j] = sum over p < kc of A(r, p) * b[bi + p * NARROW_COLS + j]} for {@code r <
   * NARROW_ROWS} and {@code j < min(ts, NARROW_COLS)}, summed as in {@link #wide}. Rows are written in order,
   * each as a whole vector, so with {@code ts} smaller than a vector a row's first {@code ts} floats survive and
   * the tile comes out compact: the rows of a product with {@code ts} columns, one after the other.
   */
  static void narrow(int kc, float[] a, int base, int[] rows, int ri, int[] depth, int di, float[] b, int bi,
      float[] tile, int ts) {
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
    int a0 = base + rows[ri];
    int a1 = base + rows[ri + 1];
    int a2 = base + rows[ri + 2];
    int a3 = base + rows[ri + 3];
    int a4 = base + rows[ri + 4];
    int a5 = base + rows[ri + 5];
    int a6 = base + rows[ri + 6];
    int a7 = base + rows[ri + 7];
    int a8 = base + rows[ri + 8];
    int a9 = base + rows[ri + 9];
    int a10 = base + rows[ri + 10];
    int a11 = base + rows[ri + 11];
    for (int p = 0; p < kc; p++, bi += NARROW_COLS) {
      int q = depth[di + p];
      FloatVector v = FloatVector.fromArray(SPECIES, b, bi);
      c0 = FloatVector.broadcast(SPECIES, a[a0 + q]).fma(v, c0);
      c1 = FloatVector.broadcast(SPECIES, a[a1 + q]).fma(v, c1);
      c2 = FloatVector.broadcast(SPECIES, a[a2 + q]).fma(v, c2);
      c3 = FloatVector.broadcast(SPECIES, a[a3 + q]).fma(v, c3);
      c4 = FloatVector.broadcast(SPECIES, a[a4 + q]).fma(v, c4);
      c5 = FloatVector.broadcast(SPECIES, a[a5 + q]).fma(v, c5);
      c6 = FloatVector.broadcast(SPECIES, a[a6 + q]).fma(v, c6);
      c7 = FloatVector.broadcast(SPECIES, a[a7 + q]).fma(v, c7);
      c8 = FloatVector.broadcast(SPECIES, a[a8 + q]).fma(v, c8);
      c9 = FloatVector.broadcast(SPECIES, a[a9 + q]).fma(v, c9);
      c10 = FloatVector.broadcast(SPECIES, a[a10 + q]).fma(v, c10);
      c11 = FloatVector.broadcast(SPECIES, a[a11 + q]).fma(v, c11);
    }
    c0.intoArray(tile, 0);
    c1.intoArray(tile, ts);
    c2.intoArray(tile, 2 * ts);
    c3.intoArray(tile, 3 * ts);
    c4.intoArray(tile, 4 * ts);
    c5.intoArray(tile, 5 * ts);
    c6.intoArray(tile, 6 * ts);
    c7.intoArray(tile, 7 * ts);
    c8.intoArray(tile, 8 * ts);
    c9.intoArray(tile, 9 * ts);
    c10.intoArray(tile, 10 * ts);
    c11.intoArray(tile, 11 * ts);
  }
}
