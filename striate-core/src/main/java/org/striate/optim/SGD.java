package org.striate.optim;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.nn.Parameter;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with PyTorch's
 * update (dampening 0). For each parameter {@code p} with gradient {@code g}:
 *
 * <pre>
 *   g = g + weight_decay * p
 *   v = g                      on the first step (the buffer starts as a copy of the gradient)
 *   v = momentum * v + g       afterwards
 *   step = nesterov ? g + momentum * v : v        (step = g when momentum is 0)
 *   p = p - learning_rate * step
 * </pre>
 *
 * Defaults are Keras's: {@code learning_rate = 0.01}, {@code momentum = 0}, {@code nesterov = false},
 * {@code weight_decay = 0}. Unlike Keras, whose weight decay shrinks the weights directly, {@code weight_decay}
 * here adds to the gradient as PyTorch's {@code SGD} does.
 */
public final class SGD implements Optimizer {
  private final double learningRate;
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private final Map<Parameter, float[]> velocity = new IdentityHashMap<>();

  private SGD(Builder b) {
    this.learningRate = Check.positive("SGD", "learning_rate", b.learningRate);
    this.momentum = Check.fraction("SGD", "momentum", b.momentum, true);
    this.weightDecay = Check.nonNegative("SGD", "weight_decay", b.weightDecay);
    if (b.nesterov && b.momentum == 0) {
      throw new IllegalArgumentException("SGD: nesterov requires a positive momentum, got momentum 0.0");
    }
    this.nesterov = b.nesterov;
  }

  /** Plain SGD with Keras's default learning rate 0.01. */
  public SGD() {
    this(builder());
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public double learningRate() {
    return learningRate;
  }

  @Override
  public void step(List<Parameter> parameters) {
    float lr = (float) learningRate;
    float mu = (float) momentum;
    float wd = (float) weightDecay;
    for (Parameter parameter : parameters) {
      float[] p = parameter.value().data();
      float[] g = parameter.grad().data();
      if (momentum == 0) {
        for (int i = 0; i < p.length; i++) {
          p[i] -= lr * (g[i] + wd * p[i]);
        }
        continue;
      }
      float[] v = velocity.get(parameter);
      boolean first = v == null;
      if (first) {
        v = new float[p.length];
        velocity.put(parameter, v);
      }
      for (int i = 0; i < p.length; i++) {
        float gi = g[i] + wd * p[i];
        v[i] = first ? gi : mu * v[i] + gi;
        p[i] -= lr * (nesterov ? gi + mu * v[i] : v[i]);
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", name());
    config.put("learning_rate", learningRate);
    config.put("momentum", momentum);
    config.put("nesterov", nesterov);
    config.put("weight_decay", weightDecay);
    return config;
  }

  @Override
  public String toString() {
    return "SGD" + config();
  }

  /** Settings for {@link SGD}; {@link #build()} validates them. */
  public static final class Builder {
    private double learningRate = 0.01;
    private double momentum = 0;
    private boolean nesterov = false;
    private double weightDecay = 0;

    private Builder() {}

    /** Positive; default 0.01. */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** In [0, 1]; default 0. */
    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Requires a positive momentum; default false. */
    public Builder nesterov(boolean nesterov) {
      this.nesterov = nesterov;
      return this;
    }

    /** L2 penalty added to the gradient, non-negative; default 0. */
    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid argument, the rule and the value
     */
    public SGD build() {
      return new SGD(this);
    }
  }
}
