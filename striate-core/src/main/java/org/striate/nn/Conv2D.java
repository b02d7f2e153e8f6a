package org.striate.nn;

import java.util.SplittableRandom;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;
import org.striate.kernel.Pointwise;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A 2-D convolution over NHWC images: {@code output = activation(conv(input, kernel) + bias)}, with Keras's
 * arguments and defaults and PyTorch's arithmetic.
 *
 * <pre>{@code
 * new Conv2D(32, 3, Activation.RELU)                    // 32 filters of 3x3, stride 1, valid padding
 * Conv2D.builder(64).kernelSize(3, 5).strides(2, 2).padding(Padding.SAME).groups(2).build()
 * }</pre>
 *
 * <p>Shapes: input {@code (N, H_in, W_in, C_in)}, output {@code (N, H_out, W_out, filters)}; kernel
 * {@code (kernelH, kernelW, C_in / groups, filters)}, bias {@code (filters)}, where
 *
 * <pre>
 *   H_out = floor((H_in + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH) + 1
 *   W_out = floor((W_in + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW) + 1
 * </pre>
 *
 * {@link Padding#VALID} pads nothing; {@link Padding#SAME} gives {@code H_out = ceil(H_in / strideH)} (Keras and
 * TensorFlow) with the odd padding pixel at the bottom and right; explicit padding gives each side. See
 * {@link ConvGeometry}.
 *
 * <p>With {@code groups = g}, input channels and filters are split into {@code g} consecutive groups and each
 * group of {@code filters / g} filters sees only its own {@code C_in / g} input channels (PyTorch);
 * {@code groups = C_in = filters} is a depthwise convolution.
 */
public final class Conv2D extends BaseConv2D {
  private ConvSpec spec; // fixed by build
  private Parameter kernel; // (kernelH, kernelW, inChannels / groups, filters)
  private Parameter bias; // (filters), null without bias

  /** {@code filters} filters of {@code kernelSize x kernelSize}, stride 1, valid padding, no activation. */
  public Conv2D(int filters, int kernelSize) {
    this(builder(filters).kernelSize(kernelSize, kernelSize));
  }

  public Conv2D(int filters, int kernelSize, Activation activation) {
    this(builder(filters).kernelSize(kernelSize, kernelSize).activation(activation));
  }

  private Conv2D(Builder b) {
    super("Conv2D", b);
  }

  /** Settings for a convolution with {@code filters} filters; set at least the kernel size. */
  public static Builder builder(int filters) {
    return new Builder(filters);
  }

  @Override
  public String type() {
    return "Conv2D";
  }

  /** The convolution for one example of shape {@code input}; checks channels, groups and output size. */
  private ConvSpec specFor(Shape input) {
    int channels = inputChannels(input);
    ConvGeometry g = ConvGeometry.of(
        input.dim(0), input.dim(1), kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding);
    return new ConvSpec(g, channels, filters, groups);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    ConvGeometry g = specFor(input).geometry();
    return Shape.of(g.outH(), g.outW(), filters);
  }

  @Override
  protected void createParameters(Shape input, SplittableRandom random) {
    spec = specFor(input);
    kernel = addParameter("kernel", Shape.of(kernelH, kernelW, spec.inChannelsPerGroup(), filters),
        kernelInitializer, random);
    bias = useBias ? addParameter("bias", Shape.of(filters), biasInitializer, random) : null;
  }

  @Override
  public long macs() {
    return specFor(inputShape()).macs();
  }

  @Override
  public Window window() {
    return Window.of(specFor(inputShape()).geometry());
  }

  /** {@code pre} is {@code out} when the kernel applied the activation (see {@link #forward}). */
  private record Saved(Tensor input, Tensor pre, Tensor out) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    float[] biasData = useBias ? bias.value().data() : null;
    if (activation.fusesIntoKernels()) {
      // The kernel applies the activation; its derivative comes from the output alone, so no pre-activation.
      Tensor out = ctx.buffer(this, "out", outputShape().withBatch(batch));
      ctx.kernels().conv2dForward(spec, batch, input.data(), kernel.value().data(), biasData,
          activation.pointwise(), activation.alpha(), out.data());
      ctx.save(this, new Saved(input, out, out));
      return out;
    }
    Tensor pre = ctx.buffer(this, "pre", outputShape().withBatch(batch));
    ctx.kernels().conv2dForward(spec, batch, input.data(), kernel.value().data(), biasData, pre.data());
    Tensor out = activate(activation, pre, ctx);
    ctx.save(this, new Saved(input, pre, out));
    return out;
  }

  /**
   * Whether max pooling {@code pool}, which alone reads this layer and applies its ReLU ({@link
   * Context#poolingAppliesRelu}), should compute this layer's forward pass with its own ({@link
   * MaxPool2D#forwardFrom}): when the kernels pool the convolution as they compute it ({@link
   * org.striate.kernel.Kernels#fusesMaxPoolIntoForward}). The output is then never written, and backward needs
   * only the input: the pooling's winners and output carry the ReLU's derivative.
   */
  boolean poolsAsItComputes(MaxPool2D pool, Context ctx) {
    return ctx.rectifierBefore(pool) == this && activation.fusesIntoKernels()
        && ctx.kernels().fusesMaxPoolIntoForward(spec, pool.geometry());
  }

  /**
   * The forward pass followed by max pooling {@code pool} ({@link #poolsAsItComputes}), into {@code pooled} and,
   * unless null, {@code winners} (indices into this layer's output, which is not formed).
   */
  void forwardPooled(Tensor input, MaxPool2D pool, float[] pooled, int[] winners, Context ctx) {
    int batch = checkInput(input);
    float[] biasData = useBias ? bias.value().data() : null;
    ctx.kernels().conv2dForwardMaxPool(spec, batch, input.data(), kernel.value().data(), biasData,
        activation.pointwise(), activation.alpha(), pool.geometry(), pooled, winners);
    ctx.save(this, new Saved(input, null, null));
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    Kernels k = ctx.kernels();
    int batch = s.input.shape().dim(0);
    float[] gradBias = useBias ? bias.grad().data() : null;
    MaxPoolGradient pooled = ctx.takePooledGradient(this);
    if (pooled != null) {
      k.conv2dBackwardWeightThroughMaxPool(spec, batch, s.input.data(), pooled.pool(), pooled.gradient(),
          pooled.argmax(), pooled.rectified(), kernel.grad().data(), gradBias);
      return null;
    }
    if (!ctx.needsInputGradient(this) && activation.fusesIntoKernels()) {
      // Only the weight gradient reads the gradient before the activation: the kernel derives it as it reads,
      // saving a pass over the output (11 MB a batch for mnist-convnet's first layer).
      // The ReLU applied by pooling leaves the identity, which needs no output (nor has one, if pooled with it).
      boolean applied = ctx.reluGradientApplied(this);
      k.conv2dBackwardWeight(spec, batch, s.input.data(), gradOutput.data(),
          applied ? Pointwise.IDENTITY : activation.pointwise(), activation.alpha(), applied ? null : s.out.data(),
          kernel.grad().data(), gradBias);
      return null;
    }
    Tensor gradPre = activationGradient(activation, s.pre, s.out, gradOutput, ctx);
    k.conv2dBackwardWeight(spec, batch, s.input.data(), gradPre.data(), kernel.grad().data(), gradBias);
    if (!ctx.needsInputGradient(this)) {
      return null;
    }
    Tensor gradInput = ctx.buffer(this, "gradInput", s.input.shape());
    k.conv2dBackwardInput(spec, batch, gradPre.data(), kernel.value().data(), gradInput.data());
    return gradInput;
  }

  /**
   * Whether max pooling {@code pool}, this layer's only reader, should pass its own output gradient to this
   * layer's backward ({@link Context#passPooledGradient}): when it applies this layer's ReLU, the input gradient
   * is not needed and the kernels take pooling's gradient straight into the weight gradient ({@link
   * org.striate.kernel.Kernels#fusesMaxPoolIntoWeightGradient}). Pooling's backward pass and its output, a
   * gradient the size of this layer's output, are then skipped.
   */
  boolean takesPooledGradient(MaxPool2D pool, Context ctx) {
    return ctx.reluGradientApplied(this) && activation.fusesIntoKernels() && !ctx.needsInputGradient(this)
        && ctx.kernels().fusesMaxPoolIntoWeightGradient(spec, pool.geometry());
  }

  static Conv2D fromConfig(ConfigReader c) {
    return configure(c, Conv2D::builder).build();
  }

  /** Settings for a {@link Conv2D} layer; the defaults are Keras's. */
  public static final class Builder extends BaseConv2D.Builder<Builder> {
    private Builder(int filters) {
      super(filters);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public Conv2D build() {
      return new Conv2D(this);
    }
  }
}
