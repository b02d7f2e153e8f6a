package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Finite-difference checks of a layer's backward pass.
 *
 * <p>The scalar objective is {@code L = sum(output * R)} for a fixed random {@code R}, so backward receives
 * {@code R} as the output gradient. Each input element and each parameter element is nudged by
 * {@code +-eps} and the central difference {@code (L+ - L-) / 2 eps} (summed in double) is compared with the
 * analytical gradient. Choose inputs away from kinks (ReLU at 0, ties in max pooling), where a finite
 * difference is not a derivative.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** Default step and tolerance for float32 layers. */
  public static final double EPS = 1e-2;
  public static final double TOLERANCE = 2e-3;

  /** Uniform random values in [-1, 1). */
  public static Tensor random(Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return t;
  }

  /**
   * A random permutation of the distinct values {@code (i - size / 2 + 0.5) * 0.05}: no ties, no value within
   * 0.025 of zero, and none that a finite difference with the default step could swap; for max pooling and
   * ReLU, whose derivatives jump at ties and at zero.
   */
  public static Tensor distinct(Shape shape, long seed) {
    Tensor t = Tensor.zeros(shape);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) ((i - d.length / 2 + 0.5) * 0.05);
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = d.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      float swap = d[i];
      d[i] = d[j];
      d[j] = swap;
    }
    return t;
  }

  /**
   * Builds {@code layer} for {@code input}'s example shape (if not yet built) and checks the gradients with
   * respect to the input and every parameter; fails with the first mismatching element.
   */
  public static void check(Layer layer, Tensor input) {
    check(layer, input, EPS, TOLERANCE);
  }

  public static void check(Layer layer, Tensor input, double eps, double tolerance) {
    if (!layer.isBuilt()) {
      layer.assignName(layer.type().toLowerCase(java.util.Locale.ROOT));
      layer.build(input.shape().dropFirst(), new SplittableRandom(42));
    }
    try (Kernels kernels = new ScalarKernels(1)) {
      Tensor probe = forward(layer, input, kernels);
      Tensor r = random(probe.shape(), 7);
      for (Parameter p : layer.parameters()) {
        p.zeroGrad();
      }
      Context ctx = Context.training(kernels, 1);
      layer.forward(input, ctx);
      Tensor gradInput = layer.backward(r, ctx);
      assertTrue(gradInput.shape().equals(input.shape()),
          "gradient of the input has shape " + gradInput.shape() + ", input has " + input.shape());
      compare(layer, "input", input.data(), gradInput.data(), () -> objective(layer, input, r, kernels), eps, tolerance);
      for (Parameter p : layer.parameters()) {
        compare(layer, p.name(), p.value().data(), p.grad().data(), () -> objective(layer, input, r, kernels), eps,
            tolerance);
      }
    }
  }

  private static Tensor forward(Layer layer, Tensor input, Kernels kernels) {
    // Training mode with a fixed seed, so dropout masks repeat between evaluations.
    return layer.forward(input, Context.training(kernels, 1));
  }

  private static double objective(Layer layer, Tensor input, Tensor r, Kernels kernels) {
    Tensor out = forward(layer, input, kernels);
    double sum = 0;
    for (int i = 0; i < out.size(); i++) {
      sum += (double) out.data()[i] * r.data()[i];
    }
    return sum;
  }

  private static void compare(
      Layer layer, String what, float[] values, float[] analytic, java.util.function.DoubleSupplier objective,
      double eps, double tolerance) {
    for (int i = 0; i < values.length; i++) {
      float saved = values[i];
      values[i] = (float) (saved + eps);
      double plus = objective.getAsDouble();
      values[i] = (float) (saved - eps);
      double minus = objective.getAsDouble();
      values[i] = saved;
      double numeric = (plus - minus) / (2 * eps);
      double a = analytic[i];
      double scale = Math.max(1.0, Math.max(Math.abs(a), Math.abs(numeric)));
      if (Math.abs(a - numeric) > tolerance * scale) {
        fail(layer + ": gradient of " + what + "[" + i + "] is " + a + " by backward but " + numeric
            + " by finite differences");
      }
    }
  }
}
