package org.striate.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.striate.kernel.Kernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A plain stack of layers, each feeding the next, as in Keras:
 *
 * <pre>{@code
 * Sequential model = new Sequential(Shape.of(28, 28, 1),
 *     new Conv2D(32, 3, Activation.RELU),
 *     new MaxPool2D(2),
 *     new Conv2D(64, 3, Activation.RELU),
 *     new MaxPool2D(2),
 *     new Flatten(),
 *     new Dropout(0.5),
 *     new Dense(10, Activation.SOFTMAX));
 * }</pre>
 *
 * <p>The constructor names unnamed layers Keras-style ({@code conv2d}, {@code conv2d_1}, ...), builds every
 * layer and initialises the parameters from seed 0; {@link #initialize(long)} draws them again from another
 * seed.
 */
public final class Sequential {
  private final Shape inputShape;
  private final List<Layer> layers;

  /**
   * @param inputShape the shape of one example, such as {@code (28, 28, 1)} for MNIST (NHWC without N)
   * @throws IllegalArgumentException if there are no layers, a name repeats, or a layer rejects its input shape
   */
  public Sequential(Shape inputShape, Layer... layers) {
    this(inputShape, List.of(layers));
  }

  public Sequential(Shape inputShape, List<Layer> layers) {
    if (inputShape == null) {
      throw new IllegalArgumentException("Sequential: input shape must be given, got null");
    }
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("Sequential: needs at least one layer, got none");
    }
    this.inputShape = inputShape;
    this.layers = List.copyOf(layers);
    assignNames();
    SplittableRandom root = new SplittableRandom(0);
    Shape shape = inputShape;
    for (Layer layer : this.layers) {
      layer.build(shape, root.split());
      shape = layer.outputShape();
    }
  }

  private void assignNames() {
    Set<String> used = new HashSet<>();
    for (Layer layer : layers) {
      if (layer.name() != null && !used.add(layer.name())) {
        throw new IllegalArgumentException("Sequential: layer names must be unique, got '" + layer.name() + "' twice");
      }
    }
    Map<String, Integer> counters = new HashMap<>();
    for (Layer layer : layers) {
      if (layer.name() != null) {
        continue;
      }
      String base = snakeCase(layer.type());
      String name;
      do {
        int n = counters.merge(base, 1, Integer::sum) - 1;
        name = n == 0 ? base : base + "_" + n;
      } while (!used.add(name));
      layer.assignName(name);
    }
  }

  /**
   * Keras's default layer names: {@code MaxPool2D} becomes {@code max_pool2d}, {@code Conv2DTranspose}
   * {@code conv2d_transpose}: an underscore before a capital that follows a lower-case letter or starts a
   * capitalised word.
   */
  static String snakeCase(String type) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      boolean startsWord = i + 1 < type.length() && Character.isLowerCase(type.charAt(i + 1));
      if (Character.isUpperCase(c) && i > 0 && (Character.isLowerCase(type.charAt(i - 1)) || startsWord)) {
        sb.append('_');
      }
      sb.append(Character.toLowerCase(c));
    }
    return sb.toString();
  }

  /** Draws every parameter again from {@code seed}, as the constructor does from seed 0. */
  public Sequential initialize(long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    for (Layer layer : layers) {
      SplittableRandom random = root.split();
      for (Parameter p : layer.parameters()) {
        p.initializer().fill(p.value(), random);
        p.zeroGrad();
      }
    }
    return this;
  }

  public Shape inputShape() {
    return inputShape;
  }

  public Shape outputShape() {
    return layers.get(layers.size() - 1).outputShape();
  }

  public List<Layer> layers() {
    return layers;
  }

  /**
   * @throws IllegalArgumentException if no layer has this name
   */
  public Layer layer(String name) {
    for (Layer layer : layers) {
      if (layer.name().equals(name)) {
        return layer;
      }
    }
    List<String> names = new ArrayList<>();
    layers.forEach(l -> names.add(l.name()));
    throw new IllegalArgumentException("layer name must be one of " + names + ", got '" + name + "'");
  }

  /** Every trainable parameter, layer by layer in order. */
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.parameters());
    }
    return Collections.unmodifiableList(all);
  }

  /** The parameters the optimizer updates, in order. */
  public List<Parameter> trainableParameters() {
    List<Parameter> trainable = new ArrayList<>();
    for (Parameter p : parameters()) {
      if (p.trainable()) {
        trainable.add(p);
      }
    }
    return Collections.unmodifiableList(trainable);
  }

  public long trainableParameterCount() {
    long n = 0;
    for (Layer layer : layers) {
      n += layer.trainableParameterCount();
    }
    return n;
  }

  public long parameterCount() {
    long n = 0;
    for (Layer layer : layers) {
      n += layer.parameterCount();
    }
    return n;
  }

  /** Runs the batch through the layers up to, not including, layer {@code end}. */
  public Tensor forward(Tensor input, Context ctx, int end) {
    if (input.shape().rank() != inputShape.rank() + 1 || !input.shape().dropFirst().equals(inputShape)) {
      throw new IllegalArgumentException(
          "model input: expected shape " + inputShape.toBatchString() + ", got " + input.shape());
    }
    Tensor x = input;
    for (int i = 0; i < end; i++) {
      x = layers.get(i).forward(x, ctx);
    }
    return x;
  }

  /** The model's output for a batch {@code (N, ...inputShape)}. */
  public Tensor forward(Tensor input, Context ctx) {
    return forward(input, ctx, layers.size());
  }

  /** Backward from layer {@code end - 1} down to the first; returns the gradient for the model input. */
  public Tensor backward(Tensor gradOutput, Context ctx, int end) {
    Tensor g = gradOutput;
    for (int i = end - 1; i >= 0; i--) {
      g = layers.get(i).backward(g, ctx);
    }
    return g;
  }

  public Tensor backward(Tensor gradOutput, Context ctx) {
    return backward(gradOutput, ctx, layers.size());
  }

  /** The model's output for {@code input}, computed {@code batchSize} examples at a time without dropout. */
  public Tensor predict(Tensor input, Kernels kernels, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("predict: batch size must be positive, got " + batchSize);
    }
    int n = input.shape().dim(0);
    Shape outShape = outputShape().withBatch(n);
    Tensor out = Tensor.zeros(outShape);
    int row = outputShape().size();
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      Tensor part = forward(input.slice(start, end), Context.inference(kernels));
      System.arraycopy(part.data(), 0, out.data(), start * row, part.size());
    }
    return out;
  }

  /** The per-layer table of output shapes, parameters and receptive fields; see {@link Summary}. */
  public String summary() {
    return Summary.of(this).toString();
  }
}
