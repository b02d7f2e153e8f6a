package org.striate.kernel;

import org.striate.tensor.ConvGeometry;

/**
 * The plain-Java reference implementation of {@link Kernels}: simple loops in an order the JIT can
 * auto-vectorize (the innermost loop walks contiguous memory), split across threads by {@link Parallel}.
 * Every faster implementation is tested against this one.
 */
public final class ScalarKernels implements Kernels {
  /**
   * Dropout masks smaller than this stay on the caller: at 1 to 2 ns an element (measured), a smaller one takes
   * less time than handing work to another thread does (tens of microseconds).
   */
  private static final int MIN_PARALLEL_DROPOUT = 1 << 14;

  private final Parallel parallel;
  private final ScalarConvolution convolution;
  private final ScalarPooling pooling;

  public ScalarKernels(int threads) {
    this.parallel = new Parallel(threads);
    this.convolution = new ScalarConvolution(parallel);
    this.pooling = new ScalarPooling(parallel);
  }

  @Override
  public int threads() {
    return parallel.threads();
  }

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      boolean accumulate, float[] c, int cOffset, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    // Rows of C are independent: each thread owns a contiguous block of them.
    parallel.forRange(m, (chunk, from, to) ->
        gemmRows(transA, transB, from, to, n, k, a, aOffset, lda, b, bOffset, ldb, accumulate, c, cOffset, ldc));
  }

  /** Rows {@code [from, to)} of {@link #gemm}, single-threaded; used by other kernels on their own threads. */
  static void gemmRows(
      boolean transA, boolean transB, int from, int to, int n, int k,
      float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      boolean accumulate, float[] c, int cOffset, int ldc) {
    for (int i = from; i < to; i++) {
      int cRow = cOffset + i * ldc;
      if (!accumulate) {
        java.util.Arrays.fill(c, cRow, cRow + n, 0f);
      }
      if (!transB) {
        // c[i, :] += a(i, p) * b[p, :]: the inner loop is a contiguous axpy.
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
          if (aip == 0f) {
            continue;
          }
          int bRow = bOffset + p * ldb;
          for (int j = 0; j < n; j++) {
            c[cRow + j] += aip * b[bRow + j];
          }
        }
      } else {
        // c[i, j] += dot(a(i, :), b[j, :]): both rows contiguous when A is not transposed.
        for (int j = 0; j < n; j++) {
          int bRow = bOffset + j * ldb;
          float sum = 0f;
          if (!transA) {
            int aRow = aOffset + i * lda;
            for (int p = 0; p < k; p++) {
              sum += a[aRow + p] * b[bRow + p];
            }
          } else {
            for (int p = 0; p < k; p++) {
              sum += a[aOffset + p * lda + i] * b[bRow + p];
            }
          }
          c[cRow + j] += sum;
        }
      }
    }
  }

  @Override
  public void conv2dForward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, Pointwise f,
      float alpha, float[] output) {
    convolution.forward(spec, batch, input, weight, bias, output);
    if (f != Pointwise.IDENTITY) {
      pointwiseForward(f, alpha, output, output, batch * spec.outputImageSize());
    }
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
    parallel.forRange(n, (chunk, from, to) -> {
      switch (f) {
        case IDENTITY -> {
          if (x != y) {
            System.arraycopy(x, from, y, from, to - from);
          }
        }
        case RELU -> {
          for (int i = from; i < to; i++) {
            y[i] = x[i] > 0f ? x[i] : 0f;
          }
        }
        case LEAKY_RELU -> {
          for (int i = from; i < to; i++) {
            y[i] = x[i] > 0f ? x[i] : alpha * x[i];
          }
        }
        case SIGMOID -> {
          for (int i = from; i < to; i++) {
            y[i] = sigmoid(x[i]);
          }
        }
        case TANH -> {
          for (int i = from; i < to; i++) {
            y[i] = (float) Math.tanh(x[i]);
          }
        }
      }
    });
  }

  /** The logistic function, evaluated so that exp never overflows. */
  static float sigmoid(float x) {
    if (x >= 0f) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }

  @Override
  public void pointwiseBackward(Pointwise f, float alpha, float[] x, float[] y, float[] gradY, float[] gradX, int n) {
    parallel.forRange(n, (chunk, from, to) -> pointwiseGradient(f, alpha, x, y, gradY, from, gradX, from, to - from));
  }

  /**
   * {@link #pointwiseBackward} for {@code n} elements read from {@code at} of {@code x}, {@code y} and {@code
   * gradY} and written from {@code gradXAt} of {@code gradX}; the convolution's fused backward pass uses it too.
   */
  static void pointwiseGradient(Pointwise f, float alpha, float[] x, float[] y, float[] gradY, int at, float[] gradX,
      int gradXAt, int n) {
    int shift = gradXAt - at;
    switch (f) {
      case IDENTITY -> {
        if (gradY != gradX || shift != 0) {
          System.arraycopy(gradY, at, gradX, gradXAt, n);
        }
      }
      case RELU -> {
        for (int i = at; i < at + n; i++) {
          gradX[i + shift] = x[i] > 0f ? gradY[i] : 0f;
        }
      }
      case LEAKY_RELU -> {
        for (int i = at; i < at + n; i++) {
          gradX[i + shift] = x[i] > 0f ? gradY[i] : alpha * gradY[i];
        }
      }
      case SIGMOID -> {
        for (int i = at; i < at + n; i++) {
          gradX[i + shift] = gradY[i] * y[i] * (1f - y[i]);
        }
      }
      case TANH -> {
        for (int i = at; i < at + n; i++) {
          gradX[i + shift] = gradY[i] * (1f - y[i] * y[i]);
        }
      }
    }
  }

  @Override
  public void dropoutForward(long seed, double rate, float[] x, float[] mask, float[] y, int n) {
    long threshold = DropoutMask.threshold(rate);
    float scale = DropoutMask.scale(rate);
    if (n < MIN_PARALLEL_DROPOUT) {
      DropoutMask.apply(seed, threshold, scale, x, mask, y, 0, n);
    } else {
      parallel.forRange(n, (chunk, from, to) -> DropoutMask.apply(seed, threshold, scale, x, mask, y, from, to));
    }
  }

  @Override
  public void dropoutBackward(float[] mask, float[] gradY, float[] gradX, int n) {
    if (n < MIN_PARALLEL_DROPOUT) {
      DropoutMask.backward(mask, gradY, gradX, 0, n);
    } else {
      parallel.forRange(n, (chunk, from, to) -> DropoutMask.backward(mask, gradY, gradX, from, to));
    }
  }

  @Override
  public void softmaxRows(int rows, int cols, float[] x, float[] y) {
    parallel.forRange(rows, (chunk, from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r * cols;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
          max = Math.max(max, x[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
          float e = (float) Math.exp(x[o + j] - max);
          y[o + j] = e;
          sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < cols; j++) {
          y[o + j] *= inv;
        }
      }
    });
  }

  @Override
  public void softmaxRowsBackward(int rows, int cols, float[] y, float[] gradY, float[] gradX) {
    parallel.forRange(rows, (chunk, from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r * cols;
        double dot = 0;
        for (int j = 0; j < cols; j++) {
          dot += (double) gradY[o + j] * y[o + j];
        }
        float d = (float) dot;
        for (int j = 0; j < cols; j++) {
          gradX[o + j] = y[o + j] * (gradY[o + j] - d);
        }
      }
    });
  }

  @Override
  public void addRowVector(int rows, int cols, float[] bias, float[] data) {
    parallel.forRange(rows, (chunk, from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r * cols;
        for (int j = 0; j < cols; j++) {
          data[o + j] += bias[j];
        }
      }
    });
  }

  @Override
  public void sumRowsInto(int rows, int cols, float[] data, float[] out) {
    // Split over columns so each output sum is formed by one thread in row order: deterministic for any
    // thread count.
    parallel.forRange(cols, (chunk, from, to) -> {
      for (int r = 0; r < rows; r++) {
        int o = r * cols;
        for (int j = from; j < to; j++) {
          out[j] += data[o + j];
        }
      }
    });
  }

  @Override
  public void close() {
    parallel.close();
  }
}
