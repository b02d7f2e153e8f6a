package org.striate.optim;

/** Hyperparameter validation shared by the optimizers' builders; messages name the owner, argument and value. */
final class Check {
  private Check() {}

  static double positive(String owner, String argument, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(owner + ": " + argument + " must be positive and finite, got " + value);
    }
    return value;
  }

  static double nonNegative(String owner, String argument, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(owner + ": " + argument + " must be non-negative and finite, got " + value);
    }
    return value;
  }

  /** {@code value} in {@code [0, 1)}, or in {@code [0, 1]} with {@code oneAllowed}. */
  static double fraction(String owner, String argument, double value, boolean oneAllowed) {
    if (!(value >= 0) || value > 1 || (value == 1 && !oneAllowed)) {
      throw new IllegalArgumentException(
          owner + ": " + argument + " must be in [0, 1" + (oneAllowed ? "]" : ")") + ", got " + value);
    }
    return value;
  }
}
