package org.striate.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.striate.nn.Parameter;

/**
 * The validated settings, moment estimates and update shared by {@link Adam} and {@link AdamW}, in PyTorch's
 * form. Per parameter, at step {@code t} (counted per parameter from 1):
 *
 * <pre>
 *   p = p * (1 - learning_rate * weight_decay)          (AdamW only: decoupled weight decay)
 *   m = beta_1 * m + (1 - beta_1) * g
 *   v = beta_2 * v + (1 - beta_2) * g^2
 *   p = p - (learning_rate / (1 - beta_1^t)) * m / (sqrt(v) / sqrt(1 - beta_2^t) + epsilon)
 * </pre>
 *
 * which is {@code p -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)} with the bias-corrected moments. The
 * scalar factors are computed in double, the element-wise update in float, as PyTorch does.
 */
final class AdamMoments {
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;

  private static final class State {
    final float[] m;
    final float[] v;
    int step;

    State(int size) {
      m = new float[size];
      v = new float[size];
    }
  }

  private final Map<Parameter, State> states = new IdentityHashMap<>();

  /**
   * Validates the settings; {@code owner} names the optimizer in messages.
   *
   * @param weightDecay the decoupled decay, 0 for Adam
   */
  AdamMoments(String owner, double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
    this.learningRate = Check.positive(owner, "learning_rate", learningRate);
    this.weightDecay = Check.nonNegative(owner, "weight_decay", weightDecay);
    this.beta1 = Check.fraction(owner, "beta_1", beta1, false);
    this.beta2 = Check.fraction(owner, "beta_2", beta2, false);
    this.epsilon = Check.positive(owner, "epsilon", epsilon);
  }

  double learningRate() {
    return learningRate;
  }

  /** Adds the settings with Keras names; {@code weight_decay} only when {@code withDecay}. */
  void addConfig(Map<String, Object> config, boolean withDecay) {
    config.put("learning_rate", learningRate);
    if (withDecay) {
      config.put("weight_decay", weightDecay);
    }
    config.put("beta_1", beta1);
    config.put("beta_2", beta2);
    config.put("epsilon", epsilon);
  }

  void step(List<Parameter> parameters) {
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float oneMinusB1 = (float) (1 - beta1);
    float oneMinusB2 = (float) (1 - beta2);
    float eps = (float) epsilon;
    float decay = (float) (1 - learningRate * weightDecay);
    for (Parameter parameter : parameters) {
      float[] p = parameter.value().data();
      float[] g = parameter.grad().data();
      State s = states.computeIfAbsent(parameter, k -> new State(p.length));
      s.step++;
      float stepSize = (float) (learningRate / (1 - Math.pow(beta1, s.step)));
      float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, s.step));
      float[] m = s.m;
      float[] v = s.v;
      for (int i = 0; i < p.length; i++) {
        if (weightDecay != 0) {
          p[i] *= decay;
        }
        m[i] = b1 * m[i] + oneMinusB1 * g[i];
        v[i] = b2 * v[i] + oneMinusB2 * g[i] * g[i];
        float denom = (float) Math.sqrt(v[i]) / correction2 + eps;
        p[i] -= stepSize * (m[i] / denom);
      }
    }
  }
}
