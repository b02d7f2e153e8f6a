package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.striate.kernel.Parallel;
import org.striate.kernel.Pointwise;

/**
 * The element-wise kernels that vectors speed up, each with the scalar kernels' arithmetic lane by lane (same
 * operations in the same order, no fused multiply-add), so results are bit-identical to {@link
 * org.striate.kernel.ScalarKernels}: the identity, ReLU and leaky ReLU and their derivatives, the derivatives of
 * sigmoid and tanh (from {@code y}), adding a bias to rows and summing rows. Sigmoid, tanh and softmax evaluate
 * {@code exp}, which the Vector API computes through a slower, differently rounded path on JDK 17; they stay
 * scalar.
 *
 * <p>Element-wise loops split elements across threads (column sums split columns), so no element depends on
 * the split; loops smaller than {@link #MIN_PARALLEL_FLOATS} run on the caller, since handing work to a thread
 * costs tens of microseconds.
 */
final class VectorElementwise {
  static final int MIN_PARALLEL_FLOATS = 1 << 16;

  private final Parallel parallel;
  private final int minParallelFloats;

  VectorElementwise(Parallel parallel, int minParallelFloats) {
    this.parallel = parallel;
    this.minParallelFloats = minParallelFloats;
  }

  /** Whether {@link #forward} handles {@code f}. */
  static boolean vectorizes(Pointwise f) {
    return f == Pointwise.IDENTITY || f == Pointwise.RELU || f == Pointwise.LEAKY_RELU;
  }

  /** {@code y = f(x)} for the functions {@link #vectorizes} accepts. */
  void forward(Pointwise f, float alpha, float[] x, float[] y, int n) {
    run(n, n, (from, to) -> {
      if (f == Pointwise.IDENTITY) {
        if (x != y) {
          System.arraycopy(x, from, y, from, to - from);
        }
        return;
      }
      int i = from;
      for (int end = from + (to - from) / L * L; i < end; i += L) {
        TileMerge.activate(x, i, null, 0, f, alpha, y, i);
      }
      for (; i < to; i++) {
        y[i] = TileMerge.activate(x[i], f, alpha);
      }
    });
  }

  /** {@code gradX = f'(x) * gradY}, with the scalar kernels' formulas. */
  void backward(Pointwise f, float alpha, float[] x, float[] y, float[] gradY, float[] gradX, int n) {
    run(n, n, (from, to) -> {
      if (f == Pointwise.IDENTITY) {
        if (gradY != gradX) {
          System.arraycopy(gradY, from, gradX, from, to - from);
        }
        return;
      }
      int i = from;
      for (int end = from + (to - from) / L * L; i < end; i += L) {
        derivative(f, alpha, x, y, gradY, i, gradX, i);
      }
      for (; i < to; i++) {
        gradX[i] = derivative(f, alpha, x[i], y[i], gradY[i]);
      }
    });
  }

  /**
   * {@code out[o ...] = f'(x) * gradY} at lanes {@code [i, i + L)}, from {@code x} or {@code y} as {@link Pointwise}
   * says. It stores its vector rather than returning it: a vector that crosses a call C2 did not inline is boxed,
   * and whether C2 inlines this method depends on the order it compiles things in. When it did not (1 in about 7
   * lenet5 bench runs; always with {@code -XX:CompileCommand=dontinline} on the method), training allocated 4,892
   * KiB a step.
   */
  static void derivative(Pointwise f, float alpha, float[] x, float[] y, float[] gradY, int i, float[] out, int o) {
    FloatVector g = FloatVector.fromArray(SPECIES, gradY, i);
    switch (f) {
      case RELU:
        g = FloatVector.zero(SPECIES).blend(g, FloatVector.fromArray(SPECIES, x, i).compare(VectorOperators.GT, 0f));
        break;
      case LEAKY_RELU:
        g = g.mul(alpha).blend(g, FloatVector.fromArray(SPECIES, x, i).compare(VectorOperators.GT, 0f));
        break;
      case SIGMOID: {
        FloatVector yv = FloatVector.fromArray(SPECIES, y, i);
        g = g.mul(yv).mul(yv.neg().add(1f));
        break;
      }
      case TANH: {
        FloatVector yv = FloatVector.fromArray(SPECIES, y, i);
        g = g.mul(yv.mul(yv).neg().add(1f));
        break;
      }
      default:
        break;
    }
    g.intoArray(out, o);
  }

  /** The scalar {@link #derivative(Pointwise, float, float[], float[], float[], int, float[], int)}. */
  static float derivative(Pointwise f, float alpha, float x, float y, float gradY) {
    switch (f) {
      case RELU:
        return x > 0f ? gradY : 0f;
      case LEAKY_RELU:
        return x > 0f ? gradY : alpha * gradY;
      case SIGMOID:
        return gradY * y * (1f - y);
      case TANH:
        return gradY * (1f - y * y);
      default:
        return gradY;
    }
  }

  /** {@code data[r * cols + c] += bias[c]}. */
  void addRowVector(int rows, int cols, float[] bias, float[] data) {
    run(rows, rows * cols, (from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r * cols;
        int j = 0;
        for (; j + L <= cols; j += L) {
          FloatVector.fromArray(SPECIES, data, o + j).add(FloatVector.fromArray(SPECIES, bias, j))
              .intoArray(data, o + j);
        }
        for (; j < cols; j++) {
          data[o + j] += bias[j];
        }
      }
    });
  }

  /** {@code out[c] += sum over r of data[r * cols + c]}, each sum formed in row order as the scalar kernels do. */
  void sumRowsInto(int rows, int cols, float[] data, float[] out) {
    int blocks = (cols + L - 1) / L;
    run(blocks, rows * cols, (from, to) -> {
      for (int b = from; b < to; b++) {
        int j = b * L;
        if (j + L <= cols) {
          FloatVector sum = FloatVector.fromArray(SPECIES, out, j);
          for (int r = 0; r < rows; r++) {
            sum = sum.add(FloatVector.fromArray(SPECIES, data, r * cols + j));
          }
          sum.intoArray(out, j);
        } else {
          for (int r = 0; r < rows; r++) {
            for (int c = j; c < cols; c++) {
              out[c] += data[r * cols + c];
            }
          }
        }
      }
    });
  }

  private void run(int units, int floats, Parallel.SpanBody body) {
    if (floats < minParallelFloats) {
      body.run(0, units);
    } else {
      parallel.forSpans(units, body);
    }
  }
}
