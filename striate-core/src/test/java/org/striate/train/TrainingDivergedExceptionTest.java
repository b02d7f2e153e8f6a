package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.loss.CrossEntropy;
import org.striate.loss.Loss;
import org.striate.loss.MeanSquaredError;
import org.striate.nn.Activation;
import org.striate.nn.Conv2D;
import org.striate.nn.Dense;
import org.striate.nn.Dropout;
import org.striate.nn.Flatten;
import org.striate.nn.Sequential;
import org.striate.optim.SGD;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class TrainingDivergedExceptionTest {
  private final Kernels kernels = new ScalarKernels(1);

  @AfterEach
  void closeKernels() {
    kernels.close();
  }

  private TrainingDivergedException fitAndFail(Sequential model, Loss loss, double learningRate, Dataset data,
      int batchSize) {
    Trainer t = Trainer.builder().model(model).optimizer(SGD.builder().learningRate(learningRate).build()).loss(loss)
        .kernels(kernels).build();
    return assertThrows(TrainingDivergedException.class,
        () -> t.fit(data, FitOptions.builder().epochs(3).batchSize(batchSize).shuffle(false).build()));
  }

  @Test
  void nonFiniteInputIsNamedAndTheParametersAreLeftAlone() {
    Sequential model = new Sequential(Shape.of(3), new Dense(2, Activation.SOFTMAX));
    float[] before = model.parameters().get(0).value().data().clone();
    Tensor x = Tensor.zeros(8, 3);
    x.data()[1 * 3 + 2] = Float.NaN;
    TrainingDivergedException e = fitAndFail(model, new CrossEntropy(), 0.1, Dataset.ofLabels(x, new int[8], 2), 4);
    assertEquals("training diverged at epoch 1, batch 1 of 2 (loss = NaN): the input batch itself is not finite"
        + " (NaN in training example 1)", e.getMessage());
    assertEquals(1, e.epoch());
    assertEquals(1, e.batch());
    assertNull(e.layerName());
    assertArrayEquals(before, model.parameters().get(0).value().data(), 0f);
  }

  @Test
  void namesTheFirstLayerWhoseOutputIsNotFiniteReplayingTheStepsRandomStream() {
    // Dropout, then a convolution whose huge weights overflow; the probe records the step's random stream.
    Probe probe = new Probe();
    Sequential model = new Sequential(Shape.of(3, 3, 1), probe, new Dropout(0.5), new Conv2D(2, 2, Activation.RELU),
        new Flatten(), new Dense(2, Activation.SOFTMAX));
    Arrays.fill(model.layer("conv2d").parameters().get(0).value().data(), Float.MAX_VALUE);
    Tensor x = Tensor.zeros(2, 3, 3, 1);
    Arrays.fill(x.data(), 1f);
    TrainingDivergedException e = fitAndFail(model, new CrossEntropy(), 0.1, Dataset.ofLabels(x, new int[2], 2), 2);
    assertEquals("training diverged at epoch 1, batch 1 of 1 (loss = NaN): layer 'conv2d' (Conv2D) is the first"
        + " whose output is not finite (Infinity for training example 0); the learning rate may be too high",
        e.getMessage());
    assertEquals("conv2d", e.layerName());
    assertEquals(2, probe.draws.size());
    assertEquals(probe.draws.get(0), probe.draws.get(1), "the diagnosis must rerun with the step's seed");
  }

  @Test
  void aHugeLearningRateDivergesInTheLayer() {
    Sequential model = new Sequential(Shape.of(4), new Dense(1));
    Tensor x = Probe.idInputs(40, 4);
    Tensor y = Tensor.zeros(40, 1);
    Arrays.fill(y.data(), 1f);
    TrainingDivergedException e = fitAndFail(model, new MeanSquaredError(), 1e30, Dataset.ofTargets(x, y), 4);
    assertTrue(e.getMessage().matches("training diverged at epoch 1, batch \\d+ of 10 \\(loss = (NaN|Infinity)\\):"
        + " layer 'dense' \\(Dense\\) is the first whose output is not finite \\((NaN|-?Infinity) for training"
        + " example \\d+\\); the learning rate may be too high"), e.getMessage());
    assertEquals("dense", e.layerName());
    assertTrue(e.batch() > 1, "the first batch runs on finite initial weights");
  }

  @Test
  void finiteOutputsWithANonFiniteLossBlameTheLoss() {
    Sequential model = new Sequential(Shape.of(2), new Dense(1));
    Tensor y = Tensor.zeros(3, 1);
    y.data()[2] = Float.NaN;
    TrainingDivergedException e = fitAndFail(model, new MeanSquaredError(), 0.1,
        Dataset.ofTargets(Probe.idInputs(3, 2), y), 3);
    assertEquals("training diverged at epoch 1, batch 1 of 1 (loss = NaN): every layer's output is finite, so the"
        + " loss itself is not (overflow, or non-finite targets)", e.getMessage());
    assertNull(e.layerName());
  }
}
