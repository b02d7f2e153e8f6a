package org.striate.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A depthwise separable 2-D convolution over NHWC images (Keras {@code SeparableConv2D}): a depthwise convolution
 * (each channel on its own, without bias) followed by a 1x1 convolution that mixes the channels;
 * {@code output = activation(conv1x1(depthwise(input, depthwise_kernel), pointwise_kernel) + bias)}.
 *
 * <pre>{@code
 * new SeparableConv2D(64, 3, Activation.RELU)             // 3x3 depthwise, then 64 1x1 filters
 * SeparableConv2D.builder(64).kernelSize(3, 3).strides(2, 2).padding(Padding.SAME).depthMultiplier(2).build()
 * }</pre>
 *
 * <p>Shapes: input {@code (N, H_in, W_in, C_in)}, output {@code (N, H_out, W_out, filters)};
 * {@code depthwise_kernel (kernelH, kernelW, C_in, depthMultiplier)},
 * {@code pointwise_kernel (1, 1, C_in * depthMultiplier, filters)}, {@code bias (filters)}, where
 *
 * <pre>
 *   H_out = floor((H_in + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH) + 1
 *   W_out = floor((W_in + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW) + 1
 * </pre>
 *
 * Kernel size, strides, padding and dilation belong to the depthwise stage (see {@link BaseDepthwiseConv2D});
 * {@link Padding#SAME} gives {@code H_out = ceil(H_in / strideH)}, see {@link ConvGeometry}. The pointwise stage
 * has stride 1 and no padding, so it keeps {@code H_out x W_out}. PyTorch equivalent: {@code Conv2d(C_in,
 * C_in * depthMultiplier, groups=C_in, bias=False)} then {@code Conv2d(C_in * depthMultiplier, filters, 1)}.
 */
public final class SeparableConv2D extends BaseDepthwiseConv2D {
  private final int filters;
  private final Initializer pointwiseInitializer;

  private ConvSpec pointwiseSpec; // fixed by build
  private Parameter pointwiseKernel; // (1, 1, inChannels * depthMultiplier, filters)
  private Parameter bias; // (filters), null without bias

  /** A {@code kernelSize x kernelSize} depthwise stage and {@code filters} 1x1 filters, stride 1, valid padding. */
  public SeparableConv2D(int filters, int kernelSize) {
    this(builder(filters).kernelSize(kernelSize, kernelSize));
  }

  public SeparableConv2D(int filters, int kernelSize, Activation activation) {
    this(builder(filters).kernelSize(kernelSize, kernelSize).activation(activation));
  }

  private SeparableConv2D(Builder b) {
    super("SeparableConv2D", b);
    if (b.filters <= 0) {
      throw new IllegalArgumentException("SeparableConv2D: filters must be positive, got " + b.filters);
    }
    Spatial.requireNonNull("SeparableConv2D", "pointwise_initializer", b.pointwiseInitializer,
        "the default is glorot_uniform");
    this.filters = b.filters;
    this.pointwiseInitializer = b.pointwiseInitializer;
  }

  /** Settings for a separable convolution with {@code filters} output channels; set at least the kernel size. */
  public static Builder builder(int filters) {
    return new Builder(filters);
  }

  public int filters() {
    return filters;
  }

  /** The 1x1 convolution from the depthwise output {@code depthwise} to {@code filters} channels. */
  private ConvSpec pointwiseSpecFor(ConvSpec depthwise) {
    ConvGeometry d = depthwise.geometry();
    ConvGeometry g = ConvGeometry.of(d.outH(), d.outW(), 1, 1, 1, 1, 1, 1, Padding.VALID);
    return new ConvSpec(g, depthwise.outChannels(), filters, 1);
  }

  /** The depthwise stage's MACs plus the pointwise stage's. */
  @Override
  public long macs() {
    return super.macs() + pointwiseSpecFor(depthwiseSpecFor(inputShape())).macs();
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    ConvGeometry g = depthwiseSpecFor(input).geometry();
    return Shape.of(g.outH(), g.outW(), filters);
  }

  @Override
  protected void createParameters(Shape input, SplittableRandom random) {
    ConvSpec depthwise = addDepthwiseKernel(input, random);
    pointwiseSpec = pointwiseSpecFor(depthwise);
    pointwiseKernel = addParameter("pointwise_kernel", Shape.of(1, 1, depthwise.outChannels(), filters),
        pointwiseInitializer, random);
    bias = addBias(filters, random);
  }

  /** {@code depthwise} is the output of the depthwise stage, the pointwise stage's input. */
  private record Saved(Tensor input, Tensor depthwise, Tensor pre, Tensor out) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    checkInput(input);
    Tensor depthwise = depthwiseForward(input, null, ctx);
    Tensor pre = Convolution.forward(ctx, this, "pre", pointwiseSpec, depthwise, pointwiseKernel, bias);
    Tensor out = activate(activation(), pre, ctx);
    ctx.save(this, new Saved(input, depthwise, pre, out));
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    Tensor gradPre = activationGradient(activation(), s.pre, s.out, gradOutput, ctx);
    Tensor gradDepthwise = Convolution.backward(ctx, this, "gradDepthwise", pointwiseSpec, s.depthwise, gradPre,
        pointwiseKernel, bias);
    return depthwiseBackward(s.input, gradDepthwise, null, ctx);
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("filters", filters);
    super.addConfig(config);
    config.put("pointwise_initializer", pointwiseInitializer.kerasName());
  }

  static SeparableConv2D fromConfig(ConfigReader c) {
    return configure(builder(c.getInt("filters")), c)
        .pointwiseInitializer(Initializer.parse(c.getString("pointwise_initializer", "glorot_uniform")))
        .build();
  }

  /** Settings for a {@link SeparableConv2D} layer; the defaults are Keras's. */
  public static final class Builder extends BaseDepthwiseConv2D.Builder<Builder> {
    private final int filters;
    private Initializer pointwiseInitializer = Initializer.GLOROT_UNIFORM;

    private Builder(int filters) {
      this.filters = filters;
    }

    @Override
    Builder self() {
      return this;
    }

    /** Default {@link Initializer#GLOROT_UNIFORM}. */
    public Builder pointwiseInitializer(Initializer init) {
      this.pointwiseInitializer = init;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public SeparableConv2D build() {
      return new SeparableConv2D(this);
    }
  }
}
