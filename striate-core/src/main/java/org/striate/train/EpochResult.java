package org.striate.train;

/**
 * What one training epoch measured. Values that do not apply are NaN: the accuracies when the targets are not
 * classes, the validation values when there is no validation set.
 *
 * @param epoch numbered from 1
 * @param loss the mean training loss over the epoch's examples, each measured before its batch's update
 * @param accuracy the fraction of training examples classified correctly, measured the same way
 * @param valLoss the mean loss on the validation set after the epoch, without dropout
 * @param valAccuracy the validation accuracy after the epoch
 * @param seconds wall time of the whole epoch, validation included
 * @param imagesPerSecond training examples per second of training time (validation excluded)
 */
public record EpochResult(
    int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double seconds,
    double imagesPerSecond) {

  /** Whether the epoch was validated. */
  public boolean hasValidation() {
    return !Double.isNaN(valLoss);
  }
}
