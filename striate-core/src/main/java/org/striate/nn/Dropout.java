package org.striate.nn;

import java.util.Map;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Randomly zeroes inputs during training, with inverted scaling: each element is dropped with probability
 * {@code rate} and the kept ones are multiplied by {@code 1 / (1 - rate)}, so the expected output equals the
 * input and inference needs no correction (Keras and PyTorch semantics). At inference the layer returns its
 * input itself. Shapes: output = input, any shape.
 *
 * <p>Each training forward pass draws one {@code long} from {@link Context#random()} and hands it to {@link
 * org.striate.kernel.Kernels#dropoutForward}, whose mask is counter-based: element {@code i} is kept iff the top
 * 32 bits of a SplitMix64 hash of that seed and {@code i} are at least {@code round(rate * 2^32)}, so it is
 * dropped with probability {@code round(rate * 2^32) / 2^32}, {@code rate} to within {@code 2^-33}. A training
 * step with the same seed therefore drops the same elements, whatever the kernels and their thread count;
 * backward multiplies by the mask saved in the context ({@link org.striate.kernel.Kernels#dropoutBackward}).
 */
public final class Dropout extends Layer {
  private final double rate;

  public Dropout(double rate) {
    this(rate, null);
  }

  /**
   * @param rate the probability of dropping an element, in {@code [0, 1)}
   * @param name the layer's name, or null to let the model name it ({@code dropout}, {@code dropout_1}, ...)
   * @throws IllegalArgumentException if {@code rate} is outside {@code [0, 1)} or NaN
   */
  public Dropout(double rate, String name) {
    super(name);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("Dropout: rate must be in [0, 1) (rate 1 would drop everything and scale"
          + " the kept values by 1 / (1 - rate), a division by zero), got " + rate);
    }
    this.rate = rate;
  }

  @Override
  public String type() {
    return "Dropout";
  }

  public double rate() {
    return rate;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  /** The mask of one training step: 0 for dropped elements, {@code 1 / (1 - rate)} for kept ones. */
  private record Saved(float[] mask) {}

  private static final Saved IDENTITY = new Saved(null);

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    checkInput(input);
    if (!ctx.training() || rate == 0) {
      ctx.save(this, IDENTITY);
      return input;
    }
    long seed = ctx.random().nextLong();
    float[] x = input.data();
    float[] mask = ctx.buffer(this, "mask", input.shape()).data();
    Tensor output = ctx.buffer(this, "output", input.shape());
    ctx.kernels().dropoutForward(seed, rate, x, mask, output.data(), x.length);
    ctx.save(this, new Saved(mask));
    return output;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    if (s.mask == null) {
      return gradOutput;
    }
    Tensor gradInput = ctx.buffer(this, "gradInput", gradOutput.shape());
    ctx.kernels().dropoutBackward(s.mask, gradOutput.data(), gradInput.data(), gradInput.size());
    return gradInput;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("rate", rate);
  }

  static Dropout fromConfig(ConfigReader c) {
    return new Dropout(c.getDouble("rate"), c.getName());
  }
}
