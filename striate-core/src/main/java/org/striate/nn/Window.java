package org.striate.nn;

import org.striate.tensor.ConvGeometry;

/**
 * The spatial footprint of a layer, for receptive-field analysis: a kernel of size {@code kernel} with
 * {@code dilation}, moved by {@code stride}, after {@code padBefore} pixels of padding (top for H, left for W).
 *
 * @param global true when every output sees the whole input (flatten, global pooling)
 * @param transposed true for a transposed convolution ({@link #transposed}), whose window is not of this form
 */
public record Window(
    boolean global,
    int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft,
    boolean transposed) {

  /** A layer that keeps positions: kernel 1, stride 1, no padding. */
  public static final Window POINTWISE = new Window(false, 1, 1, 1, 1, 1, 1, 0, 0, false);

  /** A layer whose every output depends on the whole input. */
  public static final Window GLOBAL = new Window(true, 0, 0, 0, 0, 0, 0, 0, 0, false);

  /** The window of a convolution or pooling with this geometry. */
  public static Window of(ConvGeometry g) {
    return new Window(false, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(),
        g.padTop(), g.padLeft(), false);
  }

  /**
   * The window of a transposed convolution, from the geometry of its equivalent forward convolution
   * ({@link ConvGeometry#transposed}): the fields are that convolution's kernel, dilation, stride and leading
   * padding, which here mean the upsampling factor and the rows and columns cropped before the output. A
   * transposed convolution upsamples: neighbouring outputs are {@code 1 / stride} input pixels apart and, when
   * the kernel is not a multiple of the stride, see different numbers of input pixels, so the receptive field
   * is not given by the integer recurrence that sliding windows follow. {@link Summary} reports it as unknown.
   */
  public static Window transposed(ConvGeometry forward) {
    return new Window(false, forward.kernelH(), forward.kernelW(), forward.strideH(), forward.strideW(),
        forward.dilationH(), forward.dilationW(), forward.padTop(), forward.padLeft(), true);
  }
}
