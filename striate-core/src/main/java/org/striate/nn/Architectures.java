package org.striate.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/** The built-in architectures, by name, freshly initialised from seed 0. */
public final class Architectures {
  private static final Map<String, Supplier<Sequential>> BUILT_IN = new LinkedHashMap<>();

  static {
    BUILT_IN.put("mnist-convnet", Architectures::mnistConvnet);
    BUILT_IN.put("lenet5", Architectures::lenet5);
  }

  private Architectures() {}

  /** The names {@link #byName} accepts. */
  public static java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(BUILT_IN.keySet());
  }

  public static boolean exists(String name) {
    return BUILT_IN.containsKey(name);
  }

  /**
   * @throws IllegalArgumentException naming the known architectures
   */
  public static Sequential byName(String name) {
    Supplier<Sequential> s = BUILT_IN.get(name);
    if (s == null) {
      throw new IllegalArgumentException("model name must be one of " + BUILT_IN.keySet() + ", got '" + name + "'");
    }
    return s.get();
  }

  /**
   * The convnet of the Keras MNIST example: two 3x3 ReLU convolutions (32 and 64 filters) each followed by 2x2
   * max pooling, then dropout 0.5 and a 10-way softmax; 34,826 parameters for 28x28x1 input.
   */
  public static Sequential mnistConvnet() {
    return new Sequential(Shape.of(28, 28, 1),
        new Conv2D(32, 3, Activation.RELU),
        new MaxPool2D(2),
        new Conv2D(64, 3, Activation.RELU),
        new MaxPool2D(2),
        new Flatten(),
        new Dropout(0.5),
        new Dense(10, Activation.SOFTMAX));
  }

  /**
   * LeNet-5 with ReLU and max pooling, as commonly trained on MNIST: Conv 6 5x5 padding 2, MaxPool 2, Conv 16
   * 5x5, MaxPool 2, Dense 120, Dense 84, Dense 10 (logits); 61,706 parameters for 28x28x1 input.
   */
  public static Sequential lenet5() {
    return new Sequential(Shape.of(28, 28, 1),
        Conv2D.builder(6).kernelSize(5, 5).padding(Padding.explicit(2, 2)).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        Conv2D.builder(16).kernelSize(5, 5).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        new Flatten(),
        new Dense(120, Activation.RELU),
        new Dense(84, Activation.RELU),
        new Dense(10));
  }
}
