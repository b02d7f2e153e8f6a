package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Flattens each example to one axis: input {@code (N, d1, ..., dk)}, output {@code (N, d1 * ... * dk)}. The
 * order is the row-major order of the NHWC input, as in Keras: for an image {@code (N, H, W, C)}, element
 * {@code [n, h, w, c]} goes to {@code [n, (h * W + w) * C + c]}. Forward and backward are reshapes that share
 * the data; nothing is copied.
 *
 * <p>{@link #window()} is {@link Window#GLOBAL}: Flatten moves no value, but it removes the spatial axes, so
 * every unit of a following {@link Dense} layer sees the whole image and the receptive field is global from
 * here on.
 */
public final class Flatten extends Layer {

  public Flatten() {
    this(null);
  }

  /** @param name the layer's name, or null to let the model name it ({@code flatten}, {@code flatten_1}, ...) */
  public Flatten(String name) {
    super(name);
  }

  @Override
  public String type() {
    return "Flatten";
  }

  @Override
  public Window window() {
    return Window.GLOBAL;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return Shape.of(input.size());
  }

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    ctx.save(this, input.shape());
    return input.reshape(outputShape().withBatch(batch));
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Shape inputShape = ctx.saved(this);
    return gradOutput.reshape(inputShape);
  }

  @Override
  protected void addConfig(Map<String, Object> config) {}

  static Flatten fromConfig(ConfigReader c) {
    return new Flatten(c.getName());
  }
}
