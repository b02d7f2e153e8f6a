package org.striate.nn;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
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
 * seed. For branches and skip connections use {@link Functional}.
 */
public final class Sequential extends Model {

  /**
   * @param inputShape the shape of one example, such as {@code (28, 28, 1)} for MNIST (NHWC without N)
   * @throws IllegalArgumentException if there are no layers, a name repeats, or a layer rejects its input shape
   */
  public Sequential(Shape inputShape, Layer... layers) {
    this(inputShape, List.of(layers));
  }

  public Sequential(Shape inputShape, List<Layer> layers) {
    super(check(inputShape, layers), layers);
    assignNames("Sequential", layers);
    SplittableRandom root = new SplittableRandom(0);
    Shape shape = inputShape;
    for (Layer layer : layers) {
      layer.build(shape, root.split());
      shape = layer.outputShape();
    }
  }

  private static Shape check(Shape inputShape, List<Layer> layers) {
    if (inputShape == null) {
      throw new IllegalArgumentException("Sequential: input shape must be given, got null");
    }
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("Sequential: needs at least one layer, got none");
    }
    for (Layer layer : layers) {
      if (layer instanceof MergeLayer) {
        throw new IllegalArgumentException("Sequential: layer " + layer.describe()
            + " merges several inputs; use a Functional model");
      }
    }
    return inputShape;
  }

  @Override
  public Sequential initialize(long seed) {
    super.initialize(seed);
    return this;
  }

  @Override
  public Layer outputLayer() {
    return layers().get(layers().size() - 1);
  }

  @Override
  public List<Layer> inboundLayers(Layer layer) {
    int i = layers().indexOf(layer);
    if (i < 0) {
      throw new IllegalArgumentException("layer " + layer.describe() + " is not in this model");
    }
    return i == 0 ? List.of() : List.of(layers().get(i - 1));
  }

  @Override
  public Tensor forward(Tensor input, Context ctx, BiConsumer<Layer, Tensor> observer) {
    checkInput(input);
    ctx.applyReluInPooling(reluBeforePooling());
    Tensor x = input;
    List<Layer> layers = layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      MaxPool2D pool = observer == null ? pooledWith(layer, ctx) : null;
      if (pool != null) {
        x = pool.forwardFrom((Conv2D) layer, x, ctx);
        i++; // the pooling layer, which alone reads the convolution, comes next
        continue;
      }
      x = layer.forward(x, ctx);
      if (observer != null) {
        observer.accept(layer, x);
      }
    }
    return x;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx, boolean inputGradient) {
    ctx.skipInputGradients(inputGradient ? Set.of() : layersWithoutInputGradient());
    ctx.applyReluInPooling(reluBeforePooling());
    Tensor g = gradOutput;
    List<Layer> layers = layers();
    for (int i = layers.size() - 1; i >= 0 && !skipsBackward(layers.get(i), inputGradient); i--) {
      g = layers.get(i).backward(g, ctx);
    }
    return inputGradient ? g : null;
  }
}
