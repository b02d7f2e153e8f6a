package org.striate.nn;

import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/**
 * A small U-Net (Ronneberger et al. 2015) with "same" padding, for per-pixel classification;
 * {@link Architectures#unetSmall} is the public entry point.
 *
 * <pre>
 *   enc1: conv 3x3 16, conv 3x3 16      (H, W)      --------------------------------- skip ---+
 *   pool 2, enc2: conv 32, conv 32      (H/2, W/2)  ----------------------- skip ---+         |
 *   pool 2, enc3: conv 64, conv 64      (H/4, W/4)  ------------- skip ---+         |         |
 *   pool 2, bottleneck: conv 128 x2     (H/8, W/8)                        |         |         |
 *   dec3: up 2 to 64,  concat enc3 (128 channels), conv 64 x2   (H/4) <---+         |         |
 *   dec2: up 2 to 32,  concat enc2 (64),           conv 32 x2   (H/2) <-------------+         |
 *   dec1: up 2 to 16,  concat enc1 (32),           conv 16 x2   (H)   <-----------------------+
 *   output: conv 1x1 to classes, softmax over the channels      (H, W, classes)
 * </pre>
 *
 * <p>Every 3x3 convolution has "same" padding, a bias, ReLU and {@code he_normal} initial kernels (as in the
 * paper, for ReLU networks). H and W must be divisible by 8 so that each upsampled map matches its skip.
 * The upsampling step ({@link #upsample}) is the paper's "up-convolution": a 2x2 stride-2
 * {@link Conv2DTranspose} without activation, {@code 4 * in * out + out} parameters.
 */
final class UNet {
  private UNet() {}

  /** @param base the first level's filters (16); each level doubles them */
  static Functional build(Shape inputShape, int classes, int base) {
    Node input = Node.input(inputShape);
    Node enc1 = convPair(input, base, "enc1");
    Node enc2 = convPair(pool(enc1, "enc1_pool"), base * 2, "enc2");
    Node enc3 = convPair(pool(enc2, "enc2_pool"), base * 4, "enc3");
    Node x = convPair(pool(enc3, "enc3_pool"), base * 8, "bottleneck");
    x = decoderLevel(x, enc3, base * 4, "dec3");
    x = decoderLevel(x, enc2, base * 2, "dec2");
    x = decoderLevel(x, enc1, base, "dec1");
    Node out = Conv2D.builder(classes).kernelSize(1, 1).activation(Activation.SOFTMAX).name("output").build()
        .apply(x);
    return new Functional(input, out);
  }

  private static Node decoderLevel(Node x, Node skip, int filters, String name) {
    Node up = upsample(x, filters, name);
    return convPair(new Concatenate(-1, name + "_concat").apply(up, skip), filters, name);
  }

  /** A 2x2 stride-2 transposed convolution ({@code <level>_upconv}): doubles the size, sets {@code filters}. */
  private static Node upsample(Node x, int filters, String name) {
    return Conv2DTranspose.builder(filters).kernelSize(2, 2).strides(2, 2).kernelInitializer(Initializer.HE_NORMAL)
        .name(name + "_upconv").build().apply(x);
  }

  private static Node convPair(Node x, int filters, String name) {
    return conv3x3(conv3x3(x, filters, name + "_conv1"), filters, name + "_conv2");
  }

  private static Node conv3x3(Node x, int filters, String name) {
    return Conv2D.builder(filters).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.RELU)
        .kernelInitializer(Initializer.HE_NORMAL).name(name).build().apply(x);
  }

  private static Node pool(Node x, String name) {
    return MaxPool2D.builder().name(name).build().apply(x);
  }
}
