package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Max pooling over each channel of NHWC images (Keras {@code MaxPooling2D}, PyTorch {@code MaxPool2d}):
 * each output is the largest input under its window; padding never wins.
 *
 * <pre>{@code
 * new MaxPool2D()                                              // 2x2 windows, stride 2
 * MaxPool2D.builder().poolSize(3, 3).strides(2, 2).padding(Padding.SAME).build()
 * }</pre>
 *
 * <p>Output shape: see {@link Pooling2D}. Backward sends each output's gradient to the input element that won
 * (ties go to the first in row-major window order, as in PyTorch). After a ReLU, a model's backward pass has
 * it apply the ReLU's derivative too (see {@link Context#poolingAppliesRelu}); after a {@link Conv2D} whose input
 * gradient is not needed, such as a model's first layer, the kernels may take its gradient straight into the
 * convolution's weight gradient instead (see {@link Conv2D#takesPooledGradient}).
 */
public final class MaxPool2D extends Pooling2D {

  /** 2x2 windows with stride 2, valid padding (Keras's defaults). */
  public MaxPool2D() {
    this(builder());
  }

  /** {@code poolSize x poolSize} windows with stride {@code poolSize}, valid padding. */
  public MaxPool2D(int poolSize) {
    this(builder().poolSize(poolSize, poolSize));
  }

  private MaxPool2D(Builder b) {
    super("MaxPool2D", b);
  }

  public static Builder builder() {
    return new Builder();
  }

  private record Saved(Shape inputShape, int[] argmax, Tensor output) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    Tensor out = ctx.buffer(this, "output", outputShape().withBatch(batch));
    // Winners are needed only by backward; inference skips finding them.
    int[] argmax = ctx.keepsForBackward() ? ctx.ints(this, "argmax", out.size()) : null;
    ctx.kernels().maxPool2dForward(geometry(), batch, channels(), input.data(), out.data(), argmax);
    ctx.save(this, new Saved(input.shape(), argmax, out));
    return out;
  }

  /**
   * This layer's forward pass on the output of {@code conv}, computed here from {@code convInput} by the kernels
   * in one pass with the pooling ({@link Conv2D#poolsAsItComputes}); saves for both layers' backward passes.
   */
  Tensor forwardFrom(Conv2D conv, Tensor convInput, Context ctx) {
    int batch = conv.checkInput(convInput);
    Tensor out = ctx.buffer(this, "output", outputShape().withBatch(batch));
    int[] argmax = ctx.keepsForBackward() ? ctx.ints(this, "argmax", out.size()) : null;
    conv.forwardPooled(convInput, this, out.data(), argmax, ctx);
    ctx.save(this, new Saved(inputShape().withBatch(batch), argmax, out));
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    if (ctx.rectifierBefore(this) instanceof Conv2D conv && conv.takesPooledGradient(this, ctx)) {
      ctx.passPooledGradient(conv, new MaxPoolGradient(geometry(), gradOutput.data(), s.argmax, s.output.data()));
      // In place of the input gradient, which is never formed: the convolution takes the one passed instead.
      return gradOutput;
    }
    Tensor gradInput = ctx.buffer(this, "gradInput", s.inputShape);
    float[] rectified = ctx.poolingAppliesRelu(this) ? s.output.data() : null;
    ctx.kernels().maxPool2dBackward(
        geometry(), s.inputShape.dim(0), channels(), gradOutput.data(), s.argmax, rectified, gradInput.data());
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    super.addConfig(config);
    config.put("dilation_rate", dilationRate());
  }

  static MaxPool2D fromConfig(ConfigReader c) {
    int[] dilation = c.getPair("dilation_rate", new int[] {1, 1});
    return configure(builder(), c).dilation(dilation[0], dilation[1]).build();
  }

  /** Settings for a {@link MaxPool2D} layer. */
  public static final class Builder extends Pooling2D.Builder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Keras's {@code dilation_rate}: gaps between the window's taps; default 1 (PyTorch's {@code dilation}). */
    public Builder dilation(int h, int w) {
      this.dilation = new int[] {h, w};
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public MaxPool2D build() {
      return new MaxPool2D(this);
    }
  }
}
