package org.striate.tensor;

/**
 * The spatial arithmetic of one sliding-window operation (convolution or pooling), computed once.
 *
 * <p>With effective kernel {@code ek = dilation * (kernel - 1) + 1} along an axis, the output size is
 *
 * <pre>
 *   out = floor((in + padBefore + padAfter - ek) / stride) + 1
 * </pre>
 *
 * which is PyTorch's formula with {@code ceil_mode=False}. Output pixel {@code o} reads input rows
 * {@code o * stride - padBefore + i * dilation} for {@code i} in {@code [0, kernel)}; rows outside
 * {@code [0, in)} are padding. {@link Padding#SAME} resolves to {@code out = ceil(in / stride)} and a total
 * padding of {@code max((out - 1) * stride + ek - in, 0)}, split with the odd pixel after (bottom/right),
 * as in Keras and TensorFlow.
 *
 * <p>A transposed convolution runs as the adjoint of a forward convolution; {@link #transposed} returns that
 * forward convolution's geometry, in which {@code padBottom} and {@code padRight} may be negative: see there.
 *
 * @param inH input height
 * @param inW input width
 * @param kernelH kernel (window) height
 * @param kernelW kernel (window) width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param dilationH vertical dilation (1 = dense kernel)
 * @param dilationW horizontal dilation
 * @param padTop rows of padding above
 * @param padBottom rows of padding below; negative only from {@link #transposed}
 * @param padLeft columns of padding on the left
 * @param padRight columns of padding on the right; negative only from {@link #transposed}
 * @param outH output height
 * @param outW output width
 */
