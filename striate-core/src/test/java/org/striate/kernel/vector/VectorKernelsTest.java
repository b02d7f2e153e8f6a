package org.striate.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;

/** What {@link VectorKernels} does not compute itself must be exactly what {@link ScalarKernels} computes. */
class VectorKernelsTest {

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble() * 4 - 2);
    }
    return x;
  }

  @Test
  void nameThreadsAndValidation() {
    try (VectorKernels k = new VectorKernels(3)) {
      assertEquals("vector", k.name());
      assertEquals(3, k.threads());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VectorKernels(0));
    assertEquals("threads must be >= 1, got 0", e.getMessage());
  }

  @Test
  void elementWiseOperationsAreTheScalarOnesBitForBit() {
    int rows = 37;
    int cols = 11;
    float[] x = random(rows * cols, 1);
    float[] gy = random(rows * cols, 2);
    float[] bias = random(cols, 3);
    try (Kernels v = new VectorKernels(2); Kernels s = new ScalarKernels(2)) {
      for (Kernels k : new Kernels[] {v, s}) {
        assertEquals(k == v ? "vector" : "scalar", k.name());
      }
      for (Pointwise f : Pointwise.values()) {
        float[][] out = new float[2][];
        float[][] grad = new float[2][];
        for (int i = 0; i < 2; i++) {
          Kernels k = i == 0 ? v : s;
          out[i] = new float[x.length];
          grad[i] = new float[x.length];
          k.pointwiseForward(f, 0.2f, x, out[i], x.length);
          k.pointwiseBackward(f, 0.2f, x, out[i], gy, grad[i], x.length);
        }
        assertArrayEquals(out[1], out[0], f.toString());
        assertArrayEquals(grad[1], grad[0], f + "'");
      }
      float[][] soft = new float[2][x.length];
      float[][] softGrad = new float[2][x.length];
      float[][] biased = {x.clone(), x.clone()};
      float[][] sums = {bias.clone(), bias.clone()};
      for (int i = 0; i < 2; i++) {
        Kernels k = i == 0 ? v : s;
        k.softmaxRows(rows, cols, x, soft[i]);
        k.softmaxRowsBackward(rows, cols, soft[i], gy, softGrad[i]);
        k.addRowVector(rows, cols, bias, biased[i]);
        k.sumRowsInto(rows, cols, gy, sums[i]);
      }
      assertArrayEquals(soft[1], soft[0]);
      assertArrayEquals(softGrad[1], softGrad[0]);
      assertArrayEquals(biased[1], biased[0]);
      assertArrayEquals(sums[1], sums[0]);
    }
  }

  @Test
  void gemmIsTheVectorOne() {
    int m = 13;
    int n = 33;
    int k = 31;
    float[] a = random(m * k, 4);
    float[] b = random(k * n, 5);
    float[] viaKernels = new float[m * n];
    float[] direct = new float[m * n];
    try (VectorKernels v = new VectorKernels(1); Parallel one = new Parallel(1)) {
      v.gemm(false, false, m, n, k, a, 0, k, b, 0, n, false, viaKernels, 0, n);
      new VectorGemm(one).gemm(false, false, m, n, k, a, 0, k, b, 0, n, false, direct, 0, n);
    }
    assertArrayEquals(direct, viaKernels);
  }
}
