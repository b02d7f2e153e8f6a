package org.striate.nn;

import java.util.Arrays;
import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Gives each example the shape {@code target_shape}, as Keras's {@code Reshape}: input {@code (N, d1, ..., dk)},
 * output {@code (N, t1, ..., tj)} with {@code t1 * ... * tj = d1 * ... * dk}. One target dimension may be
 * {@code -1}: it is inferred from the others and the input's element count. Elements keep their row-major (NHWC)
 * order; forward and backward share the data, nothing is copied.
 *
 * <pre>{@code
 * new Reshape(7, 7, 16)   // (N, 784) -> (N, 7, 7, 16)
 * new Reshape(-1, 8)      // (N, 4, 4, 8) -> (N, 16, 8)
 * }</pre>
 *
 * <p>{@link #window()}: a reshape to one axis is a {@link Flatten} ({@link Window#GLOBAL}); one that keeps the
 * first two axes (height and width) keeps every pixel in place ({@link Window#POINTWISE}); any other moves values
 * to positions no window describes ({@link Window#UNALIGNED}).
 */
public final class Reshape extends Layer {
  private final int[] targetShape; // as given, with -1 for an inferred dimension

  public Reshape(int... targetShape) {
    this(targetShape, null);
  }

  /**
   * @param name the layer's name, or null to let the model name it ({@code reshape}, {@code reshape_1}, ...)
   * @throws IllegalArgumentException if {@code targetShape} is empty, has a dimension that is neither positive
   *     nor -1, or more than one -1
   */
  public Reshape(int[] targetShape, String name) {
    super(name);
    if (targetShape == null || targetShape.length == 0) {
      throw new IllegalArgumentException("Reshape: target_shape must have at least one dimension, got "
          + (targetShape == null ? "null" : "[]"));
    }
    int inferred = 0;
    for (int d : targetShape) {
      if (d <= 0 && d != -1) {
        throw new IllegalArgumentException("Reshape: target_shape dimensions must be positive or -1 (inferred), got "
            + Arrays.toString(targetShape));
      }
      inferred += d == -1 ? 1 : 0;
    }
    if (inferred > 1) {
      throw new IllegalArgumentException(
          "Reshape: target_shape may have only one -1 (inferred) dimension, got " + Arrays.toString(targetShape));
    }
    this.targetShape = targetShape.clone();
  }

  @Override
  public String type() {
    return "Reshape";
  }

  /** The target shape as given, with -1 where a dimension is inferred. */
  public int[] targetShape() {
    return targetShape.clone();
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    long known = 1;
    int inferredAxis = -1;
    for (int i = 0; i < targetShape.length; i++) {
      if (targetShape[i] == -1) {
        inferredAxis = i;
      } else {
        known *= targetShape[i];
      }
    }
    int size = input.size();
    boolean fits = inferredAxis >= 0 ? size % known == 0 : size == known;
    if (!fits) {
      throw new IllegalArgumentException("cannot reshape input " + input + " (" + size + " elements) to target_shape "
          + Arrays.toString(targetShape) + (inferredAxis >= 0
              ? " (" + size + " is not a multiple of " + known + ", the product of the other dimensions)"
              : " (" + known + " elements)"));
    }
    int[] dims = targetShape.clone();
    if (inferredAxis >= 0) {
      dims[inferredAxis] = (int) (size / known);
    }
    return Shape.of(dims);
  }

  @Override
  public Window window() {
    Shape in = inputShape();
    Shape out = outputShape();
    if (out.rank() == 1) {
      return Window.GLOBAL;
    }
    boolean keepsPixels = in.rank() >= 2 && in.dim(0) == out.dim(0) && in.dim(1) == out.dim(1);
    return keepsPixels ? Window.POINTWISE : Window.UNKNOWN;
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
  protected void addConfig(Map<String, Object> config) {
    config.put("target_shape", Arrays.stream(targetShape).boxed().toList());
  }

  static Reshape fromConfig(ConfigReader c) {
    return new Reshape(c.getIntList("target_shape"), c.getName());
  }
}
