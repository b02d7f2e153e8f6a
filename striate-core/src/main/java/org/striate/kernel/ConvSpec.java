package org.striate.kernel;

import org.striate.tensor.ConvGeometry;

/**
 * A (possibly grouped) 2-D convolution as the kernels see it.
 *
 * <p>Layouts: input {@code (N, inH, inW, inChannels)}, output {@code (N, outH, outW, outChannels)}, weight
 * {@code (kernelH, kernelW, inChannels / groups, outChannels)} (the Keras kernel layout), bias
 * {@code (outChannels)}. Group {@code g} maps input channels {@code [g * inChannels / groups, (g + 1) *
 * inChannels / groups)} to output channels {@code [g * outChannels / groups, (g + 1) * outChannels / groups)},
 * as in PyTorch.
 *
 * @param geometry spatial sizes, stride, dilation and resolved padding
 * @param inChannels input channels, divisible by {@code groups}
 * @param outChannels output channels (filters), divisible by {@code groups}
 * @param groups number of groups, at least 1
 */
public record ConvSpec(ConvGeometry geometry, int inChannels, int outChannels, int groups) {
  public ConvSpec {
    if (groups < 1) {
      throw new IllegalArgumentException("groups must be >= 1, got " + groups);
    }
    if (inChannels < 1 || inChannels % groups != 0) {
      throw new IllegalArgumentException(
          "input channels must be a positive multiple of groups=" + groups + ", got " + inChannels);
    }
    if (outChannels < 1 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "output channels (filters) must be a positive multiple of groups=" + groups + ", got " + outChannels);
    }
  }

  public int inChannelsPerGroup() {
    return inChannels / groups;
  }

  public int outChannelsPerGroup() {
    return outChannels / groups;
  }

  /** Elements of one input image: {@code inH * inW * inChannels}. */
  public int inputImageSize() {
    return geometry.inH() * geometry.inW() * inChannels;
  }

  /** Elements of one output image: {@code outH * outW * outChannels}. */
  public int outputImageSize() {
    return geometry.outH() * geometry.outW() * outChannels;
  }

  /**
   * Multiply-accumulates of the forward pass for one image: {@code outH * outW * outChannels * kernelH * kernelW
   * * inChannels / groups}.
   */
  public long macs() {
    return (long) geometry.outH() * geometry.outW() * outChannels * geometry.kernelArea() * inChannelsPerGroup();
  }

  /** Elements of the weight: {@code kernelH * kernelW * inChannels / groups * outChannels}. */
  public int weightSize() {
    return geometry.kernelH() * geometry.kernelW() * inChannelsPerGroup() * outChannels;
  }
}
