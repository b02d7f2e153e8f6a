package org.striate.kernel.vector;

import jdk.incubator.vector.FloatVector;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.ConvGeometry;

/**
 * {@link Kernels} on the JDK's incubating Vector API: GEMM is {@link VectorGemm}, convolution {@link
 * VectorConvolution} (implicit GEMM) and {@link DepthwiseConvolution}, pooling {@link VectorPooling}, the
 * element-wise kernels {@link VectorElementwise}, dropout {@link VectorDropout}. What vectors do not speed up
 * stays the {@link ScalarKernels} code: sigmoid, tanh and softmax (they evaluate {@code exp}).
 *
 * <p>Needs the {@code jdk.incubator.vector} module ({@code java --add-modules jdk.incubator.vector}). Do not
 * construct it directly: {@link Kernels#create(int)} picks it when the module is present and falls back to
 * {@link ScalarKernels} otherwise, and is the only code that names this class (reflectively), so the rest of
 * Striate runs without the module.
 */
public final class VectorKernels implements Kernels {
  private final Parallel parallel;
  private final ScalarKernels scalar;
  private final VectorGemm gemm;
  private final VectorConvolution convolution;
  private final VectorPooling pooling;
  private final VectorElementwise elementwise;
  private final VectorDropout dropout;

  /**
   * @throws IllegalArgumentException if {@code threads < 1}
   * @throws UnsupportedOperationException if the CPU has no 256-bit vectors (the kernels' tiles are sized for at
   *     least 8 floats per vector; with fewer they would be slower than scalar code)
   */
  public VectorKernels(int threads) {
    int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    if (bits < 256) {
      throw new UnsupportedOperationException(
          "VectorKernels: needs 256-bit vectors, but this CPU's preferred vector size is " + bits + " bits");
    }
    this.parallel = new Parallel(threads);
    this.scalar = new ScalarKernels(threads);
    this.gemm = new VectorGemm(parallel);
    this.convolution = new VectorConvolution(parallel);
    this.pooling = new VectorPooling(parallel, VectorPooling.MIN_PARALLEL_FLOATS);
    this.elementwise = new VectorElementwise(parallel, VectorElementwise.MIN_PARALLEL_FLOATS);
    this.dropout = new VectorDropout(parallel, VectorDropout.MIN_PARALLEL_ELEMENTS);
  }

