package org.striate.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.striate.kernel.Kernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A fully connected layer on the last axis: {@code output = activation(input · kernel + bias)}.
 *
 * <p>Shapes: input {@code (N, ..., in)}, output {@code (N, ..., units)}; kernel {@code (in, units)}, bias
 * {@code (units)}.
 */
public final class Dense extends Layer {
  private final int units;
  private final Activation activation;
  private final boolean useBias;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;

  private Parameter kernel; // (in, units)
  private Parameter bias; // (units), null without bias

  public Dense(int units) {
    this(builder(units));
  }

  public Dense(int units, Activation activation) {
    this(builder(units).activation(activation));
  }

  private Dense(Builder b) {
    super(b.name);
    if (b.units <= 0) {
      throw new IllegalArgumentException("Dense: units must be positive, got " + b.units);
    }
    if (b.activation == null) {
      throw new IllegalArgumentException("Dense: activation must not be null (use Activation.LINEAR), got null");
    }
    this.units = b.units;
    this.activation = b.activation;
    this.useBias = b.useBias;
    this.kernelInitializer = b.kernelInitializer;
    this.biasInitializer = b.biasInitializer;
  }

  public static Builder builder(int units) {
    return new Builder(units);
  }

  @Override
  public String type() {
    return "Dense";
  }

  public int units() {
    return units;
  }

  @Override
  public Activation activation() {
    return activation;
  }

  public boolean useBias() {
    return useBias;
  }

  /** {@code rows * in * units}, where {@code rows} is the product of the input's axes before the last. */
  @Override
  public long macs() {
    return (long) inputShape().size() * units;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    int[] dims = input.dims();
    if (dims.length == 0) {
      throw new IllegalArgumentException("input must have at least one axis, got " + input);
    }
    dims[dims.length - 1] = units;
    return Shape.of(dims);
  }

  @Override
  protected void createParameters(Shape input, SplittableRandom random) {
    kernel = addParameter("kernel", Shape.of(input.dim(-1), units), kernelInitializer, random);
    bias = useBias ? addParameter("bias", Shape.of(units), biasInitializer, random) : null;
  }

  private record Saved(Tensor input, Tensor pre, Tensor out) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    int batch = checkInput(input);
    Kernels k = ctx.kernels();
    int in = inputShape().dim(-1);
    int rows = batch * (inputShape().size() / in);
    Tensor pre = ctx.buffer(this, "pre", outputShape().withBatch(batch));
    k.gemm(false, false, rows, units, in, input.data(), 0, in, kernel.value().data(), 0, units, false, pre.data(), 0, units);
    if (useBias) {
      k.addRowVector(rows, units, bias.value().data(), pre.data());
    }
    Tensor out = activate(activation, pre, ctx);
    ctx.save(this, new Saved(input, pre, out));
    return out;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    Kernels k = ctx.kernels();
    int in = inputShape().dim(-1);
    int rows = s.input.size() / in;
    Tensor gradPre = activationGradient(activation, s.pre, s.out, gradOutput, ctx);
    // dKernel += input^T · gradPre ; dBias += column sums ; dInput = gradPre · kernel^T
    k.gemm(true, false, in, units, rows, s.input.data(), 0, in, gradPre.data(), 0, units, true,
        kernel.grad().data(), 0, units);
    if (useBias) {
      k.sumRowsInto(rows, units, gradPre.data(), bias.grad().data());
    }
    if (!ctx.needsInputGradient(this)) {
      return null;
    }
    Tensor gradInput = ctx.buffer(this, "gradInput", s.input.shape());
    k.gemm(false, true, rows, in, units, gradPre.data(), 0, units, kernel.value().data(), 0, units, false,
        gradInput.data(), 0, in);
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("units", units);
    config.put("activation", activation.kerasName());
    config.put("use_bias", useBias);
    config.put("kernel_initializer", kernelInitializer.kerasName());
    config.put("bias_initializer", biasInitializer.kerasName());
  }

  static Dense fromConfig(ConfigReader c) {
    return builder(c.getInt("units"))
        .name(c.getName())
        .activation(Activation.parse(c.getString("activation", "linear")))
        .useBias(c.getBoolean("use_bias", true))
        .kernelInitializer(Initializer.parse(c.getString("kernel_initializer", "glorot_uniform")))
        .biasInitializer(Initializer.parse(c.getString("bias_initializer", "zeros")))
        .build();
  }

  /** Settings for a {@link Dense} layer; the defaults are Keras's. */
  public static final class Builder {
    private final int units;
    private String name;
    private Activation activation = Activation.LINEAR;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializer.GLOROT_UNIFORM;
    private Initializer biasInitializer = Initializer.ZEROS;

    private Builder(int units) {
      this.units = units;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    public Builder useBias(boolean useBias) {
      this.useBias = useBias;
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

    public Dense build() {
      return new Dense(this);
    }
  }
}
