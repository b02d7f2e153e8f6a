package org.striate.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.nn.Parameter;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's {@code AdamW}: before each Adam
 * step, {@code p -= learning_rate * weight_decay * p}; see {@link AdamMoments} for the exact update.
 *
 * <p>Defaults are Keras's: {@code learning_rate = 0.001}, {@code weight_decay = 0.004}, {@code beta_1 = 0.9},
 * {@code beta_2 = 0.999}, {@code epsilon = 1e-7} (PyTorch's defaults are 0.01 and 1e-8).
 */
public final class AdamW implements Optimizer {
  private final AdamMoments moments;

  private AdamW(Builder b) {
    this.moments = new AdamMoments("AdamW", b.learningRate, b.beta1, b.beta2, b.epsilon, b.weightDecay);
  }

  /** AdamW with Keras's defaults. */
  public AdamW() {
    this(builder());
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "adamw";
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
    moments.addConfig(config, true);
    return config;
  }

  @Override
  public String toString() {
    return "AdamW" + config();
  }

  /** Settings for {@link AdamW}; {@link #build()} validates them. */
  public static final class Builder {
    private double learningRate = 0.001;
    private double weightDecay = 0.004;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-7;

    private Builder() {}

    /** Positive; default 0.001. */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** Decoupled decay factor, non-negative; default 0.004. */
    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
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
    public AdamW build() {
      return new AdamW(this);
    }
  }
}
