package org.striate.kernel;

import org.striate.tensor.ConvGeometry;

/**
 * The compute primitives every layer is built from: GEMM, convolution, pooling and element-wise functions.
 *
 * <p>All arrays are dense and row-major; image tensors are NHWC (see {@link ConvSpec} for the convolution
 * layouts). Methods named {@code ...Backward...} either overwrite their output or accumulate into it, as each
 * says; accumulating outputs follow micrograd's rule that gradients are added with {@code +=} and zeroed in
 * one place only (the optimizer step). Implementations split work across {@link #threads()} threads in a way
 * fixed by the thread count, so the same inputs and thread count give bit-identical results.
 *
 * <p>{@link ScalarKernels} is the plain reference implementation; every faster implementation is tested
 * against it.
 */
public interface Kernels extends AutoCloseable {

  /**
   * The fastest kernels this JVM can run, on {@code threads} threads: {@code VectorKernels} (from
   * {@code org.striate.kernel.vector}) when the {@code jdk.incubator.vector} module is present, that is when
   * Java was started with {@code --add-modules jdk.incubator.vector}; otherwise {@link ScalarKernels}, and
   * the first such call in the JVM logs one warning naming that flag.
   *
   * <p>The system property {@code striate.kernels} overrides the choice: {@code -Dstriate.kernels=scalar}
   * always gives {@link ScalarKernels} (and no warning); {@code -Dstriate.kernels=vector} demands the vector
   * kernels and fails if they cannot run.
   *
   * @throws IllegalArgumentException if {@code threads < 1}, or {@code striate.kernels} is set to anything
   *     but {@code scalar} or {@code vector}
   * @throws IllegalStateException if {@code striate.kernels=vector} and the vector kernels are unavailable
   */
  static Kernels create(int threads) {
    return KernelsProvider.create(threads);
  }

  /** The number of threads heavy operations use. */
  int threads();

  /** A short name for logs and benchmarks, such as {@code scalar}. */
  String name();

