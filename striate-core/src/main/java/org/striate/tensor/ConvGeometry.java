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
 * @param inH input height
 * @param inW input width
 * @param kernelH kernel (window) height
 * @param kernelW kernel (window) width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param dilationH vertical dilation (1 = dense kernel)
 * @param dilationW horizontal dilation
 * @param padTop rows of padding above
 * @param padBottom rows of padding below
 * @param padLeft columns of padding on the left
 * @param padRight columns of padding on the right
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

  /**
   * Resolves {@code padding} and computes the output size.
   *
   * @throws IllegalArgumentException if a size, stride or dilation is not positive, or the output would be
   *     empty; the message shows the input size and all settings
   */
  public static ConvGeometry of(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
      Padding padding) {
    requirePositive("input height", inH);
    requirePositive("input width", inW);
    requirePositive("kernel height", kernelH);
    requirePositive("kernel width", kernelW);
    requirePositive("stride height", strideH);
    requirePositive("stride width", strideW);
    requirePositive("dilation height", dilationH);
    requirePositive("dilation width", dilationW);
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

  private static int samePadTotal(int in, int stride, int effectiveKernel) {
    int out = (in + stride - 1) / stride;
    return Math.max((out - 1) * stride + effectiveKernel - in, 0);
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
