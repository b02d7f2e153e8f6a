package org.striate.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * What {@link GlobalMaxPool2D} and {@link GlobalAvgPool2D} share: pooling whose single window is the whole
 * image, so each channel becomes one number.
 *
 * <p>Shapes: input {@code (N, H, W, C)}, output {@code (N, C)} (Keras's default {@code keepdims=False}).
 * Computed by a {@link Pooling2D} layer with an {@code H x W} window, so forward and backward are exactly those
 * of that layer.
 */
public abstract class GlobalPooling2D extends Layer {
  private final String type;
  private Pooling2D whole; // an H x W window over the built input shape

  GlobalPooling2D(String type, String name) {
    super(name);
    this.type = type;
  }

  /** The pooling layer with one {@code h x w} window. */
  abstract Pooling2D wholeImage(int h, int w);

  @Override
  public final String type() {
    return type;
  }

  @Override
  protected final Shape computeOutputShape(Shape input) {
    return Shape.of(Spatial.channels(input));
  }

  @Override
  protected final void createParameters(Shape input, SplittableRandom random) {
    whole = wholeImage(input.dim(0), input.dim(1));
    whole.assignName(name());
    whole.build(input, random);
  }

  @Override
  public final Window window() {
    return Window.GLOBAL;
  }

  @Override
  public final Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    return whole.forward(input, ctx).reshape(outputShape().withBatch(batch));
  }

  @Override
  public final Tensor backward(Tensor gradOutput, Context ctx) {
    return whole.backward(gradOutput.reshape(whole.outputShape().withBatch(gradOutput.shape().dim(0))), ctx);
  }

  @Override
  protected final void addConfig(Map<String, Object> config) {}
}
