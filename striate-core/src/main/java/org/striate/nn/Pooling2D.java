package org.striate.nn;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/**
 * What {@link MaxPool2D} and {@link AvgPool2D} share: a {@code poolH x poolW} window, moved by the strides
 * over each channel of NHWC images, after padding.
 *
 * <p>Shapes: input {@code (N, H_in, W_in, C)}, output {@code (N, H_out, W_out, C)} with
 *
 * <pre>
 *   H_out = floor((H_in + padTop + padBottom - dilationH * (poolH - 1) - 1) / strideH) + 1
 *   W_out = floor((W_in + padLeft + padRight - dilationW * (poolW - 1) - 1) / strideW) + 1
 * </pre>
 *
 * (dilation is 1 for average pooling). {@link Padding#SAME} gives {@code H_out = ceil(H_in / strideH)} with
 * the odd padding pixel at the bottom and right, as in Keras; see {@link ConvGeometry}. Every window must
 * cover at least one input pixel.
 */
public abstract class Pooling2D extends Layer {
  private final String type;
  private final int poolH;
  private final int poolW;
  private final int strideH;
  private final int strideW;
  private final int dilationH;
  private final int dilationW;
  private final Padding padding;

  private ConvGeometry geometry; // fixed by build

  Pooling2D(String type, Builder<?> b) {
    super(b.name);
    Spatial.requirePositive(type, "pool_size", b.poolSize[0], b.poolSize[1]);
    int[] strides = b.strides == null ? b.poolSize : b.strides;
    Spatial.requirePositive(type, "strides", strides[0], strides[1]);
    Spatial.requirePositive(type, "dilation_rate", b.dilation[0], b.dilation[1]);
    Spatial.requireNonNull(type, "padding", b.padding, "use Padding.VALID");
    this.type = type;
    this.poolH = b.poolSize[0];
    this.poolW = b.poolSize[1];
    this.strideH = strides[0];
    this.strideW = strides[1];
    this.dilationH = b.dilation[0];
    this.dilationW = b.dilation[1];
    this.padding = b.padding;
  }

  @Override
  public final String type() {
    return type;
  }

  public final Padding padding() {
    return padding;
  }

  /** The window arithmetic for one example of shape {@code input}, checked. */
  private ConvGeometry geometryFor(Shape input) {
    Spatial.channels(input);
    ConvGeometry g = ConvGeometry.of(
        input.dim(0), input.dim(1), poolH, poolW, strideH, strideW, dilationH, dilationW, padding);
    int emptyRow = firstWindowOfPaddingOnly(g.outH(), g.strideH(), g.padTop(), poolH, dilationH, g.inH());
    int emptyCol = firstWindowOfPaddingOnly(g.outW(), g.strideW(), g.padLeft(), poolW, dilationW, g.inW());
    if (emptyRow >= 0 || emptyCol >= 0) {
      throw new IllegalArgumentException("every pooling window must cover at least one input pixel, but "
          + (emptyRow >= 0 ? "output row " + emptyRow : "output column " + emptyCol) + " sees only padding: input "
          + g.inH() + "x" + g.inW() + ", pool_size " + Spatial.pair(poolH, poolW) + ", strides "
          + Spatial.pair(strideH, strideW) + ", dilation_rate " + Spatial.pair(dilationH, dilationW) + ", padding "
          + padding + " (resolved to top, bottom, left, right = " + g.padTop() + ", " + g.padBottom() + ", "
          + g.padLeft() + ", " + g.padRight() + ")");
    }
    return g;
  }

  /** The first output position along one axis whose window taps all fall in the padding, or -1. */
  private static int firstWindowOfPaddingOnly(int out, int stride, int padBefore, int kernel, int dilation, int in) {
    for (int o = 0; o < out; o++) {
      boolean real = false;
      for (int i = 0; i < kernel && !real; i++) {
        int x = o * stride - padBefore + i * dilation;
        real = x >= 0 && x < in;
      }
      if (!real) {
        return o;
      }
    }
    return -1;
  }

  @Override
  protected final Shape computeOutputShape(Shape input) {
    ConvGeometry g = geometryFor(input);
    return Shape.of(g.outH(), g.outW(), input.dim(2));
  }

  @Override
  protected final void createParameters(Shape input, SplittableRandom random) {
    geometry = geometryFor(input); // no parameters: only the geometry is fixed here
  }

  /** The resolved window arithmetic; the layer must be built. */
  final ConvGeometry geometry() {
    inputShape();
    return geometry;
  }

  /** Keras's {@code dilation_rate} as a config stores it. */
  final List<Integer> dilationRate() {
    return Spatial.pair(dilationH, dilationW);
  }

  final int channels() {
    return inputShape().dim(2);
  }

  @Override
  public final Window window() {
    return Window.of(geometry());
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("pool_size", Spatial.pair(poolH, poolW));
    config.put("strides", Spatial.pair(strideH, strideW));
    config.put("padding", ConfigReader.paddingValue(padding));
  }

  /** Reads {@code name}, {@code pool_size}, {@code strides} and {@code padding} into {@code b}. */
  static <B extends Builder<B>> B configure(B b, ConfigReader c) {
    int[] pool = c.getPair("pool_size", new int[] {2, 2});
    int[] strides = c.getPair("strides", pool);
    return b.name(c.getName())
        .poolSize(pool[0], pool[1])
        .strides(strides[0], strides[1])
        .padding(c.getPadding("padding", Padding.VALID));
  }

  /** The settings every pooling layer has; the defaults are Keras's. */
  public abstract static class Builder<B extends Builder<B>> {
    private int[] poolSize = {2, 2};
    private int[] strides; // null: the pool size
    private Padding padding = Padding.VALID;
    int[] dilation = {1, 1};
    private String name;

    Builder() {}

    abstract B self();

    /** Window height and width; default 2x2. */
    public B poolSize(int h, int w) {
      this.poolSize = new int[] {h, w};
      return self();
    }

    /** Vertical and horizontal stride; default the pool size. */
    public B strides(int h, int w) {
      this.strides = new int[] {h, w};
      return self();
    }

    /** {@link Padding#VALID} (default), {@link Padding#SAME} or {@link Padding#explicit}. */
    public B padding(Padding padding) {
      this.padding = padding;
      return self();
    }

    public B name(String name) {
      this.name = name;
      return self();
    }
  }
}
