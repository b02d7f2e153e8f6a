package org.striate.nn;

import org.striate.tensor.ConvGeometry;

/**
 * The spatial footprint of a layer, for receptive-field analysis: a kernel of size {@code kernel} with
 * {@code dilation}, moved by {@code stride}, after {@code padBefore} pixels of padding (top for H, left for W).
 *
 * @param kind {@link Kind#SLIDING} for a window (a pointwise layer is a 1x1 window), {@link Kind#GLOBAL} when
 *     every output sees the whole input, {@link Kind#UNKNOWN} when outputs map to input positions in a way a
 *     window cannot describe (upsampling, transposed convolution)
 */
public record Window(
    Kind kind, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop,
    int padLeft) {

  /** How a layer's outputs relate to its input positions. */
  public enum Kind { SLIDING, GLOBAL, UNKNOWN }

  /** A layer that keeps positions: kernel 1, stride 1, no padding. */
  public static final Window POINTWISE = new Window(Kind.SLIDING, 1, 1, 1, 1, 1, 1, 0, 0);

  /** A layer whose every output depends on the whole input. */
  public static final Window GLOBAL = new Window(Kind.GLOBAL, 0, 0, 0, 0, 0, 0, 0, 0);

  /** A layer whose outputs do not map to input windows of one size and stride (upsampling). */
  public static final Window UNKNOWN = new Window(Kind.UNKNOWN, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The window of a convolution or pooling with this geometry. */
  public static Window of(ConvGeometry g) {
    return new Window(Kind.SLIDING, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.dilationH(),
        g.dilationW(), g.padTop(), g.padLeft());
  }

  /** A pointwise window after {@code top} and {@code left} pixels of padding (zero padding layers). */
  public static Window padding(int top, int left) {
    return new Window(Kind.SLIDING, 1, 1, 1, 1, 1, 1, top, left);
  }

  public boolean global() {
    return kind == Kind.GLOBAL;
  }
}
