package org.striate.train;

import org.striate.data.Dataset;

/**
 * The settings of one {@link Trainer#fit} call, with Keras's names and defaults: {@code epochs = 1},
 * {@code batch_size = 32}, {@code validation_split = 0}, no {@code validation_data}, {@code shuffle = true},
 * and no listener.
 *
 * <pre>{@code
 * FitOptions options = FitOptions.builder().epochs(5).batchSize(64).validationSplit(0.1).build();
 * }</pre>
 */
public final class FitOptions {
  private final int epochs;
  private final int batchSize;
  private final double validationSplit;
  private final Dataset validationData;
  private final boolean shuffle;
  private final TrainingListener listener;

  private FitOptions(Builder b) {
    if (b.epochs < 1) {
      throw new IllegalArgumentException("FitOptions: epochs must be at least 1, got " + b.epochs);
    }
    if (b.batchSize < 1) {
      throw new IllegalArgumentException("FitOptions: batch_size must be at least 1, got " + b.batchSize);
    }
    if (!(b.validationSplit >= 0 && b.validationSplit < 1)) {
      throw new IllegalArgumentException("FitOptions: validation_split must be in [0, 1), got " + b.validationSplit);
    }
    if (b.validationSplit > 0 && b.validationData != null) {
      throw new IllegalArgumentException(
          "FitOptions: give validation_split or validation_data, not both (got validation_split "
              + b.validationSplit + " and " + b.validationData.size() + " validation examples)");
    }
    if (b.listener == null) {
      throw new IllegalArgumentException("FitOptions: listener must not be null (use TrainingListener.NONE), got null");
    }
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.validationSplit = b.validationSplit;
    this.validationData = b.validationData;
    this.shuffle = b.shuffle;
    this.listener = b.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The fraction of the training data, taken from its end before any shuffling, held out for validation. */
  public double validationSplit() {
    return validationSplit;
  }

  /** The explicit validation set, or null. */
  public Dataset validationData() {
    return validationData;
  }

  public boolean shuffle() {
    return shuffle;
  }

  public TrainingListener listener() {
    return listener;
  }

  /** Settings for {@link FitOptions}; {@link #build()} validates them. */
  public static final class Builder {
    private int epochs = 1;
    private int batchSize = 32;
    private double validationSplit = 0;
    private Dataset validationData;
    private boolean shuffle = true;
    private TrainingListener listener = TrainingListener.NONE;

    private Builder() {}

    /** At least 1; default 1. */
    public Builder epochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    /** At least 1; default 32. The last batch of an epoch holds the remaining examples and may be smaller. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /**
     * In [0, 1); default 0. As in Keras, the last {@code validationSplit} of the examples, taken before
     * shuffling, form the validation set; the split must leave at least one example on each side.
     */
    public Builder validationSplit(double validationSplit) {
      this.validationSplit = validationSplit;
      return this;
    }

    /** A separate validation set, evaluated after each epoch; not together with a validation split. */
    public Builder validationData(Dataset validationData) {
      this.validationData = validationData;
      return this;
    }

    /** Whether to visit the training examples in a new seeded order each epoch; default true. */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Progress callbacks; default {@link TrainingListener#NONE}. */
    public Builder listener(TrainingListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid setting, the rule and the value
     */
    public FitOptions build() {
      return new FitOptions(this);
    }
  }
}
