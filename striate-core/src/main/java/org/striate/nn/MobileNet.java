package org.striate.nn;

import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/**
 * Keras's MobileNet v1 ({@code keras.applications.MobileNet}, Howard et al. 2017) with {@code include_top}, as a
 * {@link Functional} graph; {@link Architectures#mobilenetV1} is the public entry point.
 *
 * <p>Layer by layer as Keras builds it, with Keras's layer names: {@code conv1} (3x3, stride 2, same padding,
 * {@code int(32 * alpha)} filters, no bias), {@code conv1_bn}, {@code conv1_relu} (ReLU6); then 13 depthwise
 * separable blocks {@code conv_dw_i} (3x3 depthwise, no bias), {@code conv_dw_i_bn}, {@code conv_dw_i_relu},
 * {@code conv_pw_i} (1x1, {@code int(filters * alpha)} filters, no bias), {@code conv_pw_i_bn},
 * {@code conv_pw_i_relu}; a block with stride 2 first pads one row below and one column right
 * ({@code conv_pad_i}) and then convolves with valid padding. The top: global average pooling, dropout 0.001,
 * the classifier {@code conv_preds} (1x1 convolution with bias over the pooled 1x1 image), {@code reshape_2} to
 * {@code (classes)} and the softmax {@code predictions}. Keras pools with {@code keepdims=True}; Striate's
 * {@link GlobalAvgPool2D} returns {@code (C)}, so a {@link Reshape} {@code reshape_1} restores {@code (1, 1, C)}.
 * Batch normalisation and initialisers are Keras's defaults.
 */
final class MobileNet {
  /** Output filters (before the width multiplier) and stride of the 13 depthwise separable blocks. */
  private static final int[][] BLOCKS = {
    {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
    {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};

  /** Keras's default dropout rate before the classifier. */
  static final double DROPOUT = 1e-3;

  private MobileNet() {}

  static Functional build(Shape inputShape, int classes, double alpha) {
    return build(inputShape, classes, alpha, BLOCKS.length);
  }

  /** The network with only the first {@code blocks} depthwise separable blocks, for quick checks of its parts. */
  static Functional build(Shape inputShape, int classes, double alpha, int blocks) {
    Node input = Node.input(inputShape);
    Node x = Conv2D.builder(filters(32, alpha)).kernelSize(3, 3).strides(2, 2).padding(Padding.SAME).useBias(false)
        .name("conv1").build().apply(input);
    x = new ReLU(6, "conv1_relu").apply(BatchNormalization.builder().name("conv1_bn").build().apply(x));
    for (int i = 0; i < blocks; i++) {
      x = depthwiseSeparable(x, filters(BLOCKS[i][0], alpha), BLOCKS[i][1], i + 1);
    }
    x = new GlobalAvgPool2D("global_average_pooling2d").apply(x);
    x = new Reshape(new int[] {1, 1, x.shape().dim(0)}, "reshape_1").apply(x);
    x = new Dropout(DROPOUT, "dropout").apply(x);
    x = Conv2D.builder(classes).kernelSize(1, 1).padding(Padding.SAME).name("conv_preds").build().apply(x);
    x = new Reshape(new int[] {classes}, "reshape_2").apply(x);
    return new Functional(input, new Softmax("predictions").apply(x));
  }

  /** Keras's {@code int(filters * alpha)}. */
  static int filters(int filters, double alpha) {
    return (int) (filters * alpha);
  }

  private static Node depthwiseSeparable(Node x, int filters, int stride, int id) {
    String block = "conv_dw_" + id;
    if (stride != 1) {
      x = new ZeroPadding2D(0, 1, 0, 1, "conv_pad_" + id).apply(x);
    }
    x = DepthwiseConv2D.builder().kernelSize(3, 3).strides(stride, stride)
        .padding(stride == 1 ? Padding.SAME : Padding.VALID).useBias(false).name(block).build().apply(x);
    x = new ReLU(6, block + "_relu").apply(BatchNormalization.builder().name(block + "_bn").build().apply(x));
    String pointwise = "conv_pw_" + id;
    x = Conv2D.builder(filters).kernelSize(1, 1).padding(Padding.SAME).useBias(false).name(pointwise).build()
        .apply(x);
    return new ReLU(6, pointwise + "_relu").apply(BatchNormalization.builder().name(pointwise + "_bn").build()
        .apply(x));
  }
}
