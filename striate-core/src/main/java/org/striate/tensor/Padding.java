package org.striate.tensor;

/**
 * How a sliding window (convolution or pooling) treats the borders of its input.
 *
 * <ul>
 *   <li>{@link #VALID}: no padding; windows lie entirely inside the input.
 *   <li>{@link #SAME}: the Keras/TensorFlow rule: {@code out = ceil(in / stride)}, with the total padding
 *       {@code max((out - 1) * stride + effectiveKernel - in, 0)} split so that the odd extra pixel goes to
 *       the bottom and right.
 *   <li>{@link Explicit}: the given number of pixels on each side, possibly asymmetric.
 * </ul>
 */
public sealed interface Padding permits Padding.Valid, Padding.Same, Padding.Explicit {

  Padding VALID = new Valid();
  Padding SAME = new Same();

  /** Explicit padding on each side. */
  static Padding explicit(int top, int bottom, int left, int right) {
    return new Explicit(top, bottom, left, right);
  }

  /** Symmetric explicit padding: {@code h} rows above and below, {@code w} columns left and right. */
  static Padding explicit(int h, int w) {
    return new Explicit(h, h, w, w);
  }

  /**
   * Parses {@code valid}, {@code same}, a single integer {@code p}, {@code h,w} or {@code top,bottom,left,right}.
   *
   * @throws IllegalArgumentException naming the text when it is none of these
   */
  static Padding parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("valid")) {
      return VALID;
    }
    if (t.equals("same")) {
      return SAME;
    }
    String[] parts = t.split(",");
    int[] v = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        v[i] = Integer.parseInt(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "padding must be 'valid', 'same', 'p', 'h,w' or 'top,bottom,left,right', got '" + text + "'");
    }
    return switch (v.length) {
      case 1 -> explicit(v[0], v[0]);
      case 2 -> explicit(v[0], v[1]);
      case 4 -> explicit(v[0], v[1], v[2], v[3]);
      default -> throw new IllegalArgumentException(
          "padding must be 'valid', 'same', 'p', 'h,w' or 'top,bottom,left,right', got '" + text + "'");
    };
  }

  /** The text {@link #parse} reads back. */
  String text();

  record Valid() implements Padding {
    @Override
    public String text() {
      return "valid";
    }

    @Override
    public String toString() {
      return text();
    }
  }

  record Same() implements Padding {
    @Override
    public String text() {
      return "same";
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /** Pixels added on each side; all must be non-negative. */
  record Explicit(int top, int bottom, int left, int right) implements Padding {
    public Explicit {
      if (top < 0 || bottom < 0 || left < 0 || right < 0) {
        throw new IllegalArgumentException(
            "padding: every side must be >= 0, got (top=" + top + ", bottom=" + bottom + ", left=" + left
                + ", right=" + right + ")");
      }
    }

    @Override
    public String text() {
      return top + "," + bottom + "," + left + "," + right;
    }

    @Override
    public String toString() {
      return "(" + top + ", " + bottom + ", " + left + ", " + right + ")";
    }
  }
}
