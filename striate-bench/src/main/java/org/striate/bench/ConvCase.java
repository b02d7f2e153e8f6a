package org.striate.bench;

import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;

/**
 * The convolutions the benchmarks time: those of the built-in models at their training batch of 128, and the
 * 3x3 convolution of a ResNet-18/34 basic block (conv2_x stage) at batch 8, small enough that the scalar
 * kernels still finish a pass in about a second.
 */
public enum ConvCase {
  /** mnist-convnet's first convolution: 28x28x1 to 26x26x32, 3x3 valid. */
  MNIST_1_32(28, 1, 32, 3, Padding.VALID, 128),
  /** mnist-convnet's second convolution: 13x13x32 to 11x11x64, 3x3 valid. */
  MNIST_32_64(13, 32, 64, 3, Padding.VALID, 128),
  /** lenet5's first convolution: 28x28x1 to 28x28x6, 5x5 with padding 2. */
  LENET_1_6(28, 1, 6, 5, Padding.explicit(2, 2), 128),
  /** lenet5's second convolution: 14x14x6 to 10x10x16, 5x5 valid. */
  LENET_6_16(14, 6, 16, 5, Padding.VALID, 128),
  /** A ResNet basic block's convolution: 56x56x64 to 56x56x64, 3x3 same. */
  RESNET_64_64(56, 64, 64, 3, Padding.SAME, 8);

  final ConvSpec spec;
  final int batch;

  ConvCase(int size, int inChannels, int outChannels, int kernel, Padding padding, int batch) {
    ConvGeometry g = ConvGeometry.of(size, size, kernel, kernel, 1, 1, 1, 1, padding);
    this.spec = new ConvSpec(g, inChannels, outChannels, 1);
    this.batch = batch;
  }

  /**
   * Floating-point operations of one pass over the batch: {@code 2 * batch * macs}, the same for forward,
   * backward-input and backward-weight (each is one multiply-add per weight tap and output pixel). Bias terms are
   * left out; they add less than 1%.
   */
  double flops() {
    return 2.0 * batch * spec.macs();
  }
}
