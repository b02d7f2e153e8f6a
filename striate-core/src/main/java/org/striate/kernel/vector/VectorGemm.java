package org.striate.kernel.vector;

import static org.striate.kernel.vector.MicroKernel.MR;
import static org.striate.kernel.vector.MicroKernel.NR;

import java.util.Arrays;
import org.striate.kernel.Parallel;

/**
 * {@code C = op(A) * op(B)} (or {@code C +=}) with the contract of {@link org.striate.kernel.Kernels#gemm},
 * organised as in GotoBLAS/BLIS: {@code C} is cut into column panels of up to {@link #NC} columns, {@code k}
 * into blocks of up to {@link #KC}, and rows into blocks of up to {@link #MC}; each {@code KC x NC} block of
 * {@code op(B)} and {@code MC x KC} block of {@code op(A)} is packed once into per-thread buffers (reused from
 * call to call) and then swept by the {@link MicroKernel} tile by tile. A transposed A is often better read
 * where it is ({@link #readsAInPlace}).
 *
 * <p>Threads split {@code C} into contiguous ranges of whole tiles: of rows when {@code m >= n}, else of
 * columns, so that the operand every thread packs in full is the smaller one. No thread reads another's
 * output. Each element of {@code C} is summed in the same order whatever the split (fused multiply-adds over
 * a {@code k} block from zero, then added to {@code C} block after block), so the result depends only on
 * the inputs, not on the thread count.
 */
final class VectorGemm {
  /**
   * Depth of a block: a {@code KC x NR} sliver of B (24 KiB with 256-bit vectors, 48 KiB with 512-bit ones)
   * stays in the 48 KiB L1 cache while slivers of A stream past it. Measured on one core with 256-bit vectors:
   * 384 beats 256 by 5-30% (longer runs per row of A, fewer merges); with 512-bit vectors 384, 256 and 192
   * were within the noise of the shared machine.
   */
  static final int KC = 384;
  /** Rows of a packed block of A: {@code MC x KC} floats (360 KiB) stay in the 1 MiB L2 cache. */
  static final int MC = 40 * MR;
  /** Columns of a packed panel of B: {@code KC x NC} floats (1.5 MiB, in L3). */
  static final int NC = 64 * NR;
  /** Up to this many columns of C, a transposed A may be read in place instead of packed. */
  static final int IN_PLACE_MAX_COLUMNS = 32 * NR;
  /**
   * Below this many multiply-adds (10 to 20 us on one core), a second thread costs about what it saves. Medians on
   * the 2-core test machine, one thread against two, with {@link Parallel}'s spinning workers: 128 x 84 x 120
   * (1.3 million) 18 us against 22, 128 x 10 x 1600 (mnist-convnet's last layer) 99 against 78, 128 x 120 x 400
   * 80 against 53.
   */
  static final long MIN_PARALLEL_WORK = 1_500_000;

  private final Parallel parallel;
  private final long minParallelWork;
  private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

  VectorGemm(Parallel parallel) {
    this(parallel, MIN_PARALLEL_WORK);
  }

  /** Tests split even tiny products across threads with {@code minParallelWork = 0}. */
  VectorGemm(Parallel parallel, long minParallelWork) {
    this.parallel = parallel;
    this.minParallelWork = minParallelWork;
  }

