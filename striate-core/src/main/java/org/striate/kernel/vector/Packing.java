package org.striate.kernel.vector;

import static org.striate.kernel.vector.MicroKernel.MR;
import static org.striate.kernel.vector.MicroKernel.NR;

import java.util.Arrays;

/**
 * Copies blocks of {@code op(A)} and {@code op(B)} into compact slivers that {@link MicroKernel#multiply} reads
 * with small fixed strides, whatever the transposes and leading dimensions were. Edges are padded with zeros
 * to whole slivers; the padded rows and columns of a tile are computed and then dropped.
 */
final class Packing {
  private Packing() {}

  /**
   * Packs {@code op(A)[i0 .. i0 + rows)[p0 .. p0 + kc)} in slivers of {@link MicroKernel#MR} rows, sliver
   * {@code s} (a multiple of MR) starting at {@code packed[s * kc]}, rows past {@code rows} zero. The layout
   * follows the storage, so that packing is a plain copy: element {@code (s + r, p)} lands at
   * {@code s * kc + r * rowStride(transA, kc) + p * depthStride(transA)}. {@code op(A)(i, p)} is
   * {@code a[aOffset + i * lda + p]}, or {@code a[aOffset + p * lda + i]} when {@code transA}.
   */
  static void packA(
      boolean transA, float[] a, int aOffset, int lda, int i0, int rows, int p0, int kc, float[] packed) {
    if (!transA) {
      // Rows of A are rows of the block: kc-long copies.
      for (int r = 0; r < rows; r++) {
        System.arraycopy(a, aOffset + (i0 + r) * lda + p0, packed, r * kc, kc);
      }
      Arrays.fill(packed, rows * kc, roundUp(rows, MR) * kc, 0f);
      return;
    }
    for (int s = 0; s < rows; s += MR) {
      packTransposedSliver(a, aOffset + p0 * lda + i0 + s, lda, Math.min(MR, rows - s), kc, packed, s * kc);
    }
  }

  /**
   * Copies {@code live <= MR} consecutive elements of each of {@code kc} rows of the stored transposed A,
   * {@code a[src + p * lda + r]}, to {@code packed[dst + p * MR + r]}, zeroing {@code r >= live}.
   */
  static void packTransposedSliver(float[] a, int src, int lda, int live, int kc, float[] packed, int dst) {
    if (live == MR) {
      for (int p = 0; p < kc; p++, src += lda, dst += MR) {
        packed[dst] = a[src];
        packed[dst + 1] = a[src + 1];
        packed[dst + 2] = a[src + 2];
        packed[dst + 3] = a[src + 3];
        packed[dst + 4] = a[src + 4];
        packed[dst + 5] = a[src + 5];
      }
      return;
    }
    for (int p = 0; p < kc; p++, src += lda, dst += MR) {
      for (int r = 0; r < live; r++) {
        packed[dst + r] = a[src + r];
      }
      for (int r = live; r < MR; r++) {
        packed[dst + r] = 0f;
      }
    }
  }

  /** The distance between rows of a sliver packed by {@link #packA}. */
  static int rowStride(boolean transA, int kc) {
    return transA ? 1 : kc;
  }

  /** The distance between consecutive {@code p} in a sliver packed by {@link #packA}. */
  static int depthStride(boolean transA) {
    return transA ? MR : 1;
  }

  static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  /**
   * Packs {@code op(B)[p0 .. p0 + kc)[j0 .. j0 + cols)} as slivers of {@link MicroKernel#NR} columns: element
   * {@code (p0 + p, j0 + t + j)} goes to {@code packed[t * kc + p * NR + j]} for {@code t} a multiple of NR.
   * {@code op(B)(p, j)} is {@code b[bOffset + p * ldb + j]}, or {@code b[bOffset + j * ldb + p]} when
   * {@code transB}.
   */
  static void packB(
      boolean transB, float[] b, int bOffset, int ldb, int p0, int kc, int j0, int cols, float[] packed) {
    for (int t = 0; t < cols; t += NR) {
      int base = t * kc;
      int live = Math.min(NR, cols - t);
      if (transB) {
        for (int j = 0; j < live; j++) {
          int src = bOffset + (j0 + t + j) * ldb + p0;
          for (int p = 0, dst = base + j; p < kc; p++, dst += NR) {
            packed[dst] = b[src + p];
          }
        }
        for (int j = live; j < NR; j++) {
          for (int p = 0, dst = base + j; p < kc; p++, dst += NR) {
            packed[dst] = 0f;
          }
        }
      } else {
        // Row p of the stored B holds the sliver's NR columns contiguously.
        for (int p = 0, src = bOffset + p0 * ldb + j0 + t, dst = base; p < kc; p++, src += ldb, dst += NR) {
          System.arraycopy(b, src, packed, dst, live);
          if (live < NR) {
            Arrays.fill(packed, dst + live, dst + NR, 0f);
          }
        }
      }
    }
  }
}
