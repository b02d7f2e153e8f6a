package org.striate.nn;

import java.util.Map;
import java.util.function.IntFunction;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/**
 * What {@link Conv2D} and {@link Conv2DTranspose} share: Keras's convolution settings (as Keras's
 * {@code BaseConv} and {@code BaseConvTranspose}), checked in the constructor, written to configs and read back.
 */
public abstract class BaseConv2D extends Layer {
  final int filters;
  final int kernelH;
  final int kernelW;
  final int strideH;
  final int strideW;
  final Padding padding;
  final int dilationH;
  final int dilationW;
  final int groups;
  final boolean useBias;
  final Activation activation;
  final Initializer kernelInitializer;
  final Initializer biasInitializer;

  /**
   * @throws IllegalArgumentException {@code "<type>: <argument> ..."} naming the first invalid setting
   */
  BaseConv2D(String type, Builder<?> b) {
    super(b.name);
    if (b.filters <= 0) {
      throw new IllegalArgumentException(type + ": filters must be positive, got " + b.filters);
    }
    if (b.kernelSize == null) {
      throw new IllegalArgumentException(type + ": kernel_size must be set with kernelSize(h, w), got none");
    }
    Spatial.requirePositive(type, "kernel_size", b.kernelSize[0], b.kernelSize[1]);
    Spatial.requirePositive(type, "strides", b.strides[0], b.strides[1]);
    Spatial.requirePositive(type, "dilation_rate", b.dilation[0], b.dilation[1]);
    if (b.groups <= 0) {
      throw new IllegalArgumentException(type + ": groups must be positive, got " + b.groups);
    }
    if (b.filters % b.groups != 0) {
      throw new IllegalArgumentException(
          type + ": filters must be divisible by groups=" + b.groups + ", got " + b.filters);
    }
    Spatial.requireNonNull(type, "padding", b.padding, "use Padding.VALID");
    Spatial.requireNonNull(type, "activation", b.activation, "use Activation.LINEAR");
    Spatial.requireNonNull(type, "kernel_initializer", b.kernelInitializer, "the default is glorot_uniform");
    Spatial.requireNonNull(type, "bias_initializer", b.biasInitializer, "the default is zeros");
    this.filters = b.filters;
    this.kernelH = b.kernelSize[0];
    this.kernelW = b.kernelSize[1];
    this.strideH = b.strides[0];
    this.strideW = b.strides[1];
    this.padding = b.padding;
    this.dilationH = b.dilation[0];
    this.dilationW = b.dilation[1];
    this.groups = b.groups;
    this.useBias = b.useBias;
    this.activation = b.activation;
    this.kernelInitializer = b.kernelInitializer;
    this.biasInitializer = b.biasInitializer;
  }

  public final int filters() {
    return filters;
  }

  public final int groups() {
    return groups;
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

  /** The channel count of one example of shape {@code input}, which {@code groups} must divide. */
  final int inputChannels(Shape input) {
    int channels = Spatial.channels(input);
    if (channels % groups != 0) {
      throw new IllegalArgumentException("input channels must be divisible by groups=" + groups + ", got " + channels);
    }
    return channels;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("filters", filters);
    config.put("kernel_size", Spatial.pair(kernelH, kernelW));
    config.put("strides", Spatial.pair(strideH, strideW));
    config.put("padding", ConfigReader.paddingValue(padding));
    config.put("dilation_rate", Spatial.pair(dilationH, dilationW));
    config.put("groups", groups);
    config.put("activation", activation.kerasName());
    config.put("use_bias", useBias);
    config.put("kernel_initializer", kernelInitializer.kerasName());
    config.put("bias_initializer", biasInitializer.kerasName());
  }

  /** A builder for {@code filters} filters, with every setting {@link #addConfig} writes read from {@code c}. */
  static <B extends Builder<B>> B configure(ConfigReader c, IntFunction<B> builder) {
    int[] kernelSize = c.getPair("kernel_size");
    int[] strides = c.getPair("strides", new int[] {1, 1});
    int[] dilation = c.getPair("dilation_rate", new int[] {1, 1});
    return builder.apply(c.getInt("filters"))
        .name(c.getName())
        .kernelSize(kernelSize[0], kernelSize[1])
        .strides(strides[0], strides[1])
        .padding(c.getPadding("padding", Padding.VALID))
        .dilation(dilation[0], dilation[1])
        .groups(c.getInt("groups", 1))
        .activation(Activation.parse(c.getString("activation", "linear")))
        .useBias(c.getBoolean("use_bias", true))
        .kernelInitializer(Initializer.parse(c.getString("kernel_initializer", "glorot_uniform")))
        .biasInitializer(Initializer.parse(c.getString("bias_initializer", "zeros")));
  }

  /** The settings every convolution has; the defaults are Keras's. */
  public abstract static class Builder<B extends Builder<B>> {
    private final int filters;
    private int[] kernelSize;
    private int[] strides = {1, 1};
    private Padding padding = Padding.VALID;
    private int[] dilation = {1, 1};
    private int groups = 1;
    private boolean useBias = true;
    private Activation activation = Activation.LINEAR;
    private Initializer kernelInitializer = Initializer.GLOROT_UNIFORM;
    private Initializer biasInitializer = Initializer.ZEROS;
    private String name;

    Builder(int filters) {
      this.filters = filters;
    }

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

    /** Default 1; must divide both the input channels and the filters. */
    public B groups(int groups) {
      this.groups = groups;
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

    public B kernelInitializer(Initializer init) {
      this.kernelInitializer = init;
      return self();
    }

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
