package org.striate.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner kernel of {@link VectorGemm}: an {@code MR x NR = 6 x 2L} block of {@code C} held in twelve vector
 * registers of {@code L} floats while a packed sliver of {@code A} ({@code kc x MR}) meets a packed sliver of
 * {@code B} ({@code kc x NR}). The vectors are {@link ConvMicroKernel#SPECIES}, the CPU's preferred size: 16
 * floats on AVX-512, where this kernel runs twice as fast as with 256-bit vectors (square 512: about 200
 * against 100 GFLOP/s of CPU time on one core). Every kernel of the package must use the same species: a JVM
 * that runs vector code of two sizes sees both in the profiles of the Vector API's shared methods, and C2 then
 * compiles the kernels of one size badly (measured: the convolutions ran 3 to 17 times slower after a 256-bit
 * GEMM had run in the same JVM).
 *
 * <p>Why this shape: on AVX2/AVX-512 x86 the 6 x 2L tile keeps 12 accumulators, 2 loaded rows of {@code B} and
 * one broadcast of {@code A} in registers, and each step does 12 FMAs for 2 loads and 6 broadcasts, enough to
 * reach the FMA peak. The method is deliberately short: C2 stops inlining Vector API calls once a method's IR
 * grows past {@code NodeCountInliningCutoff}, and a vector that reaches a call that was not inlined is boxed on
 * the heap, which halves the speed (a version that added the tile into {@code C} through a helper method ran
 * at 50 instead of 110 GFLOP/s in about half the runs). So the kernel only writes the tile to a small buffer,
 * and {@link #merge} adds it to {@code C} in a separate method.
 */
final class MicroKernel {
  static final VectorSpecies<Float> SPECIES = ConvMicroKernel.SPECIES;
  /** Rows of the register tile. */
  static final int MR = 6;
  /** Columns of the register tile: two vectors. */
  static final int NR = 2 * ConvMicroKernel.L;
  private static final int L = ConvMicroKernel.L;

  private MicroKernel() {}

  /**
   * {@code tile[r * NR + j] = sum over p < kc of A(r, p) * b[bi + p * NR + j]}, each sum formed by fused
   * multiply-adds in increasing {@code p} from zero, where {@code A(r, p) = a[ai + r * rowStride + p *
   * depthStride]}: the strides let one kernel read packed slivers of either layout, or {@code op(A)} in place.
   */
  static void multiply(int kc, float[] a, int ai, int rowStride, int depthStride, float[] b, int bi, float[] tile) {
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
    int a1 = ai + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    int a4 = a3 + rowStride;
    int a5 = a4 + rowStride;
    for (int p = 0, q = 0; p < kc; p++, q += depthStride, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[ai + q]);
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
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
  }

  /**
   * Writes the top-left {@code rows x cols} of {@code tile} to {@code C} at {@code c[ci + r * ldc + j]}, adding
   * it to what is there when {@code add}. Partial tiles (the edges of {@code C}) go through scalar code that
   * rounds exactly like the vector path, so an element's value does not depend on where the tile fell.
   */
  static void merge(float[] tile, float[] c, int ci, int ldc, int rows, int cols, boolean add) {
    if (rows == MR && cols == NR) {
      for (int r = 0; r < MR; r++, ci += ldc) {
        FloatVector t0 = FloatVector.fromArray(SPECIES, tile, r * NR);
        FloatVector t1 = FloatVector.fromArray(SPECIES, tile, r * NR + L);
        if (add) {
          t0 = t0.add(FloatVector.fromArray(SPECIES, c, ci));
          t1 = t1.add(FloatVector.fromArray(SPECIES, c, ci + L));
        }
        t0.intoArray(c, ci);
        t1.intoArray(c, ci + L);
      }
      return;
    }
    for (int r = 0; r < rows; r++, ci += ldc) {
      int t = r * NR;
      if (add) {
        for (int j = 0; j < cols; j++) {
          c[ci + j] = tile[t + j] + c[ci + j];
        }
      } else {
        System.arraycopy(tile, t, c, ci, cols);
      }
    }
  }
}
