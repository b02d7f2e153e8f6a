package org.striate.train;

import org.striate.nn.Context;
import org.striate.nn.Layer;
import org.striate.nn.Model;
import org.striate.tensor.Tensor;

/** Finds where a non-finite loss came from, by running the failing batch again one layer at a time. */
final class Divergence {
  private Divergence() {}

  /**
   * @param ctx a fresh context equal to the failing step's (same seed, same softmax fusion), so dropout repeats
   * @param exampleIndices the training-set index of each example in {@code input}
   */
  static TrainingDivergedException diagnose(
      Model model, Context ctx, Tensor input, int[] exampleIndices, double loss, int epoch, int batch,
      int batches) {
    String where = "training diverged at epoch " + epoch + ", batch " + batch + " of " + batches + " (loss = "
        + loss + "): ";
    int bad = firstNonFinite(input);
    if (bad >= 0) {
      return new TrainingDivergedException(
          where + "the input batch itself is not finite (" + input.data()[bad] + " in training example "
              + exampleIndices[row(input, bad)] + ")", epoch, batch, null);
    }
    Layer[] firstBad = new Layer[1];
    Tensor[] badOutput = new Tensor[1];
    model.forward(input, ctx, (layer, output) -> {
      if (firstBad[0] == null && firstNonFinite(output) >= 0) {
        firstBad[0] = layer;
        badOutput[0] = output;
      }
    });
    if (firstBad[0] != null) {
      Layer layer = firstBad[0];
      Tensor x = badOutput[0];
      bad = firstNonFinite(x);
      return new TrainingDivergedException(
          where + "layer '" + layer.name() + "' (" + layer.type() + ") is the first whose output is not finite ("
              + x.data()[bad] + " for training example " + exampleIndices[row(x, bad)]
              + "); the learning rate may be too high", epoch, batch, layer.name());
    }
    return new TrainingDivergedException(
        where + "every layer's output is finite, so the loss itself is not (overflow, or non-finite targets)",
        epoch, batch, null);
  }

  private static int firstNonFinite(Tensor t) {
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        return i;
      }
    }
    return -1;
  }

  /** The example (batch row) that flat index {@code i} belongs to. */
  private static int row(Tensor t, int i) {
    return i / (t.size() / t.shape().dim(0));
  }
}
