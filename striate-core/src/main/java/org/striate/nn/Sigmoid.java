package org.striate.nn;

/**
 * The logistic function as a layer: {@code output = 1 / (1 + exp(-input))}, element by element, without
 * overflow for large {@code |input|}. Shapes: output = input, any shape.
 */
public final class Sigmoid extends ActivationLayer {

  public Sigmoid() {
    this(null);
  }

  /** @param name the layer's name, or null to let the model name it */
  public Sigmoid(String name) {
    super(name, Activation.SIGMOID);
  }

  @Override
  public String type() {
    return "Sigmoid";
  }

  static Sigmoid fromConfig(ConfigReader c) {
    return new Sigmoid(c.getName());
  }
}
