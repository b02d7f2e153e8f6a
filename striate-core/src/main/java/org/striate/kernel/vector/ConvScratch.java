package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.NARROW_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.NARROW_ROWS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDER_ROWS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDE_COLS;
import static org.striate.kernel.vector.ConvMicroKernel.WIDE_ROWS;

import java.util.Arrays;

/** One thread's buffers for {@link VectorConvolution}; they grow to the largest size asked for and are then reused. */
final class ConvScratch {
  final float[] tile =
      new float[Math.max(WIDER_ROWS * WIDER_COLS, Math.max(WIDE_ROWS * WIDE_COLS, NARROW_ROWS * NARROW_COLS))];
  /** Window offsets of one tile's rows, for tiles that run across images ({@link ConvPlan#batchWindows}). */
  final int[] windows = new int[Math.max(WIDER_ROWS, Math.max(WIDE_ROWS, NARROW_ROWS))];
  private float[] source = new float[0];
  private float[] packedWeight = new float[0];
  private float[] packedBlock = new float[0];
  private float[] flipped = new float[0];
  private float[][] weightParts = new float[0][];
  private float[][] biasParts = new float[0][];

  float[] flipped(int size) {
    flipped = atLeast(flipped, size);
    return flipped;
  }

  float[] source(int size) {
    source = atLeast(source, size);
    return source;
  }

  float[] packedWeight(int size) {
    packedWeight = atLeast(packedWeight, size);
    return packedWeight;
  }

  float[] packedBlock(int size) {
    packedBlock = atLeast(packedBlock, size);
    return packedBlock;
  }

  /** {@code chunks} buffers of at least {@code size} floats for a weight gradient's per-chunk sums. */
  float[][] weightParts(int chunks, int size) {
    weightParts = parts(weightParts, chunks, size);
    return Arrays.copyOf(weightParts, chunks);
  }

  /** As {@link #weightParts}, for the bias gradient. */
  float[][] biasParts(int chunks, int size) {
    biasParts = parts(biasParts, chunks, size);
    return Arrays.copyOf(biasParts, chunks);
  }

  /** {@code buffer}, or a new array of {@code size} floats when it is shorter: the grow-on-demand of every scratch. */
  static float[] atLeast(float[] buffer, int size) {
    return buffer.length < size ? new float[size] : buffer;
  }

  /** As {@link #atLeast(float[], int)}, for ints. */
  static int[] atLeast(int[] buffer, int size) {
    return buffer.length < size ? new int[size] : buffer;
  }

  private static float[][] parts(float[][] pool, int chunks, int size) {
    float[][] grown = pool.length < chunks ? Arrays.copyOf(pool, chunks) : pool;
    for (int c = 0; c < chunks; c++) {
      if (grown[c] == null || grown[c].length < size) {
        grown[c] = new float[size];
      }
    }
    return grown;
  }
}
