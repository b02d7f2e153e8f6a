package org.striate.nn;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.striate.kernel.Kernels;

/**
 * The state of one pass through a model: the kernels to compute with, whether this is training, the random
 * stream for dropout, and what each layer's forward saved for its backward.
 *
 * <p>Layers keep no per-call state of their own, so one model can run inference from many threads, each
 * with its own context. A context is not thread-safe.
 */
public final class Context {
  private final Kernels kernels;
  private final boolean training;
  private final boolean recording;
  private final SplittableRandom random;
  private final Map<Layer, Object> saved = new IdentityHashMap<>();
  private Layer fusedSoftmaxLayer;

  private Context(Kernels kernels, boolean training, boolean recording, SplittableRandom random) {
    this.kernels = kernels;
    this.training = training;
    this.recording = recording;
    this.random = random;
  }

  /** A context for inference: dropout is off and nothing is kept for a backward pass. */
  public static Context inference(Kernels kernels) {
    return new Context(kernels, false, false, null);
  }

  /**
   * A context that computes what inference computes (dropout off, batch normalisation with its moving statistics,
   * no layer state updated) but keeps what backward needs, like PyTorch's {@code eval()} mode under autograd:
   * for gradients of a model as deployed, with respect to its input or its parameters.
   */
  public static Context inferenceWithGradients(Kernels kernels) {
    return new Context(kernels, false, true, null);
  }

  /** A context for one training step; {@code seed} drives dropout masks. */
  public static Context training(Kernels kernels, long seed) {
    return new Context(kernels, true, true, new SplittableRandom(seed));
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
}
