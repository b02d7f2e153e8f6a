package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.kernel.Parallel;
import org.striate.kernel.ScalarKernels;

/**
 * {@link VectorGemm} against {@link ScalarKernels#gemm} on awkward sizes (1, primes, the vector length and the
 * tile sizes plus or minus one, sizes that cross the cache blocks), every transpose, both accumulate modes,
 * offsets and padded leading dimensions, and 1 to 3 threads. Surefire runs it with the Vector API's bounds
 * checks on.
 */
class VectorGemmTest {
  private static final int[] SIZES = {1, 2, 5, 7, 8, 9, 13, 31, 32, 33, 63, 64, 65, 97, 130};
  private static final ScalarKernels ORACLE = new ScalarKernels(1);

  /** One call: the operands' shapes and flags, and how much the stored matrices are padded. */
  private record Case(
      boolean transA, boolean transB, int m, int n, int k, boolean accumulate, long seed, int lda) {
    Case(boolean transA, boolean transB, int m, int n, int k, boolean accumulate, long seed) {
      this(transA, transB, m, n, k, accumulate, seed, 0);
    }

    @Override
    public String toString() {
      return "gemm " + m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB
          + " accumulate=" + accumulate + " seed=" + seed + (lda > 0 ? " lda=" + lda : "");
    }
  }

  /** Storage for one case: random values everywhere, including the padding, which must survive untouched. */
  private static final class Operands {
    final int aOffset;
    final int lda;
    final int bOffset;
    final int ldb;
    final int cOffset;
    final int ldc;
    final float[] a;
    final float[] b;
    final float[] c;

    Operands(Case t) {
      SplittableRandom r = new SplittableRandom(t.seed);
      aOffset = r.nextInt(4);
      bOffset = r.nextInt(4);
      cOffset = r.nextInt(4);
      lda = t.lda > 0 ? t.lda : (t.transA ? t.m : t.k) + r.nextInt(3);
      ldb = (t.transB ? t.k : t.n) + r.nextInt(3);
      ldc = Math.max(1, t.n + r.nextInt(3));
      a = random(r, aOffset + (t.transA ? t.k : t.m) * lda + r.nextInt(3));
      b = random(r, bOffset + (t.transB ? t.n : t.k) * ldb + r.nextInt(3));
      c = random(r, cOffset + t.m * ldc + r.nextInt(3));
    }

