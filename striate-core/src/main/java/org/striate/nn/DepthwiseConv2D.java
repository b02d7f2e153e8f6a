package org.striate.nn;

import java.util.SplittableRandom;
import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A depthwise 2-D convolution over NHWC images (Keras {@code DepthwiseConv2D}): each input channel is convolved
 * with its own {@code depthMultiplier} filters and channels are never mixed;
 * {@code output = activation(depthwise(input, depthwise_kernel) + bias)}.
 *
 * <pre>{@code
 * new DepthwiseConv2D(3)                                  // a 3x3 filter per channel, stride 1, valid padding
 * DepthwiseConv2D.builder().kernelSize(3, 3).strides(2, 2).padding(Padding.SAME).depthMultiplier(2).build()
 * }</pre>
 *
 * <p>Shapes: input {@code (N, H_in, W_in, C_in)}, output {@code (N, H_out, W_out, C_in * depthMultiplier)};
 * {@code depthwise_kernel (kernelH, kernelW, C_in, depthMultiplier)}, {@code bias (C_in * depthMultiplier)}, where
 *
 * <pre>
 *   H_out = floor((H_in + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH) + 1
 *   W_out = floor((W_in + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW) + 1
 * </pre>
 *
 * {@link Padding#SAME} gives {@code H_out = ceil(H_in / strideH)} with the odd padding pixel at the bottom and
 * right, as in Keras; see {@link ConvGeometry}. Output channel {@code c * depthMultiplier + m} comes from input
 * channel {@code c} and {@code depthwise_kernel[:, :, c, m]}: PyTorch's {@code Conv2d} with
 * {@code groups = C_in} and {@code out_channels = C_in * depthMultiplier} (see {@link BaseDepthwiseConv2D}).
 */
public final class DepthwiseConv2D extends BaseDepthwiseConv2D {
  private Parameter bias; // (inChannels * depthMultiplier), null without bias

  /** A {@code kernelSize x kernelSize} filter per channel, stride 1, valid padding, no activation. */
  public DepthwiseConv2D(int kernelSize) {
    this(builder().kernelSize(kernelSize, kernelSize));
  }

  public DepthwiseConv2D(int kernelSize, Activation activation) {
    this(builder().kernelSize(kernelSize, kernelSize).activation(activation));
  }

  private DepthwiseConv2D(Builder b) {
    super("DepthwiseConv2D", b);
  }

  /** Settings for a depthwise convolution; set at least the kernel size. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    ConvSpec spec = depthwiseSpecFor(input);
    return Shape.of(spec.geometry().outH(), spec.geometry().outW(), spec.outChannels());
  }

  @Override
  protected void createParameters(Shape input, SplittableRandom random) {
    ConvSpec spec = addDepthwiseKernel(input, random);
    bias = addBias(spec.outChannels(), random);
  }

  private record Saved(Tensor input, Tensor pre, Tensor out) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    checkInput(input);
    Tensor pre = depthwiseForward(input, bias, ctx);
    Tensor out = activate(activation(), pre, ctx);
    ctx.save(this, new Saved(input, pre, out));
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    Tensor gradPre = activationGradient(activation(), s.pre, s.out, gradOutput, ctx);
    return depthwiseBackward(s.input, gradPre, bias, ctx);
  }

  static DepthwiseConv2D fromConfig(ConfigReader c) {
    return configure(builder(), c).build();
  }

  /** Settings for a {@link DepthwiseConv2D} layer; the defaults are Keras's. */
  public static final class Builder extends BaseDepthwiseConv2D.Builder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public DepthwiseConv2D build() {
      return new DepthwiseConv2D(this);
    }
  }
}
