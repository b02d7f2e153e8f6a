package org.striate.train;

/**
 * Thrown by {@link Trainer#fit} when a batch's loss is not finite. The message names the epoch, the batch and
 * the cause: the input batch itself, the first layer whose output is not finite, or the loss. The parameters
 * are left as they were before the failing batch.
 */
public final class TrainingDivergedException extends RuntimeException {
  private final int epoch;
  private final int batch;
  private final String layerName;

  TrainingDivergedException(String message, int epoch, int batch, String layerName) {
    super(message);
    this.epoch = epoch;
    this.batch = batch;
    this.layerName = layerName;
  }

  /** The epoch, from 1. */
  public int epoch() {
    return epoch;
  }

  /** The batch within the epoch, from 1. */
  public int batch() {
    return batch;
  }

  /** The first layer whose output was not finite, or null if the input or the loss was the cause. */
  public String layerName() {
    return layerName;
  }
}
