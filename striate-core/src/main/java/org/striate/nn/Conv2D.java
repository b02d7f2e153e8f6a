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
public final class Conv2D extends Layer {
  private final int filters;
  private final int kernelH;
  private final int kernelW;
  private final int strideH;
  private final int strideW;
  private final Padding padding;
  private final int dilationH;
  private final int dilationW;
  private final int groups;
  private final boolean useBias;
  private final Activation activation;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;

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
    super(b.name);
    if (b.filters <= 0) {
      throw new IllegalArgumentException("Conv2D: filters must be positive, got " + b.filters);
    }
    if (b.kernelSize == null) {
      throw new IllegalArgumentException("Conv2D: kernel_size must be set with kernelSize(h, w), got none");
    }
    Spatial.requirePositive("Conv2D", "kernel_size", b.kernelSize[0], b.kernelSize[1]);
    Spatial.requirePositive("Conv2D", "strides", b.strides[0], b.strides[1]);
    Spatial.requirePositive("Conv2D", "dilation_rate", b.dilation[0], b.dilation[1]);
    if (b.groups <= 0) {
      throw new IllegalArgumentException("Conv2D: groups must be positive, got " + b.groups);
    }
    if (b.filters % b.groups != 0) {
      throw new IllegalArgumentException(
          "Conv2D: filters must be divisible by groups=" + b.groups + ", got " + b.filters);
    }
    Spatial.requireNonNull("Conv2D", "padding", b.padding, "use Padding.VALID");
    Spatial.requireNonNull("Conv2D", "activation", b.activation, "use Activation.LINEAR");
    Spatial.requireNonNull("Conv2D", "kernel_initializer", b.kernelInitializer, "the default is glorot_uniform");
    Spatial.requireNonNull("Conv2D", "bias_initializer", b.biasInitializer, "the default is zeros");
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

  /** Settings for a convolution with {@code filters} filters; set at least the kernel size. */
  public static Builder builder(int filters) {
    return new Builder(filters);
  }

  @Override
  public String type() {
    return "Conv2D";
  }

  public int filters() {
    return filters;
  }

  public int groups() {
    return groups;
  }

  public Padding padding() {
    return padding;
  }

  public boolean useBias() {
    return useBias;
  }

  @Override
  public Activation activation() {
    return activation;
  }

  /** The convolution for one example of shape {@code input}; checks channels, groups and output size. */
  private ConvSpec specFor(Shape input) {
    int channels = Spatial.channels(input);
    if (channels % groups != 0) {
      throw new IllegalArgumentException("input channels must be divisible by groups=" + groups + ", got " + channels);
    }
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

  private record Saved(Tensor input, Tensor pre, Tensor out) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    Tensor pre = Tensor.zeros(outputShape().withBatch(batch));
    ctx.kernels().conv2dForward(spec, batch, input.data(), kernel.value().data(),
        useBias ? bias.value().data() : null, pre.data());
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
    k.conv2dBackwardWeight(spec, batch, s.input.data(), gradPre.data(), kernel.grad().data(),
        useBias ? bias.grad().data() : null);
    Tensor gradInput = Tensor.zeros(s.input.shape());
    k.conv2dBackwardInput(spec, batch, gradPre.data(), kernel.value().data(), gradInput.data());
    return gradInput;
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

  static Conv2D fromConfig(ConfigReader c) {
    int[] kernelSize = c.getPair("kernel_size");
    int[] strides = c.getPair("strides", new int[] {1, 1});
    int[] dilation = c.getPair("dilation_rate", new int[] {1, 1});
    return builder(c.getInt("filters"))
        .name(c.getName())
        .kernelSize(kernelSize[0], kernelSize[1])
        .strides(strides[0], strides[1])
        .padding(c.getPadding("padding", Padding.VALID))
        .dilation(dilation[0], dilation[1])
        .groups(c.getInt("groups", 1))
        .activation(Activation.parse(c.getString("activation", "linear")))
        .useBias(c.getBoolean("use_bias", true))
        .kernelInitializer(Initializer.parse(c.getString("kernel_initializer", "glorot_uniform")))
        .biasInitializer(Initializer.parse(c.getString("bias_initializer", "zeros")))
        .build();
  }

  /** Settings for a {@link Conv2D} layer; the defaults are Keras's. */
  public static final class Builder {
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

    private Builder(int filters) {
      this.filters = filters;
    }

    /** Kernel height and width; required. */
    public Builder kernelSize(int h, int w) {
      this.kernelSize = new int[] {h, w};
      return this;
    }

    /** Vertical and horizontal stride; default 1. */
    public Builder strides(int h, int w) {
      this.strides = new int[] {h, w};
      return this;
    }

    /** {@link Padding#VALID} (default), {@link Padding#SAME} or {@link Padding#explicit}. */
    public Builder padding(Padding padding) {
      this.padding = padding;
      return this;
    }

    /** Keras's {@code dilation_rate}; default 1. */
    public Builder dilation(int h, int w) {
      this.dilation = new int[] {h, w};
      return this;
    }

    /** Default 1; must divide both the input channels and the filters. */
    public Builder groups(int groups) {
      this.groups = groups;
      return this;
    }

    public Builder useBias(boolean useBias) {
      this.useBias = useBias;
      return this;
    }

    /** Default {@link Activation#LINEAR}; softmax works over the channels. */
    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    public Builder kernelInitializer(Initializer init) {
      this.kernelInitializer = init;
      return this;
    }

    public Builder biasInitializer(Initializer init) {
      this.biasInitializer = init;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
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
