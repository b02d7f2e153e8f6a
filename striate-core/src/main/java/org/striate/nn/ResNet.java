package org.striate.nn;

import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/**
 * torchvision's ResNets (He et al. 2015, with the stride of a bottleneck on its 3x3 convolution: "ResNet v1.5")
 * as {@link Functional} graphs over NHWC images; {@link Architectures#resnet18} and {@link Architectures#resnet50}
 * are the public entry points.
 *
 * <p>Layer names follow torchvision's parameter names ({@code conv1}, {@code bn1}, {@code layer2.0.conv1},
 * {@code layer2.0.downsample.0}, {@code fc}) so that weights can be matched name by name; the ReLUs and the
 * residual additions, which have no weights, get names of their own ({@code layer2.0.relu1}, {@code layer2.0.add}).
 *
 * <p>Every convolution is followed by batch normalisation and has no bias. Batch normalisation uses PyTorch's
 * settings, epsilon 1e-5 and momentum 0.1, which is 0.9 in Keras's convention (the weight of the old moving
 * average), not Keras's defaults (1e-3, 0.99): these are torchvision's networks, and its trained statistics
 * assume them. Convolution kernels start from {@code he_normal}, close to torchvision's Kaiming normal; the
 * classifier from Keras's defaults.
 */
final class ResNet {
  /** PyTorch's {@code BatchNorm2d} defaults, in Keras's terms. */
  static final double BN_EPSILON = 1e-5;
  static final double BN_MOMENTUM = 0.9;

  /** The two residual blocks: torchvision's {@code BasicBlock} and {@code Bottleneck}. */
  enum Block {
    /** Two 3x3 convolutions; output channels = width. */
    BASIC(1),
    /** 1x1 down to the width, 3x3 (with the stride), 1x1 up to 4 x width. */
    BOTTLENECK(4);

    final int expansion;

    Block(int expansion) {
      this.expansion = expansion;
    }
  }

  private ResNet() {}

  /**
   * The whole network: the stem (7x7/2 convolution, batch norm, ReLU, 3x3/2 max pooling), four stages of
   * {@code blocks[i]} blocks of width {@code width * 2^i} (the first block of stages 2 to 4 has stride 2), global
   * average pooling and a softmax classifier.
   *
   * @param width the first stage's width: 64 in the published networks; smaller only for quick tests
   */
  static Functional build(Shape inputShape, int classes, int[] blocks, Block block, int width) {
    Node input = Node.input(inputShape);
    Node x = conv(input, width, 7, 2, 3, "conv1");
    x = new ReLU("relu").apply(batchNorm(x, "bn1"));
    x = MaxPool2D.builder().poolSize(3, 3).strides(2, 2).padding(Padding.explicit(1, 1)).name("maxpool").build()
        .apply(x);
    for (int stage = 0; stage < blocks.length; stage++) {
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        String prefix = "layer" + (stage + 1) + "." + b + ".";
        x = block == Block.BASIC
            ? basicBlock(x, width << stage, stride, prefix)
            : bottleneck(x, width << stage, stride, prefix);
      }
    }
    x = new GlobalAvgPool2D("avgpool").apply(x);
    Node out = Dense.builder(classes).activation(Activation.SOFTMAX).name("fc").build().apply(x);
    return new Functional(input, out);
  }

  /**
   * torchvision's {@code BasicBlock}: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}, 3x3
   * convolutions with padding 1, the first with the stride.
   */
  static Node basicBlock(Node x, int width, int stride, String prefix) {
    Node y = conv(x, width, 3, stride, 1, prefix + "conv1");
    y = new ReLU(prefix + "relu1").apply(batchNorm(y, prefix + "bn1"));
    y = batchNorm(conv(y, width, 3, 1, 1, prefix + "conv2"), prefix + "bn2");
    return residual(x, y, stride, prefix);
  }

  /** torchvision's {@code Bottleneck}, with the stride on the 3x3 convolution (v1.5). */
  static Node bottleneck(Node x, int width, int stride, String prefix) {
    Node y = conv(x, width, 1, 1, 0, prefix + "conv1");
    y = new ReLU(prefix + "relu1").apply(batchNorm(y, prefix + "bn1"));
    y = conv(y, width, 3, stride, 1, prefix + "conv2");
    y = new ReLU(prefix + "relu2").apply(batchNorm(y, prefix + "bn2"));
    y = batchNorm(conv(y, width * Block.BOTTLENECK.expansion, 1, 1, 0, prefix + "conv3"), prefix + "bn3");
    return residual(x, y, stride, prefix);
  }

  /**
   * {@code relu(y + shortcut(x))}: the shortcut is {@code x} itself, or where the block changes the shape a 1x1
   * convolution with the block's stride and batch norm (torchvision's {@code downsample}, a projection).
   */
  private static Node residual(Node x, Node y, int stride, String prefix) {
    int channels = y.shape().dim(2);
    Node shortcut = x;
    if (stride != 1 || x.shape().dim(2) != channels) {
      shortcut = batchNorm(conv(x, channels, 1, stride, 0, prefix + "downsample.0"), prefix + "downsample.1");
    }
    return new ReLU(prefix + "relu").apply(new Add(prefix + "add").apply(y, shortcut));
  }

  /** A square convolution without bias and with symmetric explicit padding, as PyTorch's {@code Conv2d}. */
  static Node conv(Node x, int filters, int kernel, int stride, int padding, String name) {
    return Conv2D.builder(filters).kernelSize(kernel, kernel).strides(stride, stride)
        .padding(Padding.explicit(padding, padding)).useBias(false).kernelInitializer(Initializer.HE_NORMAL)
        .name(name).build().apply(x);
  }

  static Node batchNorm(Node x, String name) {
    return BatchNormalization.builder().epsilon(BN_EPSILON).momentum(BN_MOMENTUM).name(name).build().apply(x);
  }
}
