package org.striate.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BiConsumer;
import org.striate.kernel.Kernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A network of layers with one input and one output: a {@link Sequential} stack or a {@link Functional}
 * graph. Training ({@code org.striate.train}), model files ({@code org.striate.io}) and the summary work on
 * any model.
 *
 * <p>{@link #layers()} lists the layers in an order where each comes after the layers it reads, and that order
 * also fixes how {@link #initialize(long)} draws the parameters: layer {@code i} gets the {@code i}-th split of a
 * {@link SplittableRandom} seeded with the seed.
 */
public abstract class Model {
  private final Shape inputShape;
  private final List<Layer> layers;
  private volatile Set<Layer> withoutInputGradient; // computed on first use
  private volatile ReluBeforePooling reluBeforePooling; // computed on first use
  /**
   * Workspaces of finished {@link #predict(Tensor, Kernels, int)} calls, one per call that ran at the same time:
   * a serving loop then allocates only its results, not 20 MB of intermediate arrays per batch of 256.
   */
  private final ConcurrentLinkedDeque<Workspace> idleWorkspaces = new ConcurrentLinkedDeque<>();

  /** Names unnamed layers Keras-style, checks names are unique; the layers must already be built. */
  Model(Shape inputShape, List<Layer> layers) {
    this.inputShape = inputShape;
    this.layers = List.copyOf(layers);
  }

  /** Gives unnamed layers Keras's default names ({@code conv2d}, {@code conv2d_1}, ...); rejects duplicates. */
  static void assignNames(String owner, List<Layer> layers) {
    Set<String> used = new HashSet<>();
    for (Layer layer : layers) {
      if (Functional.INPUT_NAME.equals(layer.name())) {
        throw new IllegalArgumentException(
            owner + ": the layer name '" + Functional.INPUT_NAME + "' is reserved for the model input");
      }
      if (layer.name() != null && !used.add(layer.name())) {
        throw new IllegalArgumentException(owner + ": layer names must be unique, got '" + layer.name() + "' twice");
      }
    }
    used.add(Functional.INPUT_NAME);
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

  /** Draws every parameter again from {@code seed}, in layer order, and clears the gradients. */
  public Model initialize(long seed) {
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

  /** The shape of one input example, such as {@code (28, 28, 1)}. */
  public final Shape inputShape() {
    return inputShape;
  }

  /** The shape of one output example. */
  public final Shape outputShape() {
    return outputLayer().outputShape();
  }

  /** Every layer, each after the layers it reads. */
  public final List<Layer> layers() {
    return layers;
  }

  /** The layer whose output is the model's output. */
  public abstract Layer outputLayer();

  /** The layers whose outputs {@code layer} reads, in order; empty when it reads the model input. */
  public abstract List<Layer> inboundLayers(Layer layer);

  /**
   * @throws IllegalArgumentException if no layer has this name
   */
  public final Layer layer(String name) {
    for (Layer layer : layers) {
      if (layer.name().equals(name)) {
        return layer;
      }
    }
    List<String> names = new ArrayList<>();
    layers.forEach(l -> names.add(l.name()));
    throw new IllegalArgumentException("layer name must be one of " + names + ", got '" + name + "'");
  }

  /** Every parameter, trainable or not, layer by layer. */
  public final List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.parameters());
    }
    return Collections.unmodifiableList(all);
  }

  /** The parameters the optimizer updates, in order. */
  public final List<Parameter> trainableParameters() {
    List<Parameter> trainable = new ArrayList<>();
    for (Parameter p : parameters()) {
      if (p.trainable()) {
        trainable.add(p);
      }
    }
    return Collections.unmodifiableList(trainable);
  }

  /** All parameter elements, trainable or not (Keras's "Total params"). */
  public final long parameterCount() {
    long n = 0;
    for (Layer layer : layers) {
      n += layer.parameterCount();
    }
    return n;
  }

  /** Trainable parameter elements (PyTorch's parameter count). */
  public final long trainableParameterCount() {
    long n = 0;
    for (Layer layer : layers) {
      n += layer.trainableParameterCount();
    }
    return n;
  }

  /** Checks a batch against the input shape. */
  protected final void checkInput(Tensor input) {
    if (input.shape().rank() != inputShape.rank() + 1 || !input.shape().dropFirst().equals(inputShape)) {
      throw new IllegalArgumentException(
          "model input: expected shape " + inputShape.toBatchString() + ", got " + input.shape());
    }
  }

  /**
   * The model's output for a batch {@code (N, ...inputShape)}; {@code observer}, if not null, sees each layer's
   * output as it is computed, in {@link #layers()} order.
   */
  public abstract Tensor forward(Tensor input, Context ctx, BiConsumer<Layer, Tensor> observer);

  public final Tensor forward(Tensor input, Context ctx) {
    return forward(input, ctx, null);
  }

  /**
   * Backward through every layer, after a training-mode {@link #forward} with the same context; adds into the
   * parameter gradients and returns the gradient with respect to the model input.
   */
  public final Tensor backward(Tensor gradOutput, Context ctx) {
    return backward(gradOutput, ctx, true);
  }

  /**
   * {@link #backward(Tensor, Context)}; with {@code inputGradient} false, as in training, it computes the
   * parameter gradients only and returns null: layers with nothing that learns before them skip their input
   * gradient (for a first convolution, as costly as its forward), and parameter-free layers there are skipped.
   */
  public abstract Tensor backward(Tensor gradOutput, Context ctx, boolean inputGradient);

  /**
   * The layers whose input gradient no parameter gradient depends on: those with no trainable parameters in
   * any layer before them (the model input counts as not learning).
   */
  final Set<Layer> layersWithoutInputGradient() {
    Set<Layer> free = withoutInputGradient;
    if (free == null) {
      Set<Layer> learning = new HashSet<>(); // layers that learn or read one that does
      free = new HashSet<>();
      for (Layer layer : layers) {
        boolean learnsBefore = false;
        for (Layer in : inboundLayers(layer)) {
          learnsBefore |= learning.contains(in);
        }
        if (!learnsBefore) {
          free.add(layer);
        }
        if (learnsBefore || layer.trainableParameterCount() > 0) {
          learning.add(layer);
        }
      }
      free = Set.copyOf(free);
      withoutInputGradient = free;
    }
    return free;
  }

  /** The ReLUs whose derivative the max pooling after them applies in a backward pass. */
  final ReluBeforePooling reluBeforePooling() {
    ReluBeforePooling pairs = reluBeforePooling;
    if (pairs == null) {
      pairs = ReluBeforePooling.find(this);
      reluBeforePooling = pairs;
    }
    return pairs;
  }

  /**
   * The max pooling layer that computes {@code layer}'s forward pass together with its own ({@link
   * MaxPool2D#forwardFrom}), so that {@code layer}'s output is never written, or null: for a {@link Conv2D} that
   * {@link Conv2D#poolsAsItComputes pools as it computes}. The context must have the model's pairs applied.
   */
  static MaxPool2D pooledWith(Layer layer, Context ctx) {
    return layer instanceof Conv2D conv && ctx.poolingAfter(conv) instanceof MaxPool2D pool
        && conv.poolsAsItComputes(pool, ctx) ? pool : null;
  }

  /** Whether {@code layer}'s backward can be left out when the input gradient is not wanted. */
  final boolean skipsBackward(Layer layer, boolean inputGradient) {
    return !inputGradient && layer.trainableParameterCount() == 0 && layersWithoutInputGradient().contains(layer);
  }

  /**
   * The model's output for {@code input}, computed {@code batchSize} examples at a time without dropout, in a
   * new array. Safe to call from several threads at once.
   *
   * <p>The intermediate arrays are kept for the next call, as a workspace per call that ran at the same time, so
   * the model holds on to the activations of its largest batches (about 20 MB for mnist-convnet at batch 256);
   * {@link #predict(Tensor, Kernels, int, Workspace)} leaves that to the caller.
   *
   * @throws IllegalArgumentException if {@code batchSize < 1} or {@code input} does not fit the model
   */
  public final Tensor predict(Tensor input, Kernels kernels, int batchSize) {
    Workspace workspace = idleWorkspaces.pollFirst();
    if (workspace == null) {
      workspace = new Workspace();
    }
    try {
      return predict(input, kernels, batchSize, workspace);
    } finally {
      idleWorkspaces.offerFirst(workspace);
    }
  }

  /**
   * {@link #predict(Tensor, Kernels, int)} with the intermediate arrays taken from {@code workspace}, so that
   * repeated calls (a serving loop) allocate only their result; the result is never a workspace array. Calls that
   * run at the same time need different workspaces.
   */
  public final Tensor predict(Tensor input, Kernels kernels, int batchSize, Workspace workspace) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("predict: batch size must be positive, got " + batchSize);
    }
    checkInput(input);
    int n = input.shape().dim(0);
    Tensor out = Tensor.zeros(outputShape().withBatch(n));
    int inRow = inputShape.size();
    int row = outputShape().size();
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      Tensor part = input;
      if (end - start < n) {
        part = workspace.tensor(this, "predictInput", inputShape.withBatch(end - start));
        System.arraycopy(input.data(), start * inRow, part.data(), 0, part.size());
      }
      Tensor result = forward(part, Context.inference(kernels, workspace));
      System.arraycopy(result.data(), 0, out.data(), start * row, result.size());
    }
    return out;
  }

  /** The per-layer table of output shapes, parameters and receptive fields; see {@link Summary}. */
  public final String summary() {
    return Summary.of(this).toString();
  }
}
