package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_COLS;

import jdk.incubator.vector.FloatVector;

/**
 * The {@code 5 x 64} register tiles of {@link ConvMicroKernel} (AVX-512 only, {@link ConvMicroKernel#HAS_WIDER}),
 * in three spellings of one loop: {@link #wider} reads {@code A} through two offset tables, {@link #widerLinear}
 * through a row table and a depth that counts 0, 1, 2, ..., {@link #widerRows} through a depth table and rows that
 * are neighbouring floats. Each is the same sum in the same order; they differ in what C2 must check and keep in
 * registers per step, which is what they are for (see each method). They cannot share a helper: a vector that
 * crosses a call C2 did not inline is boxed.
 */
final class WiderMicroKernel {
  private WiderMicroKernel() {}

  /**
   * {@link ConvMicroKernel#wide} for {@link ConvMicroKernel#WIDER_COLS} columns: {@code tile[r * WIDER_COLS + j]},
   * {@code r < WIDER_ROWS}.
   */
  static void wider(int kc, float[] a, int base, int[] rows, int ri, int[] depth, int di, float[] b, int bi,
      float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c03 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c13 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c22 = c00;
    FloatVector c23 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c32 = c00;
    FloatVector c33 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c42 = c00;
    FloatVector c43 = c00;
    int a0 = base + rows[ri];
    int a1 = base + rows[ri + 1];
    int a2 = base + rows[ri + 2];
    int a3 = base + rows[ri + 3];
    int a4 = base + rows[ri + 4];
    for (int p = 0; p < kc; p++, bi += WIDER_COLS) {
      int q = depth[di + p];
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(SPECIES, b, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(SPECIES, b, bi + 3 * L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(SPECIES, a[a1 + q]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(SPECIES, a[a2 + q]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(SPECIES, a[a3 + q]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(SPECIES, a[a4 + q]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c02.intoArray(tile, 2 * L);
    c03.intoArray(tile, 3 * L);
    c10.intoArray(tile, WIDER_COLS);
    c11.intoArray(tile, WIDER_COLS + L);
    c12.intoArray(tile, WIDER_COLS + 2 * L);
    c13.intoArray(tile, WIDER_COLS + 3 * L);
    c20.intoArray(tile, 2 * WIDER_COLS);
    c21.intoArray(tile, 2 * WIDER_COLS + L);
    c22.intoArray(tile, 2 * WIDER_COLS + 2 * L);
    c23.intoArray(tile, 2 * WIDER_COLS + 3 * L);
    c30.intoArray(tile, 3 * WIDER_COLS);
    c31.intoArray(tile, 3 * WIDER_COLS + L);
    c32.intoArray(tile, 3 * WIDER_COLS + 2 * L);
    c33.intoArray(tile, 3 * WIDER_COLS + 3 * L);
    c40.intoArray(tile, 4 * WIDER_COLS);
    c41.intoArray(tile, 4 * WIDER_COLS + L);
    c42.intoArray(tile, 4 * WIDER_COLS + 2 * L);
    c43.intoArray(tile, 4 * WIDER_COLS + 3 * L);
  }

  /**
   * {@link #wider} for a depth table {@code depth[di + p] = p}, as in the input gradient, whose products run over
   * the output channels of one row of {@code gradOutput}: with the broadcasts' indices linear in {@code p}, C2 checks
   * their bounds once before the loop instead of five times a step (36 instructions a step instead of 43). The
   * input gradient of mnist-convnet's 32 -> 64 layer, one thread, this against {@link #wider} in the same JVMs:
   * faster in 10 of 10 JVMs, by 1.0 to 6.6% (medians of 20 alternating rounds of 50 passes each).
   */
  static void widerLinear(int kc, float[] a, int base, int[] rows, int ri, float[] b, int bi, float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c03 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c13 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c22 = c00;
    FloatVector c23 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c32 = c00;
    FloatVector c33 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c42 = c00;
    FloatVector c43 = c00;
    int a0 = base + rows[ri];
    int a1 = base + rows[ri + 1];
    int a2 = base + rows[ri + 2];
    int a3 = base + rows[ri + 3];
    int a4 = base + rows[ri + 4];
    for (int p = 0; p < kc; p++, bi += WIDER_COLS) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(SPECIES, b, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(SPECIES, b, bi + 3 * L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(SPECIES, a[a1 + p]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(SPECIES, a[a2 + p]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(SPECIES, a[a3 + p]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(SPECIES, a[a4 + p]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c02.intoArray(tile, 2 * L);
    c03.intoArray(tile, 3 * L);
    c10.intoArray(tile, WIDER_COLS);
    c11.intoArray(tile, WIDER_COLS + L);
    c12.intoArray(tile, WIDER_COLS + 2 * L);
    c13.intoArray(tile, WIDER_COLS + 3 * L);
    c20.intoArray(tile, 2 * WIDER_COLS);
    c21.intoArray(tile, 2 * WIDER_COLS + L);
    c22.intoArray(tile, 2 * WIDER_COLS + 2 * L);
    c23.intoArray(tile, 2 * WIDER_COLS + 3 * L);
    c30.intoArray(tile, 3 * WIDER_COLS);
    c31.intoArray(tile, 3 * WIDER_COLS + L);
    c32.intoArray(tile, 3 * WIDER_COLS + 2 * L);
    c33.intoArray(tile, 3 * WIDER_COLS + 3 * L);
    c40.intoArray(tile, 4 * WIDER_COLS);
    c41.intoArray(tile, 4 * WIDER_COLS + L);
    c42.intoArray(tile, 4 * WIDER_COLS + 2 * L);
    c43.intoArray(tile, 4 * WIDER_COLS + 3 * L);
  }

  /**
   * {@link #wider} for rows that are neighbouring floats, {@code A(r, p) = a[a0 + r + depth[di + p]]}, as in the
   * weight gradient, whose rows are a kernel row's taps and channels (side by side in the source, {@link
   * ConvPlan#taps}). The five broadcasts then read {@code a[q]} to {@code a[q + 4]}: C2 checks their bounds as two
   * (the lowest and the highest) instead of five, folds the offsets into the loads, and keeps no row offsets in
   * registers. {@link #wider}'s loop needs more integer registers than x86 has, and how C2 then fits it differs from
   * JVM to JVM (mnist-convnet's second-layer weight gradient took 3.2 ms in some JVMs and 3.9 in others). Alternating
   * the two on that weight gradient in one JVM (16 rounds of 20 passes, one core), this one took 0.85 to 0.87 of the
   * time in 3 of 6 JVMs and 0.95 to 1.00 in the others; on data in L1, 220-228 GFLOP/s against 198-200.
   */
  static void widerRows(int kc, float[] a, int a0, int[] depth, int di, float[] b, int bi, float[] tile) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c03 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c13 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c22 = c00;
    FloatVector c23 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c32 = c00;
    FloatVector c33 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c42 = c00;
    FloatVector c43 = c00;
    for (int p = 0; p < kc; p++, bi += WIDER_COLS) {
      int q = a0 + depth[di + p];
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
      FloatVector b2 = FloatVector.fromArray(SPECIES, b, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(SPECIES, b, bi + 3 * L);
      FloatVector x = FloatVector.broadcast(SPECIES, a[q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(SPECIES, a[q + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(SPECIES, a[q + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(SPECIES, a[q + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(SPECIES, a[q + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c02.intoArray(tile, 2 * L);
    c03.intoArray(tile, 3 * L);
    c10.intoArray(tile, WIDER_COLS);
    c11.intoArray(tile, WIDER_COLS + L);
    c12.intoArray(tile, WIDER_COLS + 2 * L);
    c13.intoArray(tile, WIDER_COLS + 3 * L);
    c20.intoArray(tile, 2 * WIDER_COLS);
    c21.intoArray(tile, 2 * WIDER_COLS + L);
    c22.intoArray(tile, 2 * WIDER_COLS + 2 * L);
    c23.intoArray(tile, 2 * WIDER_COLS + 3 * L);
    c30.intoArray(tile, 3 * WIDER_COLS);
    c31.intoArray(tile, 3 * WIDER_COLS + L);
    c32.intoArray(tile, 3 * WIDER_COLS + 2 * L);
    c33.intoArray(tile, 3 * WIDER_COLS + 3 * L);
    c40.intoArray(tile, 4 * WIDER_COLS);
    c41.intoArray(tile, 4 * WIDER_COLS + L);
    c42.intoArray(tile, 4 * WIDER_COLS + 2 * L);
    c43.intoArray(tile, 4 * WIDER_COLS + 3 * L);
  }

}
