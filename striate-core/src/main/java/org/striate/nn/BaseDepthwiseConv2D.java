package org.striate.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * What {@link DepthwiseConv2D} and {@link SeparableConv2D} share: a depthwise convolution, in which each input
 * channel is convolved with its own {@code depthMultiplier} filters and channels are never mixed.
 *
 * <p>Shapes: input {@code (N, H_in, W_in, C_in)}, depthwise output {@code (N, H_out, W_out, C_in *
 * depthMultiplier)}, {@code depthwise_kernel (kernelH, kernelW, C_in, depthMultiplier)}, where
 *
 * <pre>
 *   H_out = floor((H_in + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH) + 1
 *   W_out = floor((W_in + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW) + 1
 * </pre>
 *
 * with padding resolved as for {@link Conv2D} (see {@link ConvGeometry}). Depthwise output channel
 * {@code c * depthMultiplier + m} is input channel {@code c} convolved with {@code depthwise_kernel[:, :, c, m]}:
 * a grouped convolution with {@code groups = C_in} and {@code C_in * depthMultiplier} filters, whose kernel
 * {@code (kernelH, kernelW, 1, C_in * depthMultiplier)} has the same memory layout (PyTorch: {@code conv2d} with
 * {@code groups = C_in} and weight {@code (C_in * depthMultiplier, 1, kernelH, kernelW)}).
 *
 * <p>The depthwise kernel keeps Keras's shape so that its initializer sees Keras's fans:
 * {@code fanIn = kernelH * kernelW * C_in}, {@code fanOut = kernelH * kernelW * depthMultiplier}.
 */
public abstract class BaseDepthwiseConv2D extends Layer {
  private final String type;
  private final int kernelH;
  private final int kernelW;
  private final int strideH;
  private final int strideW;
  private final Padding padding;
  private final int dilationH;
  private final int dilationW;
  private final int depthMultiplier;
  private final boolean useBias;
  private final Activation activation;
  private final Initializer depthwiseInitializer;
  private final Initializer biasInitializer;

  private ConvSpec depthwiseSpec; // fixed by build
  private Parameter depthwiseKernel; // (kernelH, kernelW, inChannels, depthMultiplier)

  BaseDepthwiseConv2D(String type, Builder<?> b) {
    super(b.name);
    if (b.kernelSize == null) {
      throw new IllegalArgumentException(type + ": kernel_size must be set with kernelSize(h, w), got none");
    }
    Spatial.requirePositive(type, "kernel_size", b.kernelSize[0], b.kernelSize[1]);
    Spatial.requirePositive(type, "strides", b.strides[0], b.strides[1]);
    Spatial.requirePositive(type, "dilation_rate", b.dilation[0], b.dilation[1]);
    if (b.depthMultiplier <= 0) {
      throw new IllegalArgumentException(type + ": depth_multiplier must be positive, got " + b.depthMultiplier);
    }
    Spatial.requireNonNull(type, "padding", b.padding, "use Padding.VALID");
    Spatial.requireNonNull(type, "activation", b.activation, "use Activation.LINEAR");
    Spatial.requireNonNull(type, "depthwise_initializer", b.depthwiseInitializer, "the default is glorot_uniform");
    Spatial.requireNonNull(type, "bias_initializer", b.biasInitializer, "the default is zeros");
    this.type = type;
    this.kernelH = b.kernelSize[0];
    this.kernelW = b.kernelSize[1];
    this.strideH = b.strides[0];
    this.strideW = b.strides[1];
    this.padding = b.padding;
    this.dilationH = b.dilation[0];
    this.dilationW = b.dilation[1];
    this.depthMultiplier = b.depthMultiplier;
    this.useBias = b.useBias;
    this.activation = b.activation;
    this.depthwiseInitializer = b.depthwiseInitializer;
    this.biasInitializer = b.biasInitializer;
  }

  @Override
  public final String type() {
    return type;
  }

  public final int depthMultiplier() {
    return depthMultiplier;
  }

  public final Padding padding() {
    return padding;
  }

  public final boolean useBias() {
    return useBias;
  }

  @Override
  public final Activation activation() {
    return activation;
  }

  /** The depthwise convolution for one example of shape {@code input}; checks the rank and the output size. */
  final ConvSpec depthwiseSpecFor(Shape input) {
    int channels = Spatial.channels(input);
    ConvGeometry g = ConvGeometry.of(
        input.dim(0), input.dim(1), kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding);
    return new ConvSpec(g, channels, channels * depthMultiplier, channels);
  }

  /** Creates {@code depthwise_kernel} for {@code input}, the first parameter of both layers; returns its spec. */
  final ConvSpec addDepthwiseKernel(Shape input, SplittableRandom random) {
    depthwiseSpec = depthwiseSpecFor(input);
    depthwiseKernel = addParameter("depthwise_kernel",
        Shape.of(kernelH, kernelW, depthwiseSpec.inChannels(), depthMultiplier), depthwiseInitializer, random);
    return depthwiseSpec;
  }

  /** Creates {@code bias (channels)}, the last parameter of both layers, or returns null without bias. */
  final Parameter addBias(int channels, SplittableRandom random) {
    return useBias ? addParameter("bias", Shape.of(channels), biasInitializer, random) : null;
  }

  @Override
  public long macs() {
    return depthwiseSpecFor(inputShape()).macs();
  }

  @Override
  public final Window window() {
    inputShape(); // the layer must be built
    return Window.of(depthwiseSpec.geometry());
  }

  /** The depthwise convolution of {@code input}, plus {@code bias} if not null. */
  final Tensor depthwiseForward(Tensor input, Parameter bias, Context ctx) {
    return Convolution.forward(ctx, this, "depthwise", depthwiseSpec, input, depthwiseKernel, bias);
  }

  /**
   * Accumulates the depthwise kernel's (and {@code bias}'s) gradient; returns the gradient for {@code input}, or
   * null when the context does not need it.
   */
  final Tensor depthwiseBackward(Tensor input, Tensor gradOutput, Parameter bias, Context ctx) {
    String slot = ctx.needsInputGradient(this) ? "gradInput" : null;
    return Convolution.backward(ctx, this, slot, depthwiseSpec, input, gradOutput, depthwiseKernel, bias);
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("kernel_size", Spatial.pair(kernelH, kernelW));
    config.put("strides", Spatial.pair(strideH, strideW));
    config.put("padding", ConfigReader.paddingValue(padding));
    config.put("depth_multiplier", depthMultiplier);
    config.put("dilation_rate", Spatial.pair(dilationH, dilationW));
    config.put("activation", activation.kerasName());
    config.put("use_bias", useBias);
    config.put("depthwise_initializer", depthwiseInitializer.kerasName());
    config.put("bias_initializer", biasInitializer.kerasName());
  }

  /** Reads the settings both layers share into {@code b}, with Keras's defaults for the missing ones. */
  static <B extends Builder<B>> B configure(B b, ConfigReader c) {
    int[] kernelSize = c.getPair("kernel_size");
    int[] strides = c.getPair("strides", new int[] {1, 1});
    int[] dilation = c.getPair("dilation_rate", new int[] {1, 1});
    return b.name(c.getName())
        .kernelSize(kernelSize[0], kernelSize[1])
        .strides(strides[0], strides[1])
        .padding(c.getPadding("padding", Padding.VALID))
        .depthMultiplier(c.getInt("depth_multiplier", 1))
        .dilation(dilation[0], dilation[1])
        .activation(Activation.parse(c.getString("activation", "linear")))
        .useBias(c.getBoolean("use_bias", true))
        .depthwiseInitializer(Initializer.parse(c.getString("depthwise_initializer", "glorot_uniform")))
        .biasInitializer(Initializer.parse(c.getString("bias_initializer", "zeros")));
  }

  /** The settings of the depthwise stage; the defaults are Keras's. */
  public abstract static class Builder<B extends Builder<B>> {
    private int[] kernelSize;
    private int[] strides = {1, 1};
    private Padding padding = Padding.VALID;
    private int[] dilation = {1, 1};
    private int depthMultiplier = 1;
    private boolean useBias = true;
    private Activation activation = Activation.LINEAR;
    private Initializer depthwiseInitializer = Initializer.GLOROT_UNIFORM;
    private Initializer biasInitializer = Initializer.ZEROS;
    private String name;

    Builder() {}

    abstract B self();

    /** Kernel height and width; required. */
    public B kernelSize(int h, int w) {
      this.kernelSize = new int[] {h, w};
      return self();
    }

    /** Vertical and horizontal stride; default 1. */
    public B strides(int h, int w) {
      this.strides = new int[] {h, w};
      return self();
    }

    /** {@link Padding#VALID} (default), {@link Padding#SAME} or {@link Padding#explicit}. */
    public B padding(Padding padding) {
      this.padding = padding;
      return self();
    }

    /** Keras's {@code dilation_rate}; default 1. */
    public B dilation(int h, int w) {
      this.dilation = new int[] {h, w};
      return self();
    }

    /** Filters per input channel in the depthwise stage; default 1. */
    public B depthMultiplier(int depthMultiplier) {
      this.depthMultiplier = depthMultiplier;
      return self();
    }

    public B useBias(boolean useBias) {
      this.useBias = useBias;
      return self();
    }

    /** Default {@link Activation#LINEAR}; softmax works over the channels. */
    public B activation(Activation activation) {
      this.activation = activation;
      return self();
    }

    /** Default {@link Initializer#GLOROT_UNIFORM}. */
    public B depthwiseInitializer(Initializer init) {
      this.depthwiseInitializer = init;
      return self();
    }

    /** Default {@link Initializer#ZEROS}. */
    public B biasInitializer(Initializer init) {
      this.biasInitializer = init;
      return self();
    }

    public B name(String name) {
      this.name = name;
      return self();
    }
  }
}