  /**
   * {@code C = op(A) * op(B)}, or {@code C += op(A) * op(B)} when {@code accumulate}; {@code op(A)} is
   * {@code m x k}, {@code op(B)} is {@code k x n}, {@code C} is {@code m x n}. {@code op(X)} is {@code X}
   * or its transpose; {@code lda}, {@code ldb} and {@code ldc} are the row strides of the stored matrices.
   */
  void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      boolean accumulate, float[] c, int cOffset, int ldc);

  /** Convolution: {@code output} (overwritten) {@code = conv(input, weight) + bias}; {@code bias} may be null. */
  default void conv2dForward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, float[] output) {
    conv2dForward(spec, batch, input, weight, bias, Pointwise.IDENTITY, 0f, output);
  }

  /**
   * Convolution with its activation in the same pass: {@code output} (overwritten) {@code = f(conv(input,
   * weight) + bias)}, exactly {@link #conv2dForward(ConvSpec, int, float[], float[], float[], float[])} followed
   * by {@link #pointwiseForward} in place, without a second pass over the output for the identity, ReLU and
   * leaky ReLU. The pre-activation is not kept: backward needs only the output (see {@link Pointwise}).
   */
  void conv2dForward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, Pointwise f, float alpha,
      float[] output);

  /**
   * Whether {@link #conv2dForwardMaxPool} pools the convolution's output as it is computed, never writing it out;
   * when false it writes that output to a new array first.
   */
  default boolean fusesMaxPoolIntoForward(ConvSpec spec, ConvGeometry pool) {
    return false;
  }

  /**
   * A convolution whose output only max pooling {@code pool} reads: exactly {@link #conv2dForward(ConvSpec, int,
   * float[], float[], float[], Pointwise, float, float[])} into an {@code output} followed by {@link
   * #maxPool2dForward} {@code (pool, batch, spec.outChannels(), output, pooled, argmax)}; the winners are indices
   * into that output. This default writes {@code output} to an array it allocates; implementations for which
   * {@link #fusesMaxPoolIntoForward} holds do not.
   */
  default void conv2dForwardMaxPool(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias,
      Pointwise f, float alpha, ConvGeometry pool, float[] pooled, int[] argmax) {
    float[] output = new float[batch * spec.outputImageSize()];
    conv2dForward(spec, batch, input, weight, bias, f, alpha, output);
    maxPool2dForward(pool, batch, spec.outChannels(), output, pooled, argmax);
  }

  /** The gradient with respect to the input, written over {@code gradInput}. */
  void conv2dBackwardInput(ConvSpec spec, int batch, float[] gradOutput, float[] weight, float[] gradInput);

  /**
   * The gradients with respect to the weight and bias, added to {@code gradWeight} and {@code gradBias}
   * ({@code gradBias} may be null when the layer has no bias).
   */
  default void conv2dBackwardWeight(
      ConvSpec spec, int batch, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias) {
    conv2dBackwardWeight(spec, batch, input, gradOutput, Pointwise.IDENTITY, 0f, null, gradWeight, gradBias);
  }

  /**
   * The weight and bias gradients of a convolution followed by {@code f}, from the gradient with respect to
   * {@code f}'s output {@code output}: exactly {@link #pointwiseBackward} {@code (f, alpha, output, output,
   * gradOutput, gradPre)} followed by {@link #conv2dBackwardWeight(ConvSpec, int, float[], float[], float[],
   * float[])} on {@code gradPre}, without writing {@code gradPre} out (for the identity {@code output} may be
   * null). This is the backward pass of the fused forward {@link #conv2dForward(ConvSpec, int, float[], float[],
   * float[], Pointwise, float, float[])} when the input gradient is not needed, as in a model's first layer.
   */
  void conv2dBackwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput, Pointwise f, float alpha,
      float[] output, float[] gradWeight, float[] gradBias);

  /**
   * Whether {@link #conv2dBackwardWeightThroughMaxPool} takes the pooling's gradient straight into the weight
   * gradient for this convolution and pooling, never writing the convolution's output gradient (11 MB a batch
   * for mnist-convnet's first layer); when false it writes that gradient to a new array first.
   */
  default boolean fusesMaxPoolIntoWeightGradient(ConvSpec spec, ConvGeometry pool) {
    return false;
  }

  /**
   * The weight and bias gradients of a convolution whose output only max pooling {@code pool} reads, from the
   * pooling's output gradient: exactly {@link #maxPool2dBackward} {@code (pool, batch, spec.outChannels(),
   * gradPooled, argmax, rectified, gradOutput)} followed by {@link #conv2dBackwardWeight(ConvSpec, int, float[],
   * float[], float[], float[])} on that {@code gradOutput}, added to {@code gradWeight} and {@code gradBias} (may
   * be null). This default writes {@code gradOutput} to an array it allocates; implementations for which {@link
   * #fusesMaxPoolIntoWeightGradient} holds do not.
   */
  default void conv2dBackwardWeightThroughMaxPool(ConvSpec spec, int batch, float[] input, ConvGeometry pool,
      float[] gradPooled, int[] argmax, float[] rectified, float[] gradWeight, float[] gradBias) {
    float[] gradOutput = new float[batch * spec.outputImageSize()];
    maxPool2dBackward(pool, batch, spec.outChannels(), gradPooled, argmax, rectified, gradOutput);
    conv2dBackwardWeight(spec, batch, input, gradOutput, gradWeight, gradBias);
  }

  /**
   * Max pooling over each channel; padding never wins (it counts as negative infinity). {@code argmax}
   * receives, for each output element, the flat index into {@code input} of the element that won; ties go to
   * the first in row-major window order, as in PyTorch. {@code argmax} may be null when no backward pass
   * follows (inference): only {@code output} is written then, with the same values.
   */
  void maxPool2dForward(ConvGeometry g, int batch, int channels, float[] input, float[] output, int[] argmax);

  /**
   * Scatters {@code gradOutput} to the winners recorded in {@code argmax}; {@code gradInput} is overwritten.
   * With {@code rectified}, the pooling's output, an output's gradient goes back only where that output is
   * positive: the derivative of a ReLU before the pooling, applied on the way (the winner is the one input the
   * ReLU's gradient would let through, and every other input gets 0 from both). Null: no ReLU.
   */
  void maxPool2dBackward(ConvGeometry g, int batch, int channels, float[] gradOutput, int[] argmax,
      float[] rectified, float[] gradInput);

  /**
   * Average pooling over each channel. With {@code countIncludePad} the divisor is the window's size within the
   * padded input; without it, the number of real input pixels the window covers (PyTorch semantics).
   */
  void avgPool2dForward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] input, float[] output);

  /** The gradient of average pooling; {@code gradInput} is overwritten. */
  void avgPool2dBackward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] gradOutput, float[] gradInput);

  /** {@code y[i] = f(x[i])} for {@code i < n}; {@code x} and {@code y} may be the same array. */
  void pointwiseForward(Pointwise f, float alpha, float[] x, float[] y, int n);

  /**
   * {@code gradX[i] = f'(x[i]) * gradY[i]}, overwriting {@code gradX}. {@code y = f(x)} is passed because
   * sigmoid and tanh derive from it; {@code gradX} may be the same array as {@code gradY}. Passing {@code y} as
   * {@code x} gives the same result for every {@code f} when {@code alpha >= 0} (see {@link Pointwise}).
   */
  void pointwiseBackward(Pointwise f, float alpha, float[] x, float[] y, float[] gradY, float[] gradX, int n);

  /**
   * Dropout's training forward pass over {@code n} elements, with the counter-based mask of {@link DropoutMask}:
   * element {@code i} is kept iff {@code (DropoutMask.hash(seed, i) >>> 32) >= round(rate * 2^32)}, so it is
   * dropped with probability {@code round(rate * 2^32) / 2^32}, within {@code 2^-33} of {@code rate}. Writes
   * {@code mask[i] = 1 / (1 - rate)} (in float) for kept elements and {@code 0} for dropped ones, and {@code
   * y[i] = x[i] * mask[i]}; {@code x} and {@code y} may be the same array. The mask depends only on {@code seed},
   * {@code rate} and {@code i}: the same for every implementation and thread count.
   *
   * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)} or NaN
   */
  void dropoutForward(long seed, double rate, float[] x, float[] mask, float[] y, int n);

  /**
   * Dropout's backward pass: {@code gradX[i] = gradY[i] * mask[i]} for {@code i < n}, with the {@code mask} that
   * {@link #dropoutForward} wrote; {@code gradY} and {@code gradX} may be the same array. Split like the forward
   * pass, so each thread multiplies the part of the mask it wrote.
   */
  void dropoutBackward(float[] mask, float[] gradY, float[] gradX, int n);

  /** Softmax of each row of a {@code rows x cols} matrix, stable (the row maximum is subtracted first). */
  void softmaxRows(int rows, int cols, float[] x, float[] y);

  /** {@code gradX = y * (gradY - sum(gradY * y))} per row, overwriting {@code gradX}. */
  void softmaxRowsBackward(int rows, int cols, float[] y, float[] gradY, float[] gradX);

  /** {@code data[r * cols + c] += bias[c]}: adds a bias to every row. */
  void addRowVector(int rows, int cols, float[] bias, float[] data);

  /** {@code out[c] += sum over r of data[r * cols + c]}: the gradient of {@link #addRowVector}. */
  void sumRowsInto(int rows, int cols, float[] data, float[] out);

  /** Releases the threads; the kernels must not be used afterwards. */
  @Override
  void close();
}