public record ConvGeometry(
    int inH, int inW,
    int kernelH, int kernelW,
    int strideH, int strideW,
    int dilationH, int dilationW,
    int padTop, int padBottom, int padLeft, int padRight,
    int outH, int outW) {

  /** Output padding not given: Keras's {@code output_padding=None}. */
  private static final int NONE = -1;

  /**
   * Resolves {@code padding} and computes the output size.
   *
   * @throws IllegalArgumentException if a size, stride or dilation is not positive, or the output would be
   *     empty; the message shows the input size and all settings
   */
  public static ConvGeometry of(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
      Padding padding) {
    requirePositive(inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW);
    int ekH = dilationH * (kernelH - 1) + 1;
    int ekW = dilationW * (kernelW - 1) + 1;
    int top;
    int bottom;
    int left;
    int right;
    if (padding instanceof Padding.Same) {
      int totalH = samePadTotal(inH, strideH, ekH);
      int totalW = samePadTotal(inW, strideW, ekW);
      top = totalH / 2;
      bottom = totalH - top;
      left = totalW / 2;
      right = totalW - left;
    } else if (padding instanceof Padding.Explicit e) {
      top = e.top();
      bottom = e.bottom();
      left = e.left();
      right = e.right();
    } else {
      top = bottom = left = right = 0;
    }
    int outH = Math.floorDiv(inH + top + bottom - ekH, strideH) + 1;
    int outW = Math.floorDiv(inW + left + right - ekW, strideW) + 1;
    if (outH <= 0 || outW <= 0) {
      throw new IllegalArgumentException(
          "window output would be empty (" + outH + "x" + outW + "): input " + inH + "x" + inW + ", kernel "
              + kernelH + "x" + kernelW + " (effective " + ekH + "x" + ekW + " with dilation " + dilationH + "x"
              + dilationW + "), stride " + strideH + "x" + strideW + ", padding " + padding
              + "; need input + padding >= effective kernel on both axes");
    }
    return new ConvGeometry(
        inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW, top, bottom, left, right, outH, outW);
  }

  /**
   * The geometry of a transposed convolution with Keras's default output padding ({@code output_padding=None}):
   * {@code max(stride - ek, 0)} for {@link Padding#VALID} (so {@code out = (in - 1) * stride + max(ek, stride)}),
   * {@code out = in * stride} for {@link Padding#SAME}, and 0 for explicit padding (PyTorch's default).
   *
   * @throws IllegalArgumentException as {@link #transposed(int, int, int, int, int, int, int, int, Padding, int,
   *     int)}
   */
  public static ConvGeometry transposed(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
      Padding padding) {
    return transposedWith(inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding, NONE, NONE);
  }

  /**
   * The geometry of the forward convolution whose adjoint is the transposed convolution (PyTorch's
   * {@code conv_transpose2d}) of an {@code inH x inW} input: its input is the transposed convolution's output
   * and its output is the transposed convolution's input. So in the returned record {@code inH, inW} are the
   * transposed convolution's <em>output</em> size and {@code outH, outW} its input size, and input pixel
   * {@code x} of the transposed convolution adds, through kernel tap {@code i}, into its output pixel
   * {@code x * stride - padTop + i * dilation} (rows outside the output are cropped). With {@code ek = dilation
   * * (kernel - 1) + 1} and output padding {@code op}, per axis:
   *
   * <pre>
   *   explicit (before, after):  out = (in - 1) * stride - before - after + ek + op    padTop = before
   *   valid:                     out = (in - 1) * stride + ek + op                     padTop = 0
   *   same, op given:            out = (in - 1) * stride + ek % 2 + op
   *   same, op none:             out = in * stride
   *                              padTop = floor(max((in - 1) * stride + ek - out, 0) / 2)
   *   always:                    padBottom = (in - 1) * stride + ek - out - padTop
   * </pre>
   *
   * The explicit rule is PyTorch's {@code H_out = (H_in - 1) * stride - 2 * padding + dilation * (kernel - 1)
   * + output_padding + 1}, with the two sides allowed to differ. The {@code same} rule is Keras 3's
   * ({@code compute_conv_transpose_output_shape}, and the padding its JAX backend passes to
   * {@code lax.conv_transpose}: {@code padTop = ek - 1 - left_pad}), which is also TensorFlow's: the forward
   * convolution's {@code same} padding with the odd pixel after. Because {@code padBottom} is defined by
   * {@code inH + padTop + padBottom - ek = (outH - 1) * stride} exactly, it is {@code after - op} and is
   * negative when output padding adds rows: the last {@code -padBottom} rows of the forward convolution's
   * input are reached by no window, and the transposed convolution leaves them at zero (plus bias). The
   * convolution kernels bound reads by {@code [0, inH)} and use only {@code padTop} and {@code padLeft} to
   * place windows, so they handle this as they handle rows left over by a stride that does not divide the
   * input. Pooling never receives such a geometry.
   *
   * @param outputPaddingH extra rows at the bottom (PyTorch's and Keras's {@code output_padding}); it must be
   *     {@code >= 0} and smaller than either {@code strideH} or {@code dilationH} (PyTorch's rule)
   * @param outputPaddingW extra columns on the right, with the same rule
   * @throws IllegalArgumentException if a size, stride or dilation is not positive, an output padding breaks
   *     the rule, or the output would be empty; the message shows the values
   */
  public static ConvGeometry transposed(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
      Padding padding, int outputPaddingH, int outputPaddingW) {
    requireNonNegative("output padding height", outputPaddingH);
    requireNonNegative("output padding width", outputPaddingW);
    return transposedWith(
        inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding, outputPaddingH, outputPaddingW);
  }

  /** {@link #transposed}, where an output padding of {@link #NONE} means Keras's default. */
  private static ConvGeometry transposedWith(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
      Padding padding, int outputPaddingH, int outputPaddingW) {
    requirePositive(inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW);
    requireOutputPadding("height", outputPaddingH, strideH, dilationH);
    requireOutputPadding("width", outputPaddingW, strideW, dilationW);
    int[] h = transposedAxis(inH, kernelH, strideH, dilationH, padding, true, outputPaddingH);
    int[] w = transposedAxis(inW, kernelW, strideW, dilationW, padding, false, outputPaddingW);
    if (h[0] <= 0 || w[0] <= 0) {
      throw new IllegalArgumentException(
          "transposed convolution output would be empty (" + h[0] + "x" + w[0] + "): input " + inH + "x" + inW
              + ", kernel " + kernelH + "x" + kernelW + " (effective " + (dilationH * (kernelH - 1) + 1) + "x"
              + (dilationW * (kernelW - 1) + 1) + " with dilation " + dilationH + "x" + dilationW + "), stride "
              + strideH + "x" + strideW + ", padding " + padding + ", output padding " + Math.max(outputPaddingH, 0)
              + "x" + Math.max(outputPaddingW, 0)
              + "; need (input - 1) * stride + effective kernel + output padding > padding on both axes");
    }
    return new ConvGeometry(
        h[0], w[0], kernelH, kernelW, strideH, strideW, dilationH, dilationW, h[1], h[2], w[1], w[2], inH, inW);
  }

  /**
   * {@code {out, padBefore, padAfter}} of one axis of {@link #transposed}; {@code vertical} picks top and bottom
   * of explicit padding rather than left and right.
   */
  private static int[] transposedAxis(
      int in, int kernel, int stride, int dilation, Padding padding, boolean vertical, int outputPadding) {
    int ek = dilation * (kernel - 1) + 1;
    int full = (in - 1) * stride + ek; // the output before any cropping or output padding
    int out;
    int before;
    if (padding instanceof Padding.Same) {
      out = outputPadding == NONE ? in * stride : (in - 1) * stride + ek % 2 + outputPadding;
      before = Math.max(full - out, 0) / 2;
    } else if (padding instanceof Padding.Explicit e) {
      before = vertical ? e.top() : e.left();
      int after = vertical ? e.bottom() : e.right();
      out = full - before - after + Math.max(outputPadding, 0);
    } else {
      out = full + (outputPadding == NONE ? Math.max(stride - ek, 0) : outputPadding);
      before = 0;
    }
    return new int[] {out, before, full - out - before};
  }

  private static void requireOutputPadding(String axis, int outputPadding, int stride, int dilation) {
    if (outputPadding != NONE && outputPadding >= stride && outputPadding >= dilation) {
      throw new IllegalArgumentException("output padding " + axis + " must be smaller than either the stride "
          + axis + " or the dilation " + axis + ", got output padding " + outputPadding + ", stride " + stride
          + ", dilation " + dilation);
    }
  }

  private static int samePadTotal(int in, int stride, int effectiveKernel) {
    int out = (in + stride - 1) / stride;
    return Math.max((out - 1) * stride + effectiveKernel - in, 0);
  }

  private static void requireNonNegative(String what, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + value);
    }
  }

  private static void requirePositive(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW) {
    requirePositive("input height", inH);
    requirePositive("input width", inW);
    requirePositive("kernel height", kernelH);
    requirePositive("kernel width", kernelW);
    requirePositive("stride height", strideH);
    requirePositive("stride width", strideW);
    requirePositive("dilation height", dilationH);
    requirePositive("dilation width", dilationW);
  }

  private static void requirePositive(String what, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }

  /** Effective (dilated) kernel height {@code dilationH * (kernelH - 1) + 1}. */
  public int effectiveKernelH() {
    return dilationH * (kernelH - 1) + 1;
  }

  /** Effective (dilated) kernel width {@code dilationW * (kernelW - 1) + 1}. */
  public int effectiveKernelW() {
    return dilationW * (kernelW - 1) + 1;
  }

  public int kernelArea() {
    return kernelH * kernelW;
  }
}
