package org.striate.optim;

import java.util.List;
import org.striate.nn.Parameter;

/**
 * Updates parameters from their gradients. State (momentum, moments) is kept per parameter, keyed by the
 * parameter object. An optimizer reads gradients but never clears them; the training loop does that once per
 * step.
 */
public interface Optimizer {

  /** The Keras-style name: {@code sgd}, {@code adam} or {@code adamw}. */
  String name();

  /** The learning rate of the next step. */
  double learningRate();

  /** Applies one update to every parameter in {@code parameters}, in order. */
  void step(List<Parameter> parameters);

  /** The settings with Keras argument names, for logs and the metrics file. */
  java.util.Map<String, Object> config();
}
