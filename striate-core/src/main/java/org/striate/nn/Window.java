package org.striate.nn;

import org.striate.tensor.ConvGeometry;

/**
 * The spatial footprint of a layer, for receptive-field analysis: a kernel of size {@code kernel} with
 * {@code dilation}, moved by {@code stride}, after {@code padBefore} pixels of padding (top for H, left for W).
 *
 * @param global true when every output sees the whole input (flatten, global pooling)
 */
public record Window(
    boolean global,
    int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft) {

  /** A layer that keeps positions: kernel 1, stride 1, no padding. */
  public static final Window POINTWISE = new Window(false, 1, 1, 1, 1, 1, 1, 0, 0);

  /** A layer whose every output depends on the whole input. */
  public static final Window GLOBAL = new Window(true, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The window of a convolution or pooling with this geometry. */
  public static Window of(ConvGeometry g) {
    return new Window(false, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(),
        g.padTop(), g.padLeft());
  }
}
