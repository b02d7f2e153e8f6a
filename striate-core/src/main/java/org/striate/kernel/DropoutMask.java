package org.striate.kernel;

/**
 * The rule that decides which elements dropout keeps, shared by the scalar and the vector kernels so that both
 * compute the same bits. The rule is counter-based: element {@code i} depends only on the seed and on {@code i},
 * so a loop may be cut into pieces anywhere, run them on any threads, and give the same mask.
 *
 * <p>Element {@code i} is kept iff {@code (hash(seed, i) >>> 32) >= threshold(rate)}, where {@link #hash} is
 * SplitMix64's output function applied to {@code seed + (i + 1) * 0x9E3779B97F4A7C15L} (the {@code i}-th
 * state of a SplitMix64 stream started at {@code seed}) and {@link #threshold} is {@code round(rate * 2^32)}.
 * The top 32 bits of the hash are uniform, so an element is dropped with probability exactly {@code
 * threshold / 2^32}, which differs from {@code rate} by at most {@code 2^-33}.
 */
public final class DropoutMask {
  /** The golden-ratio increment of SplitMix64 (Steele, Lea and Flood, 2014; {@code java.util.SplittableRandom}). */
  public static final long GAMMA = 0x9E3779B97F4A7C15L;

  private DropoutMask() {}

  /**
   * {@code round(rate * 2^32)}: an element whose hash has its top 32 bits below it is dropped.
   *
   * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)} or NaN
   */
  public static long threshold(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropoutForward: rate must be in [0, 1), got " + rate);
    }
    return Math.round(rate * 0x1p32);
  }

  /** {@code 1 / (1 - rate)} in float: the value of the mask at a kept element. */
  public static float scale(double rate) {
    return (float) (1 / (1 - rate));
  }

  /** SplitMix64's output function (the variant {@code SplittableRandom.mix64} uses) of {@code z}. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The hash of element {@code i} under {@code seed}: {@code mix(seed + (i + 1) * GAMMA)}. */
  public static long hash(long seed, long i) {
    return mix(seed + (i + 1) * GAMMA);
  }

  /**
   * Elements {@code [from, to)}: {@code mask[i] = scale} if element {@code i} is kept, else {@code 0}, and
   * {@code y[i] = x[i] * mask[i]}. Branchless, since half the elements of a rate-0.5 dropout would mispredict.
   */
  public static void apply(long seed, long threshold, float scale, float[] x, float[] mask, float[] y, int from,
      int to) {
    long z = seed + (from + 1L) * GAMMA;
    for (int i = from; i < to; i++, z += GAMMA) {
      // (h >>> 32) - threshold lies in (-2^32, 2^32), so its sign bit is 1 exactly when the element is dropped.
      long kept = ~((mix(z) >>> 32) - threshold) >>> 63;
      float m = scale * (float) kept;
      mask[i] = m;
      y[i] = x[i] * m;
    }
  }

  /** Elements {@code [from, to)} of dropout's backward pass: {@code gradX[i] = gradY[i] * mask[i]}. */
  public static void backward(float[] mask, float[] gradY, float[] gradX, int from, int to) {
    for (int i = from; i < to; i++) {
      gradX[i] = gradY[i] * mask[i];
    }
  }
}
