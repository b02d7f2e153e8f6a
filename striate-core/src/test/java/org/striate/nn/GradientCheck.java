package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
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
 * difference is not a derivative. {@link #checkSampled} checks a sample of elements of a large model, where
 * kinks cannot be avoided, and allows for them.
 *
 * <p>Forward runs in a training context with a fixed seed, or with {@link #checkInference} in
 * {@link Context#inferenceWithGradients}. Non-trainable parameters (layer state such as moving averages) are not
 * nudged: they have no gradient by design, and the check fails unless backward leaves theirs zero.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** Default step and tolerance for float32 layers. */
  public static final double EPS = 1e-2;
  public static final double TOLERANCE = 2e-3;
  /**
   * The step of {@link #checkSampled}. On LeNet-5 with tanh and average pooling (no kinks), float32 rounding moves
   * finite differences with this step by up to 7e-4, within {@link #TOLERANCE}; with ReLU and max pooling, a step
   * of 1e-2 makes nearly every first-layer weight cross a kink, this one about one in ten.
   */
  public static final double SAMPLED_EPS = 3e-4;
  /** The parts into which {@link #checkSampled} divides a step to follow backward's gradient across it. */
  public static final int PATH_POINTS = 32;

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
    check(layer, input, eps, tolerance, true);
  }

  /** The same check with forward as at inference ({@link Context#inferenceWithGradients}). */
  public static void checkInference(Layer layer, Tensor input) {
    check(layer, input, EPS, TOLERANCE, false);
  }

  private static void check(Layer layer, Tensor input, double eps, double tolerance, boolean training) {
    if (!layer.isBuilt()) {
      layer.assignName(layer.type().toLowerCase(java.util.Locale.ROOT));
      layer.build(input.shape().dropFirst(), new SplittableRandom(42));
    }
    try (Run run = new Run(layer, layer::forward, layer::backward, List.of(layer), input, eps, tolerance, training)) {
      run.checkAll();
    }
  }

  /**
   * The same check for a whole model, end to end: the gradients with respect to the model input and every
   * parameter of every layer.
   */
  public static void check(Model model, Tensor input) {
    try (Run run = new Run("model", model::forward, model::backward, model.layers(), input, EPS, TOLERANCE, true)) {
      run.checkAll();
    }
  }

  /**
   * The model check on a fixed sample of elements, for models with too many parameters to nudge each one: in the
   * input and in every parameter tensor, the first and the last element and {@code samplesPerTensor - 2} others
   * drawn without repetition from a fixed seed (every element of a tensor no larger than {@code samplesPerTensor}).
   *
   * <p>In a ReLU network a step in one weight of an early layer moves thousands of units, and some of them across
   * ReLU's kink or a max-pooling tie. The central difference is then the mean slope over the step, not the slope
   * at its centre. So the step is {@link #SAMPLED_EPS}, small enough that few steps cross a kink, and where the
   * central difference disagrees with backward's gradient it must instead lie between the lowest and the highest
   * of backward's gradients at {@value #PATH_POINTS} + 1 evenly spaced points of the step, as a mean slope does.
   * Without a kink backward's gradient hardly moves over the step, so this still fails a wrong gradient.
   */
  public static void checkSampled(Model model, Tensor input, int samplesPerTensor) {
    if (samplesPerTensor < 2) {
      throw new IllegalArgumentException(
          "checkSampled: samplesPerTensor must be at least 2 (the first and last elements), got " + samplesPerTensor);
    }
    try (Run run = new Run("model", model::forward, model::backward, model.layers(), input, SAMPLED_EPS, TOLERANCE,
        true)) {
      run.checkSampled(samplesPerTensor);
    }
  }

  /** A forward or backward pass: of one layer or of a whole model. */
  private interface Pass {
    Tensor run(Tensor x, Context ctx);
  }

  /** One check: the objective, the tensors to nudge and backward's gradients for them. */
  private static final class Run implements AutoCloseable {
    private final Kernels kernels = new ScalarKernels(1);
    private final Pass forward;
    private final Pass backward;
    private final List<Layer> layers;
    private final Tensor input;
    private final double eps;
    private final double tolerance;
    private final boolean training;
    private final Tensor r;
    /** Where each nudged tensor lives (for messages), its name, its values; the input first, then parameters. */
    private final List<Object> owners = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<float[]> values = new ArrayList<>();
    private final List<float[]> analytic;
    private final List<Parameter> state = new ArrayList<>();

    Run(Object where, Pass forward, Pass backward, List<Layer> layers, Tensor input, double eps, double tolerance,
        boolean training) {
      this.forward = forward;
      this.backward = backward;
      this.layers = layers;
      this.input = input;
      this.eps = eps;
      this.tolerance = tolerance;
      this.training = training;
      this.r = random(forward.run(input, context()).shape(), 7);
      owners.add(where);
      names.add("input");
      values.add(input.data());
      for (Layer layer : layers) {
        for (Parameter p : layer.parameters()) {
          if (p.trainable()) {
            owners.add(layer);
            names.add(p.name());
            values.add(p.value().data());
          } else {
            state.add(p);
          }
        }
      }
      this.analytic = gradients();
      for (Parameter p : state) {
        for (float g : p.grad().data()) {
          assertTrue(g == 0, where + ": backward gave non-trainable parameter " + p.name() + " a gradient " + g);
        }
      }
    }

    /** Training with a fixed seed, so dropout masks repeat between evaluations; or inference keeping gradients. */
    private Context context() {
      return training ? Context.training(kernels, 1) : Context.inferenceWithGradients(kernels);
    }

    /** Backward's gradients, copied, for the input and every parameter at their current values. */
    private List<float[]> gradients() {
      for (Layer layer : layers) {
        layer.parameters().forEach(Parameter::zeroGrad);
      }
      Context ctx = context();
      forward.run(input, ctx);
      Tensor gradInput = backward.run(r, ctx);
      assertTrue(gradInput.shape().equals(input.shape()),
          "gradient of the input has shape " + gradInput.shape() + ", input has " + input.shape());
      List<float[]> out = new ArrayList<>();
      out.add(gradInput.data().clone());
      for (Layer layer : layers) {
        for (Parameter p : layer.parameters()) {
          if (p.trainable()) {
            out.add(p.grad().data().clone());
          }
        }
      }
      return out;
    }

    private double objective() {
      Tensor out = forward.run(input, context());
      double sum = 0;
      for (int i = 0; i < out.size(); i++) {
        sum += (double) out.data()[i] * r.data()[i];
      }
      return sum;
    }

    void checkAll() {
      for (int t = 0; t < values.size(); t++) {
        for (int i = 0; i < values.get(t).length; i++) {
          double numeric = numeric(t, i);
          if (!close(analytic.get(t)[i], numeric)) {
            fail(mismatch(t, i, numeric));
          }
        }
      }
    }

    void checkSampled(int samples) {
      SplittableRandom order = new SplittableRandom(13);
      for (int t = 0; t < values.size(); t++) {
        for (int i : sample(values.get(t).length, samples, order)) {
          double numeric = numeric(t, i);
          if (close(analytic.get(t)[i], numeric)) {
            continue;
          }
          double[] range = gradientRangeOverTheStep(t, i);
          double slack = tolerance * Math.max(1.0, Math.max(Math.abs(range[0]), Math.abs(range[1])));
          if (numeric < range[0] - slack || numeric > range[1] + slack) {
            fail(mismatch(t, i, numeric) + " (and backward's gradient stays within [" + range[0] + ", " + range[1]
                + "] over the step)");
          }
        }
      }
    }

    /** The central difference for element {@code i} of tensor {@code t}. */
    private double numeric(int t, int i) {
      float[] v = values.get(t);
      float saved = v[i];
      v[i] = (float) (saved + eps);
      double plus = objective();
      v[i] = (float) (saved - eps);
      double minus = objective();
      v[i] = saved;
      return (plus - minus) / (2 * eps);
    }

    /** The lowest and highest of backward's gradients for the element at evenly spaced points of the step. */
    private double[] gradientRangeOverTheStep(int t, int i) {
      float[] v = values.get(t);
      float saved = v[i];
      double low = Double.POSITIVE_INFINITY;
      double high = Double.NEGATIVE_INFINITY;
      for (int k = 0; k <= PATH_POINTS; k++) {
        v[i] = (float) (saved - eps + 2 * eps * k / PATH_POINTS);
        double g = gradients().get(t)[i];
        low = Math.min(low, g);
        high = Math.max(high, g);
      }
      v[i] = saved;
      return new double[] {low, high};
    }

    private boolean close(double a, double b) {
      return Math.abs(a - b) <= tolerance * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }

    private String mismatch(int t, int i, double numeric) {
      return owners.get(t) + ": gradient of " + names.get(t) + "[" + i + "] is " + (double) analytic.get(t)[i]
          + " by backward but " + numeric + " by finite differences";
    }

    @Override
    public void close() {
      kernels.close();
    }
  }

  /** Sorted indices into {@code n} elements: all of them, or {@code samples} including the first and last. */
  private static int[] sample(int n, int samples, SplittableRandom random) {
    if (samples >= n) {
      return IntStream.range(0, n).toArray();
    }
    TreeSet<Integer> chosen = new TreeSet<>(List.of(0, n - 1));
    while (chosen.size() < samples) {
      chosen.add(random.nextInt(n));
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }
}
