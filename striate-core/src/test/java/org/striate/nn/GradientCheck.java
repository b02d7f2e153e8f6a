package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
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

  /** Uniform random values in {@code [-1, -0.1] U [0.1, 1)}: away from the kinks of ReLU and its kin at 0. */
  public static Tensor randomAwayFromZero(Shape shape, long seed) {
    Tensor t = random(shape, seed);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.copySign(0.1f + 0.9f * Math.abs(d[i]), d[i]);
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
    check(layer, layer::forward, layer::backward, List.of(layer), input, eps, tolerance);
  }

  /**
   * The same check for a whole model, end to end: the gradients with respect to the model input and every
   * parameter of every layer.
   */
  public static void check(Sequential model, Tensor input) {
    check("model", model::forward, model::backward, model.layers(), input, EPS, TOLERANCE);
  }

  /** A forward or backward pass: of one layer or of a whole model. */
  private interface Pass {
    Tensor run(Tensor x, Context ctx);
  }

  private static void check(
      Object where, Pass forward, Pass backward, List<Layer> layers, Tensor input, double eps, double tolerance) {
    try (Kernels kernels = new ScalarKernels(1)) {
      // Training mode with a fixed seed, so dropout masks repeat between evaluations.
      Tensor r = random(forward.run(input, Context.training(kernels, 1)).shape(), 7);
      for (Layer layer : layers) {
        layer.parameters().forEach(Parameter::zeroGrad);
      }
      Context ctx = Context.training(kernels, 1);
      forward.run(input, ctx);
      Tensor gradInput = backward.run(r, ctx);
      assertTrue(gradInput.shape().equals(input.shape()),
          "gradient of the input has shape " + gradInput.shape() + ", input has " + input.shape());
      DoubleSupplier objective = () -> dot(forward.run(input, Context.training(kernels, 1)), r);
      compare(where, "input", input.data(), gradInput.data(), objective, eps, tolerance);
      for (Layer layer : layers) {
        for (Parameter p : layer.parameters()) {
          compare(layer, p.name(), p.value().data(), p.grad().data(), objective, eps, tolerance);
        }
      }
    }
  }

  private static double dot(Tensor out, Tensor r) {
    double sum = 0;
    for (int i = 0; i < out.size(); i++) {
      sum += (double) out.data()[i] * r.data()[i];
    }
    return sum;
  }

  private static void compare(
      Object where, String what, float[] values, float[] analytic, DoubleSupplier objective,
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
        fail(where + ": gradient of " + what + "[" + i + "] is " + a + " by backward but " + numeric
            + " by finite differences");
      }
    }
  }
}
