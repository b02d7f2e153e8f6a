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
  private final double learningRate;
  private final double weightDecay;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final AdamMoments moments = new AdamMoments();

  private AdamW(Builder b) {
    this.learningRate = Check.positive("AdamW", "learning_rate", b.learningRate);
    this.weightDecay = Check.nonNegative("AdamW", "weight_decay", b.weightDecay);
    this.beta1 = Check.fraction("AdamW", "beta_1", b.beta1, false);
    this.beta2 = Check.fraction("AdamW", "beta_2", b.beta2, false);
    this.epsilon = Check.positive("AdamW", "epsilon", b.epsilon);
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
    return learningRate;
  }

  @Override
  public void step(List<Parameter> parameters) {
    moments.step(parameters, learningRate, beta1, beta2, epsilon, weightDecay);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", name());
    config.put("learning_rate", learningRate);
    config.put("weight_decay", weightDecay);
    config.put("beta_1", beta1);
    config.put("beta_2", beta2);
    config.put("epsilon", epsilon);
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
