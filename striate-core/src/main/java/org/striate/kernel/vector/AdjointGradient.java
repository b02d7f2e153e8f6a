package org.striate.kernel.vector;

import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * The input gradient of a convolution computed as a forward convolution of the output gradient ({@link
 * #forwardSpec}, with the kernel {@link #flip}ped), which {@link VectorConvolution#backwardInput} uses where it
 * was measured faster than adding tiles back onto the input.
 */
final class AdjointGradient {
  /** The fewest input channels for which the input gradient runs as a forward convolution. */
  static final int MIN_CHANNELS = 64;

  private AdjointGradient() {}

  /**
   * For a one-group convolution with stride 1, the forward convolution that computes its input gradient: over the
   * output gradient, with the kernel turned half a turn and its channels swapped ({@link #flip}), and padding
   * {@code dilation * (kernel - 1) - pad} on each side, so that every output gradient pixel an input pixel's
   * taps reach is read. It stores its results whole instead of adding tiles onto the pixels (col2im), and sums
   * over {@code kernelArea * outChannels} instead of {@code outChannels}. Chosen by measurement (JMH, one core):
   * a ResNet basic block's 64 -> 64 3x3 layer ran at 178 GFLOP/s this way against 137 through col2im, but
   * mnist-convnet's 32 -> 64 at 127 against 142 and lenet5's 6 -> 16 at 24 against 46, so it is used from {@link
   * #MIN_CHANNELS} input channels. Null when not used, or when the padding would have to be negative.
   */
  static ConvSpec forwardSpec(ConvSpec spec) {
    ConvGeometry g = spec.geometry();
    if (spec.groups() != 1 || g.strideH() != 1 || g.strideW() != 1 || spec.inChannels() < MIN_CHANNELS) {
      return null;
    }
    int top = g.dilationH() * (g.kernelH() - 1) - g.padTop();
    int bottom = g.dilationH() * (g.kernelH() - 1) - g.padBottom();
    int left = g.dilationW() * (g.kernelW() - 1) - g.padLeft();
    int right = g.dilationW() * (g.kernelW() - 1) - g.padRight();
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      return null;
    }
    ConvGeometry adjoint = ConvGeometry.of(g.outH(), g.outW(), g.kernelH(), g.kernelW(), 1, 1, g.dilationH(),
        g.dilationW(), Padding.explicit(top, bottom, left, right));
    return new ConvSpec(adjoint, spec.outChannels(), spec.inChannels(), 1);
  }

  /** {@code flipped[kh][kw][o][c] = weight[kernelH - 1 - kh][kernelW - 1 - kw][c][o]}: the adjoint's kernel. */
  static float[] flip(ConvSpec spec, float[] weight, float[] flipped) {
    ConvGeometry g = spec.geometry();
    int cin = spec.inChannels();
    int cout = spec.outChannels();
    int area = g.kernelArea();
    for (int t = 0; t < area; t++) {
      int from = (area - 1 - t) * cin * cout;
      int to = t * cout * cin;
      for (int c = 0; c < cin; c++) {
        for (int o = 0; o < cout; o++) {
          flipped[to + o * cin + c] = weight[from + c * cout + o];
        }
      }
    }
    return flipped;
  }
}
