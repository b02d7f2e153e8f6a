package org.striate.train;

import java.util.Arrays;
import org.striate.data.Dataset;
import org.striate.nn.Workspace;
import org.striate.tensor.Tensor;

/**
 * The examples {@code order[from, to)} of a data set (examples {@code from} to {@code to - 1} when {@code order}
 * is null), gathered into a workspace's arrays: the inputs as floats, and the labels or the targets.
 */
record Batch(Tensor inputs, int[] labels, Tensor targets, int[] order, int from, int to) {

  /** Gathers the batch into {@code owner}'s arrays in {@code workspace}, the same arrays at every step. */
  static Batch gather(Workspace workspace, Object owner, Dataset data, int[] order, int from, int to) {
    int n = to - from;
    Tensor inputs = workspace.tensor(owner, "inputs", data.exampleShape().withBatch(n));
    data.gatherInputs(order, from, to, inputs);
    if (data.hasLabels()) {
      int[] labels = workspace.ints(owner, "labels", n);
      data.gatherLabels(order, from, to, labels);
      return new Batch(inputs, labels, null, order, from, to);
    }
    Tensor targets = workspace.tensor(owner, "targets", data.targetShape().withBatch(n));
    data.gatherTargets(order, from, to, targets);
    return new Batch(inputs, null, targets, order, from, to);
  }

  /** The data set's index of each example of a training batch (which always has an order). */
  int[] indices() {
    return Arrays.copyOfRange(order, from, to);
  }
}
