package org.striate.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.nn.Parameter;

/**
 * Adam (Kingma and Ba, 2015) with PyTorch's update, bias-corrected moments and per-parameter state:
 * {@code p -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)}; see {@link AdamMoments} for the exact form.
 *
 * <p>Defaults are Keras's: {@code learning_rate = 0.001}, {@code beta_1 = 0.9}, {@code beta_2 = 0.999},
 * {@code epsilon = 1e-7} (PyTorch's default epsilon is 1e-8). For weight decay use {@link AdamW}.
 */
public final class Adam implements Optimizer {
  private final AdamMoments moments;

  private Adam(Builder b) {
    this.moments = new AdamMoments("Adam", b.learningRate, b.beta1, b.beta2, b.epsilon, 0);
  }

  /** Adam with Keras's defaults. */
  public Adam() {
    this(builder());
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public double learningRate() {
    return moments.learningRate();
  }

  @Override
  public void step(List<Parameter> parameters) {
    moments.step(parameters);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", name());
    moments.addConfig(config, false);
    return config;
  }

  @Override
  public String toString() {
    return "Adam" + config();
  }

  /** Settings for {@link Adam}; {@link #build()} validates them. */
  public static final class Builder {
    private double learningRate = 0.001;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-7;

    private Builder() {}

    /** Positive; default 0.001. */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** Decay of the first moment, in [0, 1); default 0.9. */
    public Builder beta1(double beta1) {
      this.beta1 = beta1;
      return this;
    }

    /** Decay of the second moment, in [0, 1); default 0.999. */
    public Builder beta2(double beta2) {
      this.beta2 = beta2;
      return this;
    }

    /** Positive; default 1e-7. */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid argument, the rule and the value
     */
    public Adam build() {
      return new Adam(this);
    }
  }
}
