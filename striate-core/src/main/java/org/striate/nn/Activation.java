package org.striate.nn;

import java.util.Locale;
import org.striate.kernel.Kernels;
import org.striate.kernel.Pointwise;
import org.striate.tensor.Tensor;

/**
 * The activation functions a layer can apply to its output (Keras's {@code activation=} argument). Softmax
 * works over the last axis (the channels, in NHWC).
 */
public enum Activation {
  /** No activation: {@code f(x) = x}. */
  LINEAR(Pointwise.IDENTITY, 0f),
  RELU(Pointwise.RELU, 0f),
  /** Leaky ReLU with Keras's default slope for the activation function, 0.2. */
  LEAKY_RELU(Pointwise.LEAKY_RELU, 0.2f),
  SIGMOID(Pointwise.SIGMOID, 0f),
  TANH(Pointwise.TANH, 0f),
  SOFTMAX(null, 0f);

  private final Pointwise pointwise;
  private final float alpha;

  Activation(Pointwise pointwise, float alpha) {
    this.pointwise = pointwise;
    this.alpha = alpha;
  }

  /** The Keras name, such as {@code relu}. */
  public String kerasName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a Keras name; {@code null} and {@code "linear"} mean {@link #LINEAR}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Activation parse(String name) {
    if (name == null) {
      return LINEAR;
    }
    for (Activation a : values()) {
      if (a.kerasName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "activation must be one of linear, relu, leaky_relu, sigmoid, tanh, softmax, got '" + name + "'");
  }

  /**
   * Whether a kernel can apply this activation in the same pass as the product before it ({@link
   * Kernels#conv2dForward(org.striate.kernel.ConvSpec, int, float[], float[], float[], Pointwise, float, float[])}):
   * every one but softmax, which works across the channels. The derivatives of these can be had from the output
   * alone (see {@link Pointwise}), so the pre-activation need not be kept.
   */
  boolean fusesIntoKernels() {
    return pointwise != null;
  }

  /** The element-wise function, null for softmax. */
  Pointwise pointwise() {
    return pointwise;
  }

  /** The slope of leaky ReLU's negative side, 0 for the others. */
  float alpha() {
    return alpha;
  }

  /** {@code y = f(x)}; {@code y} may be {@code x} except for softmax. */
  void forward(Kernels kernels, Tensor x, Tensor y) {
    int n = x.size();
    if (this == SOFTMAX) {
      int cols = x.shape().dim(-1);
      kernels.softmaxRows(n / cols, cols, x.data(), y.data());
    } else {
      kernels.pointwiseForward(pointwise, alpha, x.data(), y.data(), n);
    }
  }

  /** {@code gradX = f'(x) * gradY}, from the saved {@code x} and {@code y}; {@code gradX} may be {@code gradY}. */
  void backward(Kernels kernels, Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
    int n = x.size();
    if (this == SOFTMAX) {
      int cols = x.shape().dim(-1);
      kernels.softmaxRowsBackward(n / cols, cols, y.data(), gradY.data(), gradX.data());
    } else {
      kernels.pointwiseBackward(pointwise, alpha, x.data(), y.data(), gradY.data(), gradX.data(), n);
    }
  }
}
