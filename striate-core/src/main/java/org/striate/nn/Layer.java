package org.striate.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * One step of a network: a forward function and its backward, side by side in each subclass.
 *
 * <p>Life cycle: the constructor validates the settings; {@link #build} fixes the input shape (one example,
 * without the batch dimension) and creates the parameters; then {@link #forward} and {@link #backward} run on
 * batches. Forward saves what backward needs in the {@link Context}, never in the layer, so a built layer can
 * serve inference from several threads.
 *
 * <p>Most layers take one input. {@link MergeLayer}s ({@link Add}, {@link Concatenate}) take several and
 * override the list forms {@link #forward(List, Context)} and {@link #backwardInputs}; models call those forms.
 * In a {@link Functional} model a layer is placed with {@link #apply(Node...)}, once.
 */
public abstract class Layer {
  private String name;
  private List<Shape> inputShapes;
  private Shape outputShape;
  private boolean applied;
  private final List<Parameter> parameters = new ArrayList<>();

  protected Layer(String name) {
    this.name = name;
  }

  /** The Keras-style type name, such as {@code Conv2D}; the model file stores it. */
  public abstract String type();

  /** The unique name within the model, such as {@code conv2d_1}; null until the model assigns one. */
  public final String name() {
    return name;
  }

  /** Sets the name; only the model calls this, for layers created without a name. */
  final void assignName(String newName) {
    this.name = newName;
  }

  /** The layer for messages: {@code 'conv2d' (Conv2D)}, or just the type while it has no name. */
  final String describe() {
    return name == null ? type() : "'" + name + "' (" + type() + ")";
  }

  /**
   * Places this layer in a graph: builds it for the shapes of {@code inputs} and returns the symbolic output,
   * as calling a layer on tensors does in Keras's functional API. The parameters are drawn when the
   * {@link Functional} model is created.
   *
   * @throws IllegalStateException if the layer was already placed or built; Striate layers are used once
   * @throws IllegalArgumentException if the layer cannot take these inputs
   */
  public final Node apply(Node... inputs) {
    if (applied || inputShapes != null) {
      throw new IllegalStateException("layer " + describe() + " is already used in a model; a layer is applied "
          + "once (weight sharing between two places is not supported): create another layer");
    }
    if (inputs.length == 0) {
      throw new IllegalArgumentException("layer " + describe() + ": apply needs at least one input, got none");
    }
    List<Shape> shapes = new ArrayList<>();
    for (Node input : inputs) {
      shapes.add(input.shape());
    }
    build(shapes, new SplittableRandom(0));
    applied = true;
    return new Node(this, List.of(inputs), outputShape);
  }

  /**
   * Fixes the input shape and creates the parameters.
   *
   * @throws IllegalArgumentException if the layer cannot take this input shape; the message names the layer
   * @throws IllegalStateException if the layer was already built
   */
  public final void build(Shape inputShape, SplittableRandom random) {
    build(List.of(inputShape), random);
  }

  /** {@link #build(Shape, SplittableRandom)} for any number of inputs. */
  public final void build(List<Shape> shapes, SplittableRandom random) {
    if (this.inputShapes != null) {
      throw new IllegalStateException("layer " + describe() + " is already built for input "
          + (inputShapes.size() == 1 ? inputShapes.get(0) : inputShapes) + "; create a new layer instead");
    }
    try {
      this.outputShape = computeOutputShape(shapes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("layer " + describe() + ": " + e.getMessage(), e);
    }
    this.inputShapes = List.copyOf(shapes);
    if (shapes.size() == 1) {
      createParameters(shapes.get(0), random);
    }
  }

  /**
   * The output shape for these inputs; single-input layers implement {@link #computeOutputShape(Shape)} and
   * merge layers override this.
   */
  protected Shape computeOutputShape(List<Shape> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("takes one input, got " + inputs.size());
    }
    return computeOutputShape(inputs.get(0));
  }

  /** The output shape for one example of {@code input}; throws {@link IllegalArgumentException} if invalid. */
  protected abstract Shape computeOutputShape(Shape input);

  /** Creates the parameters with {@link #addParameter}; the default creates none. */
  protected void createParameters(Shape input, SplittableRandom random) {}

  protected final Parameter addParameter(String parameterName, Shape shape, Initializer init, SplittableRandom random) {
    return add(parameterName, shape, init, random, true);
  }

  /** Adds non-trainable state, such as a moving average, saved with the model but not optimized. */
  protected final Parameter addState(String parameterName, Shape shape, Initializer init, SplittableRandom random) {
    return add(parameterName, shape, init, random, false);
  }

  private Parameter add(String parameterName, Shape shape, Initializer init, SplittableRandom random, boolean trainable) {
    Tensor value = Tensor.zeros(shape);
    init.fill(value, random);
    Parameter p = new Parameter(parameterName, value, init, trainable);
    parameters.add(p);
    return p;
  }

  public final boolean isBuilt() {
    return inputShapes != null;
  }

  /**
   * The input shape of one example; the layer must be built.
   *
   * @throws IllegalStateException for a layer with several inputs; see {@link #inputShapes()}
   */
  public final Shape inputShape() {
    requireBuilt();
    if (inputShapes.size() != 1) {
      throw new IllegalStateException("layer " + describe() + " has " + inputShapes.size() + " inputs; use inputShapes()");
    }
    return inputShapes.get(0);
  }

  /** The shape of one example of each input; the layer must be built. */
  public final List<Shape> inputShapes() {
    requireBuilt();
    return inputShapes;
  }

  /** The output shape of one example; the layer must be built. */
  public final Shape outputShape() {
    requireBuilt();
    return outputShape;
  }

  public final List<Parameter> parameters() {
    return Collections.unmodifiableList(parameters);
  }

  /** The number of elements of all parameters, trainable or not (Keras's "Total params"). */
  public final long parameterCount() {
    long n = 0;
    for (Parameter p : parameters) {
      n += p.value().size();
    }
    return n;
  }

  /** The number of elements of the trainable parameters (PyTorch's parameter count). */
  public final long trainableParameterCount() {
    long n = 0;
    for (Parameter p : parameters) {
      if (p.trainable()) {
        n += p.value().size();
      }
    }
    return n;
  }

  /**
   * How this layer maps input positions to output positions, for receptive-field analysis:
   * {@link Window#POINTWISE} (the default) for layers that keep each position, a sliding window for
   * convolution and pooling, {@link Window#GLOBAL} for layers whose every output sees the whole input.
   */
  public Window window() {
    return Window.POINTWISE;
  }

  /**
   * Multiply-accumulates in the forward pass for one example: the products of convolutions and dense layers.
   * Element-wise work (activations, pooling, bias additions, normalisation) is not counted, as in the usual
   * convention for CNN costs; FLOPs are taken as twice the MACs.
   */
  public long macs() {
    return 0;
  }

  /** The activation this layer applies last, {@link Activation#LINEAR} if none. */
  public Activation activation() {
    return Activation.LINEAR;
  }

  /**
   * Applies {@code activation} to a layer's linear output {@code pre}; returns {@code pre} itself when the
   * activation is linear, or is a softmax the loss has taken over (see {@link Context#fuseSoftmaxIntoLoss}).
   */
  protected final Tensor activate(Activation activation, Tensor pre, Context ctx) {
    if (activation == Activation.LINEAR || (activation == Activation.SOFTMAX && ctx.softmaxFused(this))) {
      return pre;
    }
    Tensor out = ctx.buffer(this, "activated", pre.shape());
    activation.forward(ctx.kernels(), pre, out);
    return out;
  }

  /**
   * The gradient with respect to {@code pre} of {@code out = activate(activation, pre, ctx)}: {@code gradOut}
   * itself when the activation is linear, a softmax the loss has taken over, or a ReLU the next layer has
   * applied (see {@link Context#poolingAppliesRelu}).
   */
  protected final Tensor activationGradient(Activation activation, Tensor pre, Tensor out, Tensor gradOut, Context ctx) {
    if (activation == Activation.LINEAR || (activation == Activation.SOFTMAX && ctx.softmaxFused(this))
        || ctx.reluGradientApplied(this)) {
      return gradOut;
    }
    Tensor gradPre = ctx.buffer(this, "activationGradient", pre.shape());
    activation.backward(ctx.kernels(), pre, out, gradOut, gradPre);
    return gradPre;
  }

  /** The output for a batch {@code (N, ...inputShape)}; in training, saves what backward needs in {@code ctx}. */
  public abstract Tensor forward(Tensor input, Context ctx);

  /**
   * The gradient with respect to this layer's input, given the gradient with respect to its output; adds the
   * parameter gradients into {@link Parameter#grad()}. May return null instead of the input gradient when
   * {@link Context#needsInputGradient} says it is not needed.
   */
  public abstract Tensor backward(Tensor gradOutput, Context ctx);

  /** {@link #forward(Tensor, Context)} for a list of inputs; merge layers override it. */
  public Tensor forward(List<Tensor> inputs, Context ctx) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("layer " + describe() + " takes one input, got " + inputs.size());
    }
    return forward(inputs.get(0), ctx);
  }

  /** The gradients with respect to each input, in order (null where not needed); merge layers override it. */
  public List<Tensor> backwardInputs(Tensor gradOutput, Context ctx) {
    return Collections.singletonList(backward(gradOutput, ctx));
  }

  /**
   * The settings, with Keras argument names ({@code filters}, {@code kernel_size}, ...), enough to rebuild the
   * layer with {@link Layers#fromConfig}. Values are numbers, booleans, strings or lists of these.
   */
  public final Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("type", type());
    config.put("name", name);
    addConfig(config);
    return config;
  }

  /** Adds this layer's own settings to {@code config}. */
  protected abstract void addConfig(Map<String, Object> config);

  /** The batch size of {@code input}, after checking its per-example shape against the built input shape. */
  protected final int checkInput(Tensor input) {
    Shape expected = inputShape();
    Shape s = input.shape();
    if (s.rank() != expected.rank() + 1 || !s.dropFirst().equals(expected)) {
      throw new IllegalArgumentException(
          "layer " + describe() + ": expected input " + expected.toBatchString() + ", got " + s);
    }
    return s.dim(0);
  }

  private void requireBuilt() {
    if (inputShapes == null) {
      throw new IllegalStateException("layer " + describe() + " is not built; add it to a model first");
    }
  }

  @Override
  public String toString() {
    return type() + "(" + name + ")";
  }
}
