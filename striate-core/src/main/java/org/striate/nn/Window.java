package org.striate.nn;

import org.striate.tensor.ConvGeometry;

/**
 * The spatial footprint of a layer, for receptive-field analysis: a kernel of size {@code kernel} with
 * {@code dilation}, moved by {@code stride}, after {@code padBefore} pixels of padding (top for H, left for W).
 *
 * @param global true when every output sees the whole input (flatten, global pooling)
 * @param aligned false when output positions follow input positions by no window with an integer stride, as
 *     after upsampling (each input pixel feeds a block of outputs: a stride of {@code 1 / size}); receptive-field
 *     analysis should then report the field as not aligned from this layer on, up to the next global layer. The
 *     other fields of such a window are those of {@link #POINTWISE}.
 */
public record Window(
    boolean global,
    int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft,
    boolean aligned) {

  /** A layer that keeps positions: kernel 1, stride 1, no padding. */
  public static final Window POINTWISE = new Window(false, 1, 1, 1, 1, 1, 1, 0, 0);

  /** A layer whose every output depends on the whole input. */
  public static final Window GLOBAL = new Window(true, 0, 0, 0, 0, 0, 0, 0, 0);

  /** A layer that moves values to positions no window describes, such as upsampling; see {@link #aligned}. */
  public static final Window UNALIGNED = new Window(false, 1, 1, 1, 1, 1, 1, 0, 0, false);

  /** An aligned window. */
  public Window(
      boolean global, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop,
      int padLeft) {
    this(global, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padTop, padLeft, true);
  }

  /** The window of a convolution or pooling with this geometry. */
  public static Window of(ConvGeometry g) {
    return new Window(false, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(),
        g.padTop(), g.padLeft());
  }

  /** Kernel 1 and stride 1 after {@code padTop} rows and {@code padLeft} columns of padding (zero padding). */
  public static Window padding(int padTop, int padLeft) {
    return new Window(false, 1, 1, 1, 1, 1, 1, padTop, padLeft);
  }
}