    private static float[] random(SplittableRandom r, int n) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = (float) (r.nextDouble() * 2 - 1);
      }
      return x;
    }
  }

  private static float[] abs(float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.abs(x[i]);
    }
    return y;
  }

  /** Runs one case on {@code gemm}, on fresh operands; returns the whole C array. */
  private static float[] run(VectorGemm gemm, Case t) {
    Operands o = new Operands(t);
    gemm.gemm(t.transA, t.transB, t.m, t.n, t.k, o.a, o.aOffset, o.lda, o.b, o.bOffset, o.ldb,
        t.accumulate, o.c, o.cOffset, o.ldc);
    return o.c;
  }

  /** Runs one case on {@code gemm} and checks it against the oracle; returns the computed C array. */
  private static float[] check(VectorGemm gemm, Case t) {
    Operands o = new Operands(t);
    float[] a = o.a.clone();
    float[] b = o.b.clone();
    float[] got = o.c.clone();
    gemm.gemm(t.transA, t.transB, t.m, t.n, t.k, a, o.aOffset, o.lda, b, o.bOffset, o.ldb,
        t.accumulate, got, o.cOffset, o.ldc);
    float[] want = o.c.clone();
    ORACLE.gemm(t.transA, t.transB, t.m, t.n, t.k, o.a, o.aOffset, o.lda, o.b, o.bOffset, o.ldb,
        t.accumulate, want, o.cOffset, o.ldc);
    // The error bound of a float sum of k products, relative to |C| + sum of |a||b|, for both results.
    float[] scale = abs(o.c);
    ORACLE.gemm(t.transA, t.transB, t.m, t.n, t.k, abs(o.a), o.aOffset, o.lda, abs(o.b), o.bOffset, o.ldb,
        t.accumulate, scale, o.cOffset, o.ldc);
    double tolerance = (t.k + 2) * 0x1p-23;

    assertArrayEquals(o.a, a, "A is read only: " + t);
    assertArrayEquals(o.b, b, "B is read only: " + t);
    for (int idx = 0; idx < got.length; idx++) {
      int rel = idx - o.cOffset;
      int i = Math.floorDiv(rel, o.ldc);
      int j = rel - i * o.ldc;
      if (rel >= 0 && i < t.m && j < t.n) {
        assertTrue(Math.abs(got[idx] - want[idx]) <= tolerance * scale[idx],
            t + ": C[" + i + "][" + j + "] = " + got[idx] + ", scalar kernels give " + want[idx]);
      } else {
        assertEquals(Float.floatToRawIntBits(o.c[idx]), Float.floatToRawIntBits(got[idx]),
            t + ": element " + idx + " of the C array is outside C and must not be written");
      }
    }
    return got;
  }

  private static Case variant(int m, int n, int k, int flags, long seed) {
    return new Case((flags & 1) != 0, (flags & 2) != 0, m, n, k, (flags & 4) != 0, seed);
  }

  @Test
  void everyAwkwardSizeOnEachAxisWithEveryTransposeAndAccumulateMode() {
    try (Parallel one = new Parallel(1)) {
      VectorGemm gemm = new VectorGemm(one);
      long seed = 0;
      for (int s : SIZES) {
        for (int flags = 0; flags < 8; flags++) {
          check(gemm, variant(s, 9, 13, flags, seed++));
          check(gemm, variant(13, s, 9, flags, seed++));
          check(gemm, variant(9, 13, s, flags, seed++));
          check(gemm, variant(s, s, s, flags, seed++));
        }
      }
    }
  }

  @Test
  void randomTriplesOfAwkwardSizesOnOneToThreeThreads() {
    SplittableRandom r = new SplittableRandom(42);
    for (int threads = 1; threads <= 3; threads++) {
      try (Parallel parallel = new Parallel(threads)) {
        VectorGemm gemm = new VectorGemm(parallel, 0);
        for (int i = 0; i < 40; i++) {
          int m = SIZES[r.nextInt(SIZES.length)];
          int n = SIZES[r.nextInt(SIZES.length)];
          int k = SIZES[r.nextInt(SIZES.length)];
          check(gemm, variant(m, n, k, r.nextInt(8), r.nextLong()));
        }
      }
    }
  }

  @Test
  void sizesThatCrossEveryCacheBlock() {
    try (Parallel parallel = new Parallel(2)) {
      VectorGemm gemm = new VectorGemm(parallel, 0);
      for (int flags = 0; flags < 8; flags++) {
        // Rows over MC, columns over NC, depth over KC, none a multiple of the tile.
        check(gemm, variant(VectorGemm.MC + 7, VectorGemm.NC + 13, VectorGemm.KC + 5, flags, flags));
      }
    }
  }

  @Test
  void aTransposedAIsReadInPlaceOrPackedDependingOnItsLeadingDimension() {
    try (Parallel one = new Parallel(1)) {
      VectorGemm gemm = new VectorGemm(one);
      for (int m : new int[] {1, 5, 6, 7, 12, 13, 97}) {
        for (int lda : new int[] {128, 129}) {
          for (int flags = 1; flags < 8; flags += 2) {
            check(gemm, new Case(true, (flags & 2) != 0, m, 33, 65, (flags & 4) != 0, m + lda, lda));
          }
        }
      }
    }
    assertTrue(VectorGemm.readsAInPlace(true, 33, 129));
    assertFalse(VectorGemm.readsAInPlace(true, 33, 128));
    assertFalse(VectorGemm.readsAInPlace(false, 33, 129));
  }

  @Test
  void threadsSplitRowsOrColumnsAndTheResultIsBitIdenticalForAnyThreadCount() {
    Case[] cases = {
        variant(130, 97, 97, 0, 1), // m >= n: rows are split
        variant(97, 65, 200, 7, 2),
        variant(13, 7, 31, 6, 3),
        variant(31, 130, 261, 0, 4), // m < n: columns are split
        variant(33, 97, 400, 5, 5),
        variant(7, 33, 9, 3, 6),
    };
    for (Case t : cases) {
      float[] oneThread = null;
      for (int threads = 1; threads <= 3; threads++) {
        try (Parallel parallel = new Parallel(threads)) {
          VectorGemm gemm = new VectorGemm(parallel, 0);
          float[] once = threads == 1 ? check(gemm, t) : run(gemm, t);
          assertArrayEquals(once, run(gemm, t), t + ": a repeat on " + threads + " threads");
          if (oneThread == null) {
            oneThread = once;
          }
          assertArrayEquals(oneThread, once, t + ": " + threads + " threads against 1");
        }
      }
    }
  }

  @Test
  void emptyDepthClearsCOrLeavesItAndEmptyCIsANoOp() {
    try (Parallel one = new Parallel(1)) {
      VectorGemm gemm = new VectorGemm(one);
      for (int flags = 0; flags < 8; flags++) {
        check(gemm, variant(7, 9, 0, flags, flags));
        check(gemm, variant(0, 9, 5, flags, flags));
        check(gemm, variant(7, 0, 5, flags, flags));
      }
    }
  }
}
