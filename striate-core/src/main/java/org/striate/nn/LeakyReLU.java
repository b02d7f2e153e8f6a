package org.striate.nn;

import java.util.Map;
import org.striate.kernel.Pointwise;
import org.striate.tensor.Tensor;

/**
 * Leaky rectifier as a layer: {@code output = input} where {@code input > 0}, else
 * {@code negativeSlope * input}, element by element. Shapes: output = input, any shape.
 *
 * <p>The default slope is the Keras layer's, 0.3 (the {@code leaky_relu} activation function defaults to 0.2;
 * PyTorch's {@code LeakyReLU} to 0.01). {@link #activation()} reports {@link Activation#LEAKY_RELU} as the
 * kind of function; the slope in use is {@link #negativeSlope()}, not the activation function's 0.2.
 */
public final class LeakyReLU extends ActivationLayer {
  /** Keras's default for the layer. */
  public static final double DEFAULT_NEGATIVE_SLOPE = 0.3;

  private final double negativeSlope;

  public LeakyReLU() {
    this(DEFAULT_NEGATIVE_SLOPE);
  }

  public LeakyReLU(double negativeSlope) {
    this(negativeSlope, null);
  }

  /**
   * @param negativeSlope the factor applied to negative inputs; finite and {@code >= 0}
   * @param name the layer's name, or null to let the model name it
   * @throws IllegalArgumentException if {@code negativeSlope} is negative, infinite or NaN
   */
  public LeakyReLU(double negativeSlope, String name) {
    super(name, Activation.LEAKY_RELU);
    if (!(negativeSlope >= 0 && negativeSlope < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("LeakyReLU: negative_slope must be finite and >= 0, got " + negativeSlope);
    }
    this.negativeSlope = negativeSlope;
  }

  @Override
  public String type() {
    return "LeakyReLU";
  }

  public double negativeSlope() {
    return negativeSlope;
  }

  // The layer's own slope replaces the one Activation.LEAKY_RELU carries.
  @Override
  Tensor apply(Tensor input, Context ctx) {
    Tensor output = ctx.buffer(this, "output", input.shape());
    ctx.kernels().pointwiseForward(Pointwise.LEAKY_RELU, (float) negativeSlope, input.data(), output.data(),
        input.size());
    return output;
  }

  @Override
  Tensor gradient(Tensor input, Tensor output, Tensor gradOutput, Context ctx) {
    Tensor gradInput = ctx.buffer(this, "gradInput", input.shape());
    ctx.kernels().pointwiseBackward(Pointwise.LEAKY_RELU, (float) negativeSlope, input.data(), output.data(),
        gradOutput.data(), gradInput.data(), input.size());
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("negative_slope", negativeSlope);
  }

  static LeakyReLU fromConfig(ConfigReader c) {
    return new LeakyReLU(c.getDouble("negative_slope", DEFAULT_NEGATIVE_SLOPE), c.getName());
  }
}
