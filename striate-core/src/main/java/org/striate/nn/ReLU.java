package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Tensor;

/**
 * The rectifier as a layer: {@code output = max(input, 0)}, element by element, or with Keras's {@code max_value}
 * {@code output = min(max(input, 0), max_value)}; {@code new ReLU(6)} is ReLU6 (MobileNet's, PyTorch's
 * {@code ReLU6}). The derivative is 1 strictly between 0 and {@code max_value} and 0 elsewhere, at the kinks
 * included, as in PyTorch ({@code relu}, {@code hardtanh}) and TensorFlow ({@code relu6}). Shapes: output = input,
 * any shape.
 */
public final class ReLU extends ActivationLayer {
  private final double maxValue; // +infinity when there is no cap (Keras's max_value=None)

  public ReLU() {
    this(null);
  }

  /** @param name the layer's name, or null to let the model name it ({@code re_lu}, {@code re_lu_1}, ...) */
  public ReLU(String name) {
    this(Double.POSITIVE_INFINITY, name);
  }

  /** A rectifier capped at {@code maxValue}: {@code new ReLU(6)} is ReLU6. */
  public ReLU(double maxValue) {
    this(maxValue, null);
  }

  /**
   * @param maxValue the largest output, {@code >= 0}; {@link Double#POSITIVE_INFINITY} for none
   * @param name the layer's name, or null to let the model name it
   * @throws IllegalArgumentException if {@code maxValue} is negative or NaN
   */
  public ReLU(double maxValue, String name) {
    super(name, Activation.RELU);
    if (!(maxValue >= 0)) {
      throw new IllegalArgumentException("ReLU: max_value must be >= 0 (or absent for no cap), got " + maxValue);
    }
    this.maxValue = maxValue;
  }

  @Override
  public String type() {
    return "ReLU";
  }

  /** The cap on the output; {@link Double#POSITIVE_INFINITY} when there is none. */
  public double maxValue() {
    return maxValue;
  }

  private boolean capped() {
    return maxValue != Double.POSITIVE_INFINITY;
  }

  @Override
  Tensor apply(Tensor input, Context ctx) {
    Tensor output = super.apply(input, ctx);
    if (capped()) {
      // The kernel's ReLU wrote a fresh tensor: cap it in place.
      float cap = (float) maxValue;
      float[] y = output.data();
      for (int i = 0; i < y.length; i++) {
        y[i] = Math.min(y[i], cap);
      }
    }
    return output;
  }

  @Override
  Tensor gradient(Tensor input, Tensor output, Tensor gradOutput, Context ctx) {
    Tensor gradInput = super.gradient(input, output, gradOutput, ctx);
    if (capped()) {
      float cap = (float) maxValue;
      float[] x = input.data();
      float[] g = gradInput.data();
      for (int i = 0; i < g.length; i++) {
        g[i] = x[i] < cap ? g[i] : 0f;
      }
    }
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("max_value", capped() ? maxValue : null);
  }

  static ReLU fromConfig(ConfigReader c) {
    return new ReLU(c.getDouble("max_value", Double.POSITIVE_INFINITY), c.getName());
  }
}
