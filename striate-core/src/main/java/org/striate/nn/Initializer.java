package org.striate.nn;

import java.util.Locale;
import java.util.SplittableRandom;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Weight initialisation schemes, with Keras names and formulas.
 *
 * <p>Fans follow Keras: for a dense kernel {@code (in, out)}, {@code fanIn = in} and {@code fanOut = out}; for
 * a convolution kernel {@code (kh, kw, cin, cout)}, {@code fanIn = kh * kw * cin} and
 * {@code fanOut = kh * kw * cout}.
 */
public enum Initializer {
  /** Zeros; the Keras default for biases. */
  ZEROS,
  /** Ones; for scales. */
  ONES,
  /** Uniform in {@code [-l, l]} with {@code l = sqrt(6 / (fanIn + fanOut))}; the Keras default for kernels. */
  GLOROT_UNIFORM,
  /** Truncated normal (at two standard deviations) with variance {@code 2 / (fanIn + fanOut)}. */
  GLOROT_NORMAL,
  /** Truncated normal (at two standard deviations) with variance {@code 2 / fanIn}. */
  HE_NORMAL,
  /** Uniform in {@code [-l, l]} with {@code l = sqrt(6 / fanIn)}. */
  HE_UNIFORM;

  /**
   * The standard deviation of a normal truncated at two standard deviations, as a fraction of the untruncated
   * one; Keras divides by it so that the truncated distribution has the intended variance.
   */
  private static final double TRUNCATED_STDDEV_FACTOR = 0.87962566103423978;

  /** The Keras name, such as {@code glorot_uniform}. */
  public String kerasName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Initializer parse(String name) {
    for (Initializer i : values()) {
      if (i.kerasName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "initializer must be one of zeros, ones, glorot_uniform, glorot_normal, he_normal, he_uniform, got '"
            + name + "'");
  }

  /** Fills {@code t} in place, drawing from {@code random}. */
  public void fill(Tensor t, SplittableRandom random) {
    float[] d = t.data();
    int[] fans = fans(t.shape());
    double fanIn = fans[0];
    double fanOut = fans[1];
    switch (this) {
      case ZEROS -> java.util.Arrays.fill(d, 0f);
      case ONES -> java.util.Arrays.fill(d, 1f);
      case GLOROT_UNIFORM -> uniform(d, Math.sqrt(6.0 / (fanIn + fanOut)), random);
      case HE_UNIFORM -> uniform(d, Math.sqrt(6.0 / fanIn), random);
      case GLOROT_NORMAL -> truncatedNormal(d, Math.sqrt(2.0 / (fanIn + fanOut)), random);
      case HE_NORMAL -> truncatedNormal(d, Math.sqrt(2.0 / fanIn), random);
    }
  }

  /** {@code {fanIn, fanOut}} of a weight of this shape. */
  static int[] fans(Shape shape) {
    int rank = shape.rank();
    if (rank == 0) {
      return new int[] {1, 1};
    }
    if (rank == 1) {
      return new int[] {shape.dim(0), shape.dim(0)};
    }
    int receptive = 1;
    for (int i = 0; i < rank - 2; i++) {
      receptive *= shape.dim(i);
    }
    return new int[] {receptive * shape.dim(rank - 2), receptive * shape.dim(rank - 1)};
  }

  private static void uniform(float[] d, double limit, SplittableRandom random) {
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
  }

  private static void truncatedNormal(float[] d, double stddev, SplittableRandom random) {
    double sigma = stddev / TRUNCATED_STDDEV_FACTOR;
    for (int i = 0; i < d.length; i++) {
      double z;
      do {
        z = gaussian(random);
      } while (Math.abs(z) > 2);
      d[i] = (float) (z * sigma);
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller, one value per call: simple and fully determined by the stream.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
