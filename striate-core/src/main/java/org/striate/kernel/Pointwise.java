package org.striate.kernel;

/** The element-wise functions the kernels evaluate, with their derivatives. */
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
