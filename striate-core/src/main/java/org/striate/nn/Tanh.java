package org.striate.nn;

/** The hyperbolic tangent as a layer, element by element. Shapes: output = input, any shape. */
public final class Tanh extends ActivationLayer {

  public Tanh() {
    this(null);
  }

  /** @param name the layer's name, or null to let the model name it */
  public Tanh(String name) {
    super(name, Activation.TANH);
  }

  @Override
  public String type() {
    return "Tanh";
  }

  static Tanh fromConfig(ConfigReader c) {
    return new Tanh(c.getName());
  }
}
