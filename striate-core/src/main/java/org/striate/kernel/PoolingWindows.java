package org.striate.kernel;

import java.util.Arrays;
import org.striate.tensor.ConvGeometry;

/**
 * The windows of pooling on NHWC data, shared by the scalar and the vector pooling kernels so that both visit
 * the same pixels in the same order and divide by the same count.
 */
public final class PoolingWindows {
  private PoolingWindows() {}

  /**
   * Writes into {@code taps} the flat input index of channel 0 of every real (non-padding) pixel under the
   * window of output {@code (n, oh, ow)}, in row-major window order, and returns how many there are.
   */
  public static int taps(ConvGeometry g, int n, int oh, int ow, int channels, int[] taps) {
    int count = 0;
    for (int kh = 0; kh < g.kernelH(); kh++) {
      int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
      if (ih < 0 || ih >= g.inH()) {
        continue;
      }
      for (int kw = 0; kw < g.kernelW(); kw++) {
        int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
        if (iw >= 0 && iw < g.inW()) {
          taps[count++] = ((n * g.inH() + ih) * g.inW() + iw) * channels;
        }
      }
    }
    return count;
  }

  /**
   * The divisor of average pooling at output {@code (oh, ow)}: the number of window taps inside the padded
   * extent {@code [-padTop, inH + padBottom) x [-padLeft, inW + padRight)} when {@code countIncludePad}, else
   * inside the input itself (PyTorch's {@code count_include_pad}).
   */
  public static int divisor(ConvGeometry g, int oh, int ow, boolean countIncludePad) {
    int top = countIncludePad ? g.padTop() : 0;
    int bottom = countIncludePad ? g.padBottom() : 0;
    int left = countIncludePad ? g.padLeft() : 0;
    int right = countIncludePad ? g.padRight() : 0;
    int rows = tapsWithin(oh * g.strideH() - g.padTop(), g.dilationH(), g.kernelH(), -top, g.inH() + bottom);
    int cols = tapsWithin(ow * g.strideW() - g.padLeft(), g.dilationW(), g.kernelW(), -left, g.inW() + right);
    return rows * cols;
  }

  /**
   * Max pooling's backward pass for outputs {@code [outFrom, outTo)}, whose winners all lie in {@code [inFrom,
   * inTo)} of the input: zeroes that range of {@code gradInput}, then adds each output's gradient to the input
   * element {@code argmax} names ({@code -1}: a window of padding only, skipped), in output order; with
   * {@code rectified} (the pooling's output), only outputs that are positive (see {@link
   * Kernels#maxPool2dBackward}).
   */
  public static void routeToWinners(float[] gradOutput, int[] argmax, float[] rectified, int outFrom, int outTo,
      float[] gradInput, int inFrom, int inTo) {
    Arrays.fill(gradInput, inFrom, inTo, 0f);
    for (int o = outFrom; o < outTo; o++) {
      int winner = argmax[o];
      if (winner >= 0 && (rectified == null || rectified[o] > 0f)) {
        gradInput[winner] += gradOutput[o];
      }
    }
  }

  /** How many of the taps {@code start + i * dilation}, {@code i < kernel}, lie in {@code [lo, hi)}. */
  private static int tapsWithin(int start, int dilation, int kernel, int lo, int hi) {
    int count = 0;
    for (int i = 0; i < kernel; i++) {
      int x = start + i * dilation;
      if (x >= lo && x < hi) {
        count++;
      }
    }
    return count;
  }
}
