package org.striate.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A 2-D transposed convolution over NHWC images (an upsampling convolution, the gradient of {@link Conv2D} with
 * respect to its input), with Keras's arguments and defaults and PyTorch's arithmetic ({@code conv_transpose2d}).
 *
 * <pre>{@code
 * new Conv2DTranspose(32, 3)                                // 32 filters of 3x3, stride 1, valid padding
 * Conv2DTranspose.builder(16).kernelSize(3, 3).strides(2, 2).padding(Padding.SAME).build()   // doubles H, W
 * Conv2DTranspose.builder(16).kernelSize(3, 3).strides(2, 2).padding(Padding.explicit(1, 1)).outputPadding(1, 1)
 *     .build()                                              // the same size as PyTorch's (16, 3, 2, 1, 1)
 * }</pre>
 *
 * <p>Shapes: input {@code (N, H_in, W_in, C_in)}, output {@code (N, H_out, W_out, filters)}; kernel
 * {@code (kernelH, kernelW, filters / groups, C_in)}, bias {@code (filters)}. Input pixel {@code (h, w)} adds,
 * through kernel tap {@code (i, j)}, into output pixel {@code (h * strideH - padTop + i * dilationH, w * strideW
 * - padLeft + j * dilationW)}; pixels falling outside the output are dropped. With explicit padding and
 * {@code output_padding = (opH, opW)}:
 *
 * <pre>
 *   H_out = (H_in - 1) * strideH - padTop - padBottom + dilationH * (kernelH - 1) + opH + 1
 *   W_out = (W_in - 1) * strideW - padLeft - padRight + dilationW * (kernelW - 1) + opW + 1
 * </pre>
 *
 * (PyTorch's formula, whose padding is symmetric). {@link Padding#VALID} pads nothing. {@link Padding#SAME}
 * follows Keras: {@code H_out = H_in * strideH}, or {@code (H_in - 1) * strideH + ek % 2 + opH} when
 * {@code output_padding} is given ({@code ek = dilationH * (kernelH - 1) + 1}), the crop split as in
 * {@link ConvGeometry#transposed}. Without {@code output_padding}, {@code op} is Keras's default: 0, except
 * {@code max(stride - ek, 0)} for valid padding (so that a stride larger than the kernel leaves no gap at the
 * end). {@code output_padding} must be smaller than either the stride or the dilation on each axis (PyTorch's
 * rule; Keras asks for smaller than the stride).
 *
 * <p>The kernel is Keras's {@code (kernelH, kernelW, filters, C_in)} for one group, so Keras weights load
 * unchanged; it is the weight of the forward convolution from {@code filters} to {@code C_in} channels whose
 * adjoint this layer computes (torch's weight {@code (C_in, filters / groups, kH, kW)} permuted to
 * {@code (2, 3, 1, 0)}). With {@code groups = g} (PyTorch; Keras has none) input channels and filters are split
 * into {@code g} consecutive groups and group {@code k}'s filters see only group {@code k}'s input channels.
 * Fans for initialisation are Keras's on that shape: {@code fanIn = kernelH * kernelW * filters / groups},
 * {@code fanOut = kernelH * kernelW * C_in}.
 */
public final class Conv2DTranspose extends BaseConv2D {
  private final int[] outputPadding; // {h, w}, or null for Keras's default

  private ConvSpec spec; // the forward convolution from filters to C_in channels; fixed by build
  private Parameter kernel; // (kernelH, kernelW, filters / groups, inChannels)
  private Parameter bias; // (filters), null without bias

  /** {@code filters} filters of {@code kernelSize x kernelSize}, stride 1, valid padding, no activation. */
  public Conv2DTranspose(int filters, int kernelSize) {
    this(builder(filters).kernelSize(kernelSize, kernelSize));
  }

  public Conv2DTranspose(int filters, int kernelSize, Activation activation) {
    this(builder(filters).kernelSize(kernelSize, kernelSize).activation(activation));
  }

  private Conv2DTranspose(Builder b) {
    super("Conv2DTranspose", b);
    int[] op = b.outputPadding;
    if (op != null && (op[0] < 0 || op[1] < 0)) {
      throw new IllegalArgumentException(
          "Conv2DTranspose: output_padding must be >= 0, got " + Spatial.pair(op[0], op[1]));
    }
    if (op != null && (op[0] >= Math.max(strideH, dilationH) || op[1] >= Math.max(strideW, dilationW))) {
      throw new IllegalArgumentException("Conv2DTranspose: output_padding must be smaller than either strides or "
          + "dilation_rate on each axis, got output_padding " + Spatial.pair(op[0], op[1]) + " with strides "
          + Spatial.pair(strideH, strideW) + " and dilation_rate " + Spatial.pair(dilationH, dilationW));
    }
    this.outputPadding = op == null ? null : op.clone();
  }

  /** Settings for a transposed convolution with {@code filters} filters; set at least the kernel size. */
  public static Builder builder(int filters) {
    return new Builder(filters);
  }

  @Override
  public String type() {
    return "Conv2DTranspose";
  }

  /**
   * The forward convolution whose adjoint this layer computes, for one example of shape {@code input}: from
   * {@code filters} channels at the output size to {@code C_in} channels at the input size.
   */
  private ConvSpec specFor(Shape input) {
    int channels = inputChannels(input);
    ConvGeometry g = outputPadding == null
        ? ConvGeometry.transposed(
            input.dim(0), input.dim(1), kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding)
        : ConvGeometry.transposed(input.dim(0), input.dim(1), kernelH, kernelW, strideH, strideW, dilationH,
            dilationW, padding, outputPadding[0], outputPadding[1]);
    return new ConvSpec(g, filters, channels, groups);
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    ConvGeometry g = specFor(input).geometry();
    return Shape.of(g.inH(), g.inW(), filters);
  }

  @Override
  protected void createParameters(Shape input, SplittableRandom random) {
    spec = specFor(input);
    kernel = addParameter("kernel", Shape.of(kernelH, kernelW, filters / groups, spec.outChannels()),
        kernelInitializer, random);
    bias = useBias ? addParameter("bias", Shape.of(filters), biasInitializer, random) : null;
  }

  /**
   * {@link Window#UNKNOWN}: a transposed convolution upsamples; neighbouring outputs are {@code 1 / stride}
   * input pixels apart and, when the kernel is not a multiple of the stride, see different numbers of input
   * pixels, so no sliding window describes it.
   */
  @Override
  public Window window() {
    return Window.UNKNOWN;
  }

  /** {@code H_in * W_in * C_in * kernelH * kernelW * filters / groups}: every input scattered through its weights. */
  @Override
  public long macs() {
    return specFor(inputShape()).macs();
  }

  private record Saved(Tensor input, Tensor pre, Tensor out) {}

  // The layer is the adjoint A^T of the forward convolution A in spec: forward is A's input gradient, the input
  // gradient is A itself, and the kernel gradient is A's with the roles of its input and output swapped.

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    Kernels k = ctx.kernels();
    Tensor pre = ctx.buffer(this, "pre", outputShape().withBatch(batch));
    k.conv2dBackwardInput(spec, batch, input.data(), kernel.value().data(), pre.data());
    if (useBias) {
      k.addRowVector(pre.size() / filters, filters, bias.value().data(), pre.data());
    }
    Tensor out = activate(activation, pre, ctx);
    ctx.save(this, new Saved(input, pre, out));
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    Kernels k = ctx.kernels();
    int batch = s.input.shape().dim(0);
    Tensor gradPre = activationGradient(activation, s.pre, s.out, gradOutput, ctx);
    k.conv2dBackwardWeight(spec, batch, gradPre.data(), s.input.data(), kernel.grad().data(), null);
    if (useBias) {
      k.sumRowsInto(gradPre.size() / filters, filters, gradPre.data(), bias.grad().data());
    }
    if (!ctx.needsInputGradient(this)) {
      return null;
    }
    Tensor gradInput = ctx.buffer(this, "gradInput", s.input.shape());
    k.conv2dForward(spec, batch, gradPre.data(), kernel.value().data(), null, gradInput.data());
    return gradInput;
  }

  /** Keras's keys, and {@code output_padding}: {@code [h, w]}, or null for Keras's default ({@code None}). */
  @Override
  protected void addConfig(Map<String, Object> config) {
    super.addConfig(config);
    config.put("output_padding", outputPadding == null ? null : Spatial.pair(outputPadding[0], outputPadding[1]));
  }

  static Conv2DTranspose fromConfig(ConfigReader c) {
    Builder b = configure(c, Conv2DTranspose::builder);
    if (c.has("output_padding")) {
      int[] op = c.getPair("output_padding");
      b.outputPadding(op[0], op[1]);
    }
    return b.build();
  }

  /** Settings for a {@link Conv2DTranspose} layer; the defaults are Keras's. */
  public static final class Builder extends BaseConv2D.Builder<Builder> {
    private int[] outputPadding;

    private Builder(int filters) {
      super(filters);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Rows added at the bottom and columns on the right of the output; each smaller than either the stride or
     * the dilation on its axis. Default: none (Keras's {@code None}, see the class documentation).
     */
    public Builder outputPadding(int h, int w) {
      this.outputPadding = new int[] {h, w};
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public Conv2DTranspose build() {
      return new Conv2DTranspose(this);
    }
  }
}
