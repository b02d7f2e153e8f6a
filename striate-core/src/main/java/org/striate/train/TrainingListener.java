package org.striate.train;

/**
 * Receives progress during {@link Trainer#fit}, for example to draw a progress bar. Every method does nothing
 * by default. Epochs and batches are numbered from 1. Calls come from the thread that runs {@code fit}.
 */
public interface TrainingListener {

  /** A listener that ignores everything; the default. */
  TrainingListener NONE = new TrainingListener() {};

  /** Before the first batch of epoch {@code epoch} (of {@code lastEpoch}), which has {@code batches} batches. */
  default void onEpochStart(int epoch, int lastEpoch, int batches) {}

  /**
   * After the optimizer step of batch {@code batch} of {@code batches}.
   *
   * @param runningLoss the mean loss over the examples of this epoch so far
   * @param runningAccuracy the fraction of those examples classified correctly, or NaN when accuracy does not
   *     apply (targets that are not classes)
   * @param imagesPerSecond examples trained per second of wall time in this epoch so far
   */
  default void onBatchEnd(
      int epoch, int batch, int batches, double runningLoss, double runningAccuracy, double imagesPerSecond) {}

  /** After the epoch's validation, with its record. */
  default void onEpochEnd(EpochResult result) {}
}
