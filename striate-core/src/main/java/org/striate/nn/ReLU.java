package org.striate.nn;

/**
 * The rectifier as a layer: {@code output = max(input, 0)}, element by element; the derivative at 0 is taken
 * as 0, as in PyTorch. Shapes: output = input, any shape.
 */
public final class ReLU extends ActivationLayer {

  public ReLU() {
    this(null);
  }

  /** @param name the layer's name, or null to let the model name it ({@code re_lu}, {@code re_lu_1}, ...) */
  public ReLU(String name) {
    super(name, Activation.RELU);
  }

  @Override
  public String type() {
    return "ReLU";
  }

  static ReLU fromConfig(ConfigReader c) {
    return new ReLU(c.getName());
  }
}
