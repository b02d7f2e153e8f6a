package org.striate.kernel;

/**
 * The element-wise functions the kernels evaluate, with their derivatives.
 *
 * <p>Each derivative can be had from the output {@code y = f(x)} alone when {@code alpha >= 0}: sigmoid and tanh
 * derive from {@code y}, and ReLU and leaky ReLU test {@code x > 0}, which holds exactly when {@code y > 0}. So
 * a layer whose kernel applies {@code f} in the same pass (such as {@link Kernels#conv2dForward(ConvSpec, int,
 * float[], float[], float[], Pointwise, float, float[])}) keeps only {@code y}, and calls {@link
 * Kernels#pointwiseBackward} with {@code y} in place of {@code x}.
 */
public enum Pointwise {
  /** {@code f(x) = x}. */
  IDENTITY,
  /** {@code f(x) = max(x, 0)}; the derivative at 0 is taken as 0, as in PyTorch. */
  RELU,
  /** {@code f(x) = x} for {@code x > 0}, else {@code alpha * x}. */
  LEAKY_RELU,
  /** {@code f(x) = 1 / (1 + exp(-x))}, computed without overflow for large {@code |x|}. */
  SIGMOID,
  /** {@code f(x) = tanh(x)}. */
  TANH
}
