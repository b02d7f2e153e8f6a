package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Enlarges NHWC images by repeating each pixel {@code sizeH} times down and {@code sizeW} times across: Keras's
 * {@code UpSampling2D} with {@code interpolation="nearest"}, PyTorch's
 * {@code F.interpolate(scale_factor=size, mode="nearest")}.
 *
 * <pre>{@code
 * new UpSampling2D(2)      // (N, 7, 7, C) -> (N, 14, 14, C)
 * new UpSampling2D(2, 3)   // (N, 7, 7, C) -> (N, 14, 21, C)
 * }</pre>
 *
 * <p>Shapes: input {@code (N, H, W, C)}, output {@code (N, H * sizeH, W * sizeW, C)}, with
 * {@code output[n, i, j, c] = input[n, floor(i / sizeH), floor(j / sizeW), c]}. Backward sums the gradient over
 * each {@code sizeH x sizeW} block. Only nearest-neighbour interpolation is supported.
 *
 * <p>{@link #window()} is {@link Window#UNALIGNED}: each input pixel feeds a block of outputs, a stride of
 * {@code 1 / size} that no integer window describes, so receptive fields are not aligned after this layer.
 */
public final class UpSampling2D extends Layer {
  private static final String NEAREST = "nearest";

  private final int sizeH;
  private final int sizeW;

  /** {@code size} times in both directions. */
  public UpSampling2D(int size) {
    this(size, size, NEAREST, null);
  }

  public UpSampling2D(int sizeH, int sizeW) {
    this(sizeH, sizeW, NEAREST, null);
  }

  /**
   * @param interpolation {@code "nearest"}, the only one supported (Keras's default)
   * @param name the layer's name, or null to let the model name it ({@code up_sampling2d}, ...)
   * @throws IllegalArgumentException if a size is not positive or the interpolation is not {@code "nearest"}
   */
  public UpSampling2D(int sizeH, int sizeW, String interpolation, String name) {
    super(name);
    Spatial.requirePositive("UpSampling2D", "size", sizeH, sizeW);
    if (!NEAREST.equals(interpolation)) {
      throw new IllegalArgumentException("UpSampling2D: interpolation must be 'nearest' (the only one supported), got "
          + (interpolation == null ? "null" : "'" + interpolation + "'"));
    }
    this.sizeH = sizeH;
    this.sizeW = sizeW;
  }

  @Override
  public String type() {
    return "UpSampling2D";
  }

  @Override
  public Window window() {
    return Window.UNKNOWN;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    int channels = Spatial.channels(input);
    long h = (long) input.dim(0) * sizeH;
    long w = (long) input.dim(1) * sizeW;
    if (h * w * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("output " + h + "x" + w + "x" + channels + " of input " + input
          + " upsampled by size " + Spatial.pair(sizeH, sizeW) + " has more than " + Integer.MAX_VALUE + " elements");
    }
    return Shape.of((int) h, (int) w, channels);
  }

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    int h = inputShape().dim(0);
    int w = inputShape().dim(1);
    int channels = inputShape().dim(2);
    int outRow = w * sizeW * channels;
    float[] x = input.data();
    Tensor out = ctx.buffer(this, "output", outputShape().withBatch(batch));
    float[] y = out.data();
    for (int n = 0; n < batch; n++) {
      for (int i = 0; i < h; i++) {
        // Write the first of the sizeH equal output rows pixel by pixel, then copy it.
        int first = (n * h + i) * sizeH * outRow;
        int to = first;
        for (int j = 0; j < w; j++) {
          int from = ((n * h + i) * w + j) * channels;
          for (int k = 0; k < sizeW; k++, to += channels) {
            System.arraycopy(x, from, y, to, channels);
          }
        }
        for (int k = 1; k < sizeH; k++) {
          System.arraycopy(y, first, y, first + k * outRow, outRow);
        }
      }
    }
    ctx.save(this, input.shape());
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Shape inputShape = ctx.saved(this);
    int batch = inputShape.dim(0);
    int h = inputShape.dim(1);
    int w = inputShape.dim(2);
    int channels = inputShape.dim(3);
    float[] g = gradOutput.data();
    Tensor gradInput = ctx.zeros(this, "gradInput", inputShape);
    float[] dx = gradInput.data();
    for (int n = 0, o = 0; n < batch; n++) {
      for (int i = 0; i < h * sizeH; i++) {
        int rowStart = (n * h + i / sizeH) * w * channels;
        for (int j = 0; j < w * sizeW; j++) {
          int pixel = rowStart + (j / sizeW) * channels;
          for (int c = 0; c < channels; c++, o++) {
            dx[pixel + c] += g[o];
          }
        }
      }
    }
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("size", Spatial.pair(sizeH, sizeW));
    config.put("interpolation", NEAREST);
  }

  static UpSampling2D fromConfig(ConfigReader c) {
    int[] size = c.getPair("size", new int[] {2, 2});
    return new UpSampling2D(size[0], size[1], c.getString("interpolation", NEAREST), c.getName());
  }
}