  /** See {@link org.striate.kernel.Kernels#gemm}. */
  void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      boolean accumulate, float[] c, int cOffset, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    boolean splitRows = m >= n;
    int tiles = splitRows ? ceilDiv(m, MR) : ceilDiv(n, NR);
    if ((long) m * n * k < minParallelWork || parallel.chunks(tiles) == 1) {
      multiply(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc);
      return;
    }
    parallel.forRange(tiles, (chunk, from, to) -> {
      if (splitRows) {
        int i0 = from * MR;
        int rows = Math.min(to * MR, m) - i0;
        int aStart = aOffset + (transA ? i0 : i0 * lda);
        int cStart = cOffset + i0 * ldc;
        multiply(transA, transB, rows, n, k, a, aStart, lda, b, bOffset, ldb, accumulate, c, cStart, ldc);
      } else {
        int j0 = from * NR;
        int cols = Math.min(to * NR, n) - j0;
        int bStart = bOffset + (transB ? j0 * ldb : j0);
        multiply(transA, transB, m, cols, k, a, aOffset, lda, b, bStart, ldb, accumulate, c, cOffset + j0, ldc);
      }
    });
  }

  /** {@link #gemm} on the calling thread only, with that thread's buffers (for kernels with threads of their own). */
  void multiply(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      boolean accumulate, float[] c, int cOffset, int ldc) {
    if (k == 0) {
      if (!accumulate) {
        for (int i = 0; i < m; i++) {
          Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0f);
        }
      }
      return;
    }
    Workspace ws = workspaces.get();
    // Equal blocks rather than full blocks and a thin remainder: k = 600 runs as 2 x 300, not 384 + 216.
    int kc = ceilDiv(k, ceilDiv(k, KC));
    int mc = Packing.roundUp(ceilDiv(m, ceilDiv(m, MC)), MR);
    int nc = Packing.roundUp(ceilDiv(n, ceilDiv(n, NC)), NR);
    boolean inPlace = readsAInPlace(transA, n, lda);
    float[] packedA = ws.packedA((inPlace ? MR : mc) * kc);
    float[] packedB = ws.packedB(kc * nc);
    float[] tile = ws.tile;
    for (int jc = 0; jc < n; jc += nc) {
      int cols = Math.min(nc, n - jc);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        int rowStride = Packing.rowStride(transA, depth);
        int depthStride = Packing.depthStride(transA);
        boolean add = accumulate || pc > 0;
        Packing.packB(transB, b, bOffset, ldb, pc, depth, jc, cols, packedB);
        for (int ic = 0; ic < m; ic += mc) {
          int rows = Math.min(mc, m - ic);
          int aStart = inPlace ? aOffset + pc * lda + ic : 0;
          int fullRows = rows / MR * MR;
          if (!inPlace) {
            Packing.packA(transA, a, aOffset, lda, ic, rows, pc, depth, packedA);
          } else if (fullRows < rows) {
            // The last sliver would read past the rows of A: it alone is packed.
            Packing.packTransposedSliver(a, aStart + fullRows, lda, rows - fullRows, depth, packedA, 0);
          }
          for (int jr = 0; jr < cols; jr += NR) {
            int tileCols = Math.min(NR, cols - jr);
            int bStart = jr * depth;
            int cStart = cOffset + ic * ldc + jc + jr;
            for (int ir = 0; ir < rows; ir += MR) {
              if (!inPlace) {
                MicroKernel.multiply(depth, packedA, ir * depth, rowStride, depthStride, packedB, bStart, tile);
              } else if (ir < fullRows) {
                MicroKernel.multiply(depth, a, aStart + ir, 1, lda, packedB, bStart, tile);
              } else {
                MicroKernel.multiply(depth, packedA, 0, 1, MR, packedB, bStart, tile);
              }
              MicroKernel.merge(tile, c, cStart + ir * ldc, ldc, Math.min(MR, rows - ir), tileCols, add);
            }
          }
        }
      }
    }
  }

  /**
   * Whether {@code op(A)} is read where it is stored rather than packed. Only a transposed A qualifies: the
   * kernel then reads six consecutive floats per step, so a sliver of depth {@code KC} spans KC cache lines
   * {@code 4 * lda} bytes apart. When {@code lda} is a multiple of 64 floats those lines crowd into a
   * quarter or less of the L1 sets and evict each other (measured 75 against 100 GFLOP/s packed for {@code
   * lda = 1024}); otherwise reading in place saves the copy, which matters most when few columns reuse it
   * (measured 110 against 72 GFLOP/s for {@code m = 1000, n = 32, k = 4000}; even at {@code n = 512}).
   */
  static boolean readsAInPlace(boolean transA, int n, int lda) {
    return transA && n <= IN_PLACE_MAX_COLUMNS && lda % 64 != 0;
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  /** One thread's packing buffers; they grow to the largest block seen and are then reused. */
  private static final class Workspace {
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    final float[] tile = new float[MR * NR];

    float[] packedA(int size) {
      if (packedA.length < size) {
        packedA = new float[size];
      }
      return packedA;
    }

    float[] packedB(int size) {
      if (packedB.length < size) {
        packedB = new float[size];
      }
      return packedB;
    }
  }
}
