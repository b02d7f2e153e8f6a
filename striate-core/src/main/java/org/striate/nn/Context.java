package org.striate.nn;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.striate.kernel.Kernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * The state of one pass through a model: the kernels to compute with, whether this is training, the random
 * stream for dropout, what each layer's forward saved for its backward, and where layers get their arrays.
 *
 * <p>Layers keep no per-call state of their own, so one model can run inference from many threads, each
 * with its own context. A context is not thread-safe.
 *
 * <p>Layers take every output, gradient and mask from {@link #buffer} or {@link #zeros}: from a context with a
 * {@link Workspace} these are the workspace's arrays, reused from step to step; from a context without one
 * they are new arrays, as {@link Tensor#zeros} gives.
 */
public final class Context {
  private final Kernels kernels;
  private final boolean training;
  private final boolean recording;
  private final SplittableRandom random;
  private final Workspace workspace;
  private final Map<Layer, Object> saved = new IdentityHashMap<>();
  private Layer fusedSoftmaxLayer;
  private Set<Layer> withoutInputGradient = Set.of();
  private ReluBeforePooling reluBeforePooling = ReluBeforePooling.NONE;
  private final Map<Layer, MaxPoolGradient> pooledGradients = new IdentityHashMap<>();

  private Context(Kernels kernels, boolean training, boolean recording, SplittableRandom random, Workspace workspace) {
    this.kernels = kernels;
    this.training = training;
    this.recording = recording;
    this.random = random;
    this.workspace = workspace;
  }

  /** A context for inference: dropout is off and nothing is kept for a backward pass. */
  public static Context inference(Kernels kernels) {
    return inference(kernels, null);
  }

  /** {@link #inference(Kernels)} with the layers' arrays taken from {@code workspace} (null: new arrays). */
  public static Context inference(Kernels kernels, Workspace workspace) {
    return new Context(kernels, false, false, null, workspace);
  }

  /**
   * A context that computes what inference computes (dropout off, batch normalisation with its moving statistics,
   * no layer state updated) but keeps what backward needs, like PyTorch's {@code eval()} mode under autograd:
   * for gradients of a model as deployed, with respect to its input or its parameters.
   */
  public static Context inferenceWithGradients(Kernels kernels) {
    return new Context(kernels, false, true, null, null);
  }

  /** A context for one training step; {@code seed} drives dropout masks. */
  public static Context training(Kernels kernels, long seed) {
    return training(kernels, seed, null);
  }

  /** {@link #training(Kernels, long)} with the layers' arrays taken from {@code workspace} (null: new arrays). */
  public static Context training(Kernels kernels, long seed, Workspace workspace) {
    return new Context(kernels, true, true, new SplittableRandom(seed), workspace);
  }

  public Kernels kernels() {
    return kernels;
  }

  public boolean training() {
    return training;
  }

  /**
   * The random stream of this step.
   *
   * @throws IllegalStateException outside training
   */
  public SplittableRandom random() {
    if (random == null) {
      throw new IllegalStateException("random numbers are only drawn during training (dropout is off at inference)");
    }
    return random;
  }

  /**
   * Hands {@code layer}'s final softmax to the loss: the layer then outputs logits, and the fused softmax
   * cross-entropy computes probabilities and gradients stably from them. Only the training loop calls this.
   */
  public void fuseSoftmaxIntoLoss(Layer layer) {
    this.fusedSoftmaxLayer = layer;
  }

  /** Whether {@code layer} must skip its softmax because the loss applies it. */
  public boolean softmaxFused(Layer layer) {
    return fusedSoftmaxLayer == layer;
  }

  /**
   * Whether a backward pass may follow, so layers must {@link #save} what it needs: false only in a plain
   * {@link #inference} context, where layers may skip work that serves backward alone.
   */
  public boolean keepsForBackward() {
    return recording;
  }

  /** Keeps {@code value} for {@code layer}'s backward pass; does nothing in a plain {@link #inference} context. */
  public void save(Layer layer, Object value) {
    if (recording) {
      saved.put(layer, value);
    }
  }

  /**
   * What {@code layer}'s forward saved.
   *
   * @throws IllegalStateException if the layer has not run forward with this context, or only in a plain
   *     {@link #inference} context
   */
  @SuppressWarnings("unchecked")
  public <T> T saved(Layer layer) {
    Object value = saved.get(layer);
    if (value == null) {
      throw new IllegalStateException(
          "layer '" + layer.name() + "': backward called before forward in training mode on this context");
    }
    return (T) value;
  }

  /**
   * A tensor of {@code shape} for {@code owner}'s {@code slot} (a name unique within the owner, such as
   * {@code "gradInput"}), whose every element the caller overwrites: the workspace's reused array, or a new one.
   */
  public Tensor buffer(Object owner, String slot, Shape shape) {
    return workspace == null ? Tensor.zeros(shape) : workspace.tensor(owner, slot, shape);
  }

  /** {@link #buffer}, filled with zeros: for kernels that add into their output. */
  public Tensor zeros(Object owner, String slot, Shape shape) {
    return workspace == null ? Tensor.zeros(shape) : workspace.zeros(owner, slot, shape);
  }

  /** An int array for {@code owner}'s {@code slot}, like {@link #buffer}. */
  public int[] ints(Object owner, String slot, int length) {
    return workspace == null ? new int[length] : workspace.ints(owner, slot, length);
  }

  /**
   * Whether {@code layer}'s backward must return the gradient with respect to its input. It need not when the
   * model's backward was asked for parameter gradients only and nothing before {@code layer} learns (see
   * {@link Model#backward(Tensor, Context, boolean)}); the layer may then skip that work and return null.
   */
  public boolean needsInputGradient(Layer layer) {
    return !withoutInputGradient.contains(layer);
  }

  /**
   * Whether max pooling layer {@code pool} must pass back gradients only where its output is positive: it then
   * applies the derivative of the ReLU that ends the layer before it, which passes its gradient on as it is
   * ({@link #reluGradientApplied}). Both are exact: the winner of a window is the only input the ReLU's
   * derivative could let through, and it does when the window's output is positive. This saves the ReLU's own
   * pass over its output and gradients, and a first layer's weight gradient no longer reads its output (11 MB a
   * batch for mnist-convnet's first convolution).
   */
  public boolean poolingAppliesRelu(Layer pool) {
    return reluBeforePooling.pools().contains(pool);
  }

  /** Whether the gradient {@code layer}'s backward receives is past its ReLU already ({@link #poolingAppliesRelu}). */
  public boolean reluGradientApplied(Layer layer) {
    return reluBeforePooling.rectifiers().contains(layer);
  }

  /** The layer whose ReLU max pooling layer {@code pool} applies ({@link #poolingAppliesRelu}), or null. */
  Layer rectifierBefore(Layer pool) {
    return reluBeforePooling.rectifierOfPool().get(pool);
  }

  /** The max pooling layer that applies {@code layer}'s ReLU ({@link #poolingAppliesRelu}), or null. */
  Layer poolingAfter(Layer layer) {
    return reluBeforePooling.poolOfRectifier().get(layer);
  }

  /**
   * Leaves max pooling's output gradient, with what routes it, for the backward pass of {@code layer}, the
   * convolution before it, which takes it straight into its weight gradient ({@link Conv2D#takesPooledGradient}).
   */
  void passPooledGradient(Layer layer, MaxPoolGradient gradient) {
    pooledGradients.put(layer, gradient);
  }

  /** The gradient {@link #passPooledGradient} left for {@code layer}, now taken, or null if there is none. */
  MaxPoolGradient takePooledGradient(Layer layer) {
    return pooledGradients.remove(layer);
  }

  /**
   * The ReLUs the current pass applies in the max pooling after them; only models set this, in forward (see
   * {@link Model#pooledWith}) and backward.
   */
  void applyReluInPooling(ReluBeforePooling pairs) {
    this.reluBeforePooling = pairs;
  }

  /** The layers whose input gradient the current backward pass does not need; only models set this. */
  void skipInputGradients(Set<Layer> layers) {
    this.withoutInputGradient = layers;
  }
}
