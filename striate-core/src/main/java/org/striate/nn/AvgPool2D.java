package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Average pooling over each channel of NHWC images (Keras {@code AveragePooling2D}, PyTorch
 * {@code AvgPool2d}).
 *
 * <pre>{@code
 * new AvgPool2D()                                              // 2x2 windows, stride 2
 * AvgPool2D.builder().poolSize(3, 3).strides(1, 1).padding(Padding.SAME).countIncludePad(false).build()
 * }</pre>
 *
 * <p>Output shape: see {@link Pooling2D}. Each output is the sum of the input pixels under its window divided
 * by, with {@code count_include_pad} (the default, as in PyTorch), the number of window pixels inside the padded
 * input, padding included; without it, the number of real input pixels the window covers (which is what Keras
 * and TensorFlow do with {@code padding="same"}).
 */
public final class AvgPool2D extends Pooling2D {
  private final boolean countIncludePad;

  /** 2x2 windows with stride 2, valid padding. */
  public AvgPool2D() {
    this(builder());
  }

  /** {@code poolSize x poolSize} windows with stride {@code poolSize}, valid padding. */
  public AvgPool2D(int poolSize) {
    this(builder().poolSize(poolSize, poolSize));
  }

  private AvgPool2D(Builder b) {
    super("AvgPool2D", b);
    this.countIncludePad = b.countIncludePad;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean countIncludePad() {
    return countIncludePad;
  }

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    Tensor out = ctx.buffer(this, "output", outputShape().withBatch(batch));
    ctx.kernels().avgPool2dForward(geometry(), batch, channels(), countIncludePad, input.data(), out.data());
    ctx.save(this, input.shape());
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Shape inputShape = ctx.saved(this);
    Tensor gradInput = ctx.buffer(this, "gradInput", inputShape);
    ctx.kernels().avgPool2dBackward(
        geometry(), inputShape.dim(0), channels(), countIncludePad, gradOutput.data(), gradInput.data());
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    super.addConfig(config);
    config.put("count_include_pad", countIncludePad);
  }

  static AvgPool2D fromConfig(ConfigReader c) {
    return configure(builder(), c).countIncludePad(c.getBoolean("count_include_pad", true)).build();
  }

  /** Settings for an {@link AvgPool2D} layer. */
  public static final class Builder extends Pooling2D.Builder<Builder> {
    private boolean countIncludePad = true;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Whether padding pixels count in the divisor; default true (PyTorch's {@code count_include_pad}). */
    public Builder countIncludePad(boolean countIncludePad) {
      this.countIncludePad = countIncludePad;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public AvgPool2D build() {
      return new AvgPool2D(this);
    }
  }
}
