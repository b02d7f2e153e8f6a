package org.striate.nn;

import java.util.List;
import org.striate.tensor.Shape;

/** Argument checks and config values shared by the layers that slide a window over NHWC images. */
final class Spatial {
  private Spatial() {}

  /**
   * @throws IllegalArgumentException {@code "<layer>: <argument> must be positive, got [h, w]"} unless both are
   */
  static void requirePositive(String layer, String argument, int h, int w) {
    if (h <= 0 || w <= 0) {
      throw new IllegalArgumentException(layer + ": " + argument + " must be positive, got " + pair(h, w));
    }
  }

  static void requireNonNull(String layer, String argument, Object value, String hint) {
    if (value == null) {
      throw new IllegalArgumentException(layer + ": " + argument + " must not be null (" + hint + "), got null");
    }
  }

  /** The channel count of a one-example image shape {@code (height, width, channels)}. */
  static int channels(Shape input) {
    if (input.rank() != 3) {
      throw new IllegalArgumentException("input must have rank 3 (height, width, channels), got " + input);
    }
    return input.dim(2);
  }

  /** An {@code [h, w]} pair as configs store it (Keras's {@code kernel_size}, {@code strides}, ...). */
  static List<Integer> pair(int h, int w) {
    return List.of(h, w);
  }
}
