package org.striate.nn;

import java.util.List;
import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Adds rows and columns of zeros around NHWC images, as Keras's {@code ZeroPadding2D}:
 *
 * <pre>{@code
 * new ZeroPadding2D(1)            // one pixel on every side
 * new ZeroPadding2D(2, 1)         // two rows above and below, one column left and right
 * new ZeroPadding2D(0, 1, 2, 3)   // top, bottom, left, right
 * }</pre>
 *
 * <p>Shapes: input {@code (N, H, W, C)}, output {@code (N, top + H + bottom, left + W + right, C)}, with
 * {@code output[n, top + h, left + w, c] = input[n, h, w, c]}. Backward crops the gradient back to the input.
 * The config stores {@code padding} as {@code [[top, bottom], [left, right]]}.
 *
 * <p>{@link #window()} is a pointwise window after the padding: kernel 1, stride 1, {@code top} rows and
 * {@code left} columns before.
 */
public final class ZeroPadding2D extends Layer {
  private final int top;
  private final int bottom;
  private final int left;
  private final int right;

  /** {@code padding} pixels on every side. */
  public ZeroPadding2D(int padding) {
    this(padding, padding, padding, padding, null);
  }

  /** {@code h} rows above and below, {@code w} columns left and right. */
  public ZeroPadding2D(int h, int w) {
    this(h, h, w, w, null);
  }

  public ZeroPadding2D(int top, int bottom, int left, int right) {
    this(top, bottom, left, right, null);
  }

  /**
   * @param name the layer's name, or null to let the model name it ({@code zero_padding2d}, ...)
   * @throws IllegalArgumentException if a side is negative
   */
  public ZeroPadding2D(int top, int bottom, int left, int right, String name) {
    super(name);
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      throw new IllegalArgumentException("ZeroPadding2D: padding must be non-negative on every side, got "
          + padding(top, bottom, left, right) + " ([[top, bottom], [left, right]])");
    }
    this.top = top;
    this.bottom = bottom;
    this.left = left;
    this.right = right;
  }

  private static List<List<Integer>> padding(int top, int bottom, int left, int right) {
    return List.of(List.of(top, bottom), List.of(left, right));
  }

  @Override
  public String type() {
    return "ZeroPadding2D";
  }

  @Override
  public Window window() {
    return Window.padding(top, left);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    int channels = Spatial.channels(input);
    return Shape.of(top + input.dim(0) + bottom, left + input.dim(1) + right, channels);
  }

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    Tensor out = ctx.zeros(this, "output", outputShape().withBatch(batch));
    copyRows(batch, input.data(), out.data(), true);
    ctx.save(this, input.shape());
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Shape inputShape = ctx.saved(this);
    Tensor gradInput = ctx.buffer(this, "gradInput", inputShape);
    copyRows(inputShape.dim(0), gradInput.data(), gradOutput.data(), false);
    return gradInput;
  }

  /** Copies each input row to its place in the padded image ({@code intoPadded}), or back from it. */
  private void copyRows(int batch, float[] image, float[] padded, boolean intoPadded) {
    int h = inputShape().dim(0);
    int w = inputShape().dim(1);
    int channels = inputShape().dim(2);
    int paddedH = outputShape().dim(0);
    int paddedW = outputShape().dim(1);
    int row = w * channels;
    for (int n = 0; n < batch; n++) {
      for (int y = 0; y < h; y++) {
        int from = (n * h + y) * row;
        int to = ((n * paddedH + top + y) * paddedW + left) * channels;
        if (intoPadded) {
          System.arraycopy(image, from, padded, to, row);
        } else {
          System.arraycopy(padded, to, image, from, row);
        }
      }
    }
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("padding", padding(top, bottom, left, right));
  }

  static ZeroPadding2D fromConfig(ConfigReader c) {
    int[] sides = c.getSides("padding", new int[] {1, 1, 1, 1});
    return new ZeroPadding2D(sides[0], sides[1], sides[2], sides[3], c.getName());
  }
}