  @Override
  public int threads() {
    return parallel.threads();
  }

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      boolean accumulate, float[] c, int cOffset, int ldc) {
    gemm.gemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc);
  }

  @Override
  public void conv2dForward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, Pointwise f,
      float alpha, float[] output) {
    boolean fused = finishesTiles(f);
    convolution.forward(spec, batch, input, weight, bias, fused ? f : Pointwise.IDENTITY, alpha, output);
    if (!fused) {
      pointwiseForward(f, alpha, output, output, batch * spec.outputImageSize());
    }
  }

  /** Whether the convolution's tiles are finished with {@code f} as they are stored ({@link TileMerge#store}). */
  private static boolean finishesTiles(Pointwise f) {
    return f == Pointwise.IDENTITY || f == Pointwise.RELU || f == Pointwise.LEAKY_RELU;
  }

  @Override
  public void conv2dBackwardInput(ConvSpec spec, int batch, float[] gradOutput, float[] weight, float[] gradInput) {
    convolution.backwardInput(spec, batch, gradOutput, weight, gradInput);
  }

  @Override
  public void conv2dBackwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput, Pointwise f,
      float alpha, float[] output, float[] gradWeight, float[] gradBias) {
    convolution.backwardWeight(spec, batch, input, gradOutput, f, alpha, output, gradWeight, gradBias);
  }

  @Override
  public boolean fusesMaxPoolIntoForward(ConvSpec spec, ConvGeometry pool) {
    return PooledConvolution.handles(spec, pool);
  }

  @Override
  public void conv2dForwardMaxPool(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias,
      Pointwise f, float alpha, ConvGeometry pool, float[] pooled, int[] argmax) {
    if (!PooledConvolution.handles(spec, pool) || !finishesTiles(f)) {
      Kernels.super.conv2dForwardMaxPool(spec, batch, input, weight, bias, f, alpha, pool, pooled, argmax);
      return;
    }
    convolution.forwardThroughMaxPool(spec, batch, input, weight, bias, f, alpha, pool, pooled, argmax);
  }

  @Override
  public boolean fusesMaxPoolIntoWeightGradient(ConvSpec spec, ConvGeometry pool) {
    return PooledGradient.handles(spec, pool);
  }

  @Override
  public void conv2dBackwardWeightThroughMaxPool(ConvSpec spec, int batch, float[] input, ConvGeometry pool,
      float[] gradPooled, int[] argmax, float[] rectified, float[] gradWeight, float[] gradBias) {
    if (!PooledGradient.handles(spec, pool)) {
      Kernels.super.conv2dBackwardWeightThroughMaxPool(
          spec, batch, input, pool, gradPooled, argmax, rectified, gradWeight, gradBias);
      return;
    }
    convolution.backwardWeightThroughMaxPool(spec, batch, input, pool, gradPooled, argmax, rectified, gradWeight,
        gradBias);
  }

  @Override
  public void maxPool2dForward(ConvGeometry g, int batch, int channels, float[] input, float[] output, int[] argmax) {
    pooling.maxForward(g, batch, channels, input, output, argmax);
  }

  @Override
  public void maxPool2dBackward(ConvGeometry g, int batch, int channels, float[] gradOutput, int[] argmax,
      float[] rectified, float[] gradInput) {
    pooling.maxBackward(g, batch, channels, gradOutput, argmax, rectified, gradInput);
  }

  @Override
  public void avgPool2dForward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] input, float[] output) {
    pooling.avgForward(g, batch, channels, countIncludePad, input, output);
  }

  @Override
  public void avgPool2dBackward(
      ConvGeometry g, int batch, int channels, boolean countIncludePad, float[] gradOutput, float[] gradInput) {
    pooling.avgBackward(g, batch, channels, countIncludePad, gradOutput, gradInput);
  }

  @Override
  public void pointwiseForward(Pointwise f, float alpha, float[] x, float[] y, int n) {
    if (VectorElementwise.vectorizes(f)) {
      elementwise.forward(f, alpha, x, y, n);
    } else {
      scalar.pointwiseForward(f, alpha, x, y, n);
    }
  }

  @Override
  public void pointwiseBackward(Pointwise f, float alpha, float[] x, float[] y, float[] gradY, float[] gradX, int n) {
    elementwise.backward(f, alpha, x, y, gradY, gradX, n);
  }

  @Override
  public void dropoutForward(long seed, double rate, float[] x, float[] mask, float[] y, int n) {
    dropout.forward(seed, rate, x, mask, y, n);
  }

  @Override
  public void dropoutBackward(float[] mask, float[] gradY, float[] gradX, int n) {
    dropout.backward(mask, gradY, gradX, n);
  }

  @Override
  public void softmaxRows(int rows, int cols, float[] x, float[] y) {
    scalar.softmaxRows(rows, cols, x, y);
  }

  @Override
  public void softmaxRowsBackward(int rows, int cols, float[] y, float[] gradY, float[] gradX) {
    scalar.softmaxRowsBackward(rows, cols, y, gradY, gradX);
  }

  @Override
  public void addRowVector(int rows, int cols, float[] bias, float[] data) {
    elementwise.addRowVector(rows, cols, bias, data);
  }

  @Override
  public void sumRowsInto(int rows, int cols, float[] data, float[] out) {
    elementwise.sumRowsInto(rows, cols, data, out);
  }

  @Override
  public void close() {
    scalar.close();
    parallel.close();
  }
}
