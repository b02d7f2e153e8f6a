package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
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
import org.striate.nn.MaxPool2D;
import org.striate.nn.Parameter;
import org.striate.nn.Sequential;
import org.striate.optim.Adam;
import org.striate.optim.SGD;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class TrainerTest {
  private final Kernels kernels = new ScalarKernels(2);

  @AfterEach
  void closeKernels() {
    kernels.close();
  }

  private Trainer trainer(Sequential model, Loss loss, long seed) {
    return Trainer.builder().model(model).optimizer(SGD.builder().learningRate(0.1).momentum(0.9).build())
        .loss(loss).kernels(kernels).seed(seed).build();
  }

  private static Sequential probedModel(Probe probe, int features, int classes) {
    return new Sequential(Shape.of(features), probe, new Dense(8, Activation.TANH), new Dense(classes, Activation.SOFTMAX));
  }

  private static Dataset labelled(int n, int features, int classes) {
    return Dataset.ofLabels(Probe.idInputs(n, features), IntStream.range(0, n).map(i -> i % classes).toArray(), classes);
  }

  /**
   * Probe, a convolution, dropout and dense layers on {@code (2, 3, 1)} images whose pixel 0 holds the example id
   * for the probe: each step runs the convolution kernels on two threads and draws a dropout mask.
   */
  private static Sequential convModel(Probe probe, int classes) {
    return new Sequential(Shape.of(2, 3, 1), probe,
        Conv2D.builder(4).kernelSize(2, 2).padding(Padding.SAME).activation(Activation.TANH).build(),
        new Flatten(), new Dropout(0.5), new Dense(classes, Activation.SOFTMAX));
  }

  private static Dataset labelledImages(int n, int classes) {
    return Dataset.ofLabels(Probe.idInputs(n, 6).reshape(Shape.of(n, 2, 3, 1)),
        IntStream.range(0, n).map(i -> i % classes).toArray(), classes);
  }

  @Test
  void sameSeedAndThreadsGiveBitIdenticalRuns() {
    Dataset data = labelledImages(50, 3);
    FitOptions options = FitOptions.builder().epochs(3).batchSize(8).validationSplit(0.2).build();
    Probe probeA = new Probe();
    Probe probeB = new Probe();
    Sequential a = convModel(probeA, 3);
    Sequential b = convModel(probeB, 3);
    History ha = trainer(a, new CrossEntropy(), 7).fit(data, options);
    History hb = trainer(b, new CrossEntropy(), 7).fit(data, options);
    assertEquals(2, kernels.threads());
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(bits(a.parameters().get(i)), bits(b.parameters().get(i)), "parameter " + i);
    }
    for (int e = 0; e < 3; e++) {
      EpochResult ra = ha.epochs().get(e);
      EpochResult rb = hb.epochs().get(e);
      assertEquals(Double.doubleToRawLongBits(ra.loss()), Double.doubleToRawLongBits(rb.loss()));
      assertEquals(Double.doubleToRawLongBits(ra.valLoss()), Double.doubleToRawLongBits(rb.valLoss()));
    }
    assertEquals(probeA.draws, probeB.draws, "dropout streams must repeat");
    assertEquals(probeA.draws.size(), new HashSet<>(probeA.draws).size(), "every step needs its own stream");

    Sequential c = convModel(new Probe(), 3);
    History hc = trainer(c, new CrossEntropy(), 8).fit(data, options);
    assertNotEquals(ha.last().loss(), hc.last().loss(), "another seed must shuffle differently");
    assertParametersDiffer(a, c);
  }

  @Test
  void withoutShufflingAnotherSeedStillDropsOtherUnits() {
    FitOptions options = FitOptions.builder().epochs(2).batchSize(8).shuffle(false).build();
    Sequential a = convModel(new Probe(), 3);
    Sequential b = convModel(new Probe(), 3);
    trainer(a, new CrossEntropy(), 7).fit(labelledImages(40, 3), options);
    trainer(b, new CrossEntropy(), 8).fit(labelledImages(40, 3), options);
    assertParametersDiffer(a, b);
  }

  private static void assertParametersDiffer(Sequential a, Sequential b) {
    for (int i = 0; i < a.parameters().size(); i++) {
      if (!Arrays.equals(bits(a.parameters().get(i)), bits(b.parameters().get(i)))) {
        return;
      }
    }
    fail("another seed must give other parameters");
  }

  private static int[] bits(Parameter p) {
    float[] d = p.value().data();
    int[] out = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = Float.floatToRawIntBits(d[i]);
    }
    return out;
  }

  @Test
  void validationSplitHoldsOutTheLastExamplesAndBatchesCoverEveryTrainingExampleOnce() {
    Probe probe = new Probe();
    Sequential model = probedModel(probe, 4, 2);
    List<int[]> epochs = new ArrayList<>();
    List<Integer> batchNumbers = new ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onEpochStart(int epoch, int lastEpoch, int batches) {
        epochs.add(new int[] {epoch, lastEpoch, batches});
      }

      @Override
      public void onBatchEnd(int epoch, int batch, int batches, double loss, double accuracy, double perSecond) {
        batchNumbers.add(batch);
        assertTrue(loss > 0 && accuracy >= 0 && accuracy <= 1 && perSecond > 0);
      }
    };
    // 25 examples, 20% held out: examples 0..19 train in batches of 8, 8, 4; 20..24 validate.
    History h = trainer(model, new CrossEntropy(), 1)
        .fit(labelled(25, 4, 2), FitOptions.builder().epochs(2).batchSize(8).validationSplit(0.2).listener(listener).build());
    assertEquals(List.of(1, 2, 3, 1, 2, 3), batchNumbers);
    assertArrayEquals(new int[] {1, 2, 3}, epochs.get(0));
    assertArrayEquals(new int[] {2, 2, 3}, epochs.get(1));
    List<Integer> firstEpoch = probe.trainingIds.subList(0, 20);
    assertEquals(IntStream.range(0, 20).boxed().toList(), firstEpoch.stream().sorted().toList());
    assertNotEquals(IntStream.range(0, 20).boxed().toList(), firstEpoch, "training order must be shuffled");
    assertNotEquals(firstEpoch, probe.trainingIds.subList(20, 40), "each epoch needs its own order");
    assertEquals(List.of(20, 21, 22, 23, 24, 20, 21, 22, 23, 24), probe.inferenceIds);
    assertEquals(6, probe.draws.size());
    assertTrue(h.last().hasValidation());
  }

  @Test
  void aSecondFitContinuesTheEpochCount() {
    Trainer t = trainer(probedModel(new Probe(), 4, 2), new CrossEntropy(), 1);
    FitOptions options = FitOptions.builder().epochs(2).batchSize(4).build();
    t.fit(labelled(8, 4, 2), options);
    assertEquals(3, t.fit(labelled(8, 4, 2), options).epochs().get(0).epoch());
  }

  @Test
  void softmaxIsFusedIntoCrossEntropySoTheLossSeesLogits() {
    Sequential model = probedModel(new Probe(), 4, 3);
    Dataset data = labelled(6, 4, 3);
    Tensor probabilities = model.predict(data.inputs(), kernels, 6);
    RecordingLoss loss = new RecordingLoss(new CrossEntropy());
    trainer(model, loss, 1).fit(data, FitOptions.builder().batchSize(6).shuffle(false).build());
    Tensor seen = loss.predictions.get(0);
    for (int r = 0; r < 6; r++) {
      // softmax(seen) must give the model's probabilities, and seen rows are not themselves probabilities.
      double max = Double.NEGATIVE_INFINITY;
      double rowSum = 0;
      for (int c = 0; c < 3; c++) {
        max = Math.max(max, seen.data()[r * 3 + c]);
        rowSum += seen.data()[r * 3 + c];
      }
      assertNotEquals(1.0, rowSum, 1e-3);
      double z = 0;
      for (int c = 0; c < 3; c++) {
        z += Math.exp(seen.data()[r * 3 + c] - max);
      }
      for (int c = 0; c < 3; c++) {
        assertEquals(probabilities.data()[r * 3 + c], Math.exp(seen.data()[r * 3 + c] - max) / z, 1e-6);
      }
    }
  }

  @Test
  void mseSeesProbabilitiesAndGradientsAreZeroAfterEachStep() {
    Sequential model = probedModel(new Probe(), 4, 2);
    Tensor oneHot = Tensor.zeros(6, 2);
    for (int i = 0; i < 6; i++) {
      oneHot.data()[i * 2 + i % 2] = 1;
    }
    RecordingLoss loss = new RecordingLoss(new MeanSquaredError());
    float before = model.parameters().get(0).value().data()[0];
    History h = trainer(model, loss, 1).fit(Dataset.ofTargets(Probe.idInputs(6, 4), oneHot),
        FitOptions.builder().batchSize(4).build());
    Tensor seen = loss.predictions.get(0);
    assertEquals(1.0, seen.data()[0] + seen.data()[1], 1e-6);
    assertEquals(List.of(4, 2), loss.batchSizes, "the last partial batch is included");
    assertTrue(h.last().accuracy() >= 0, "one-hot targets have an accuracy");
    assertNotEquals(before, model.parameters().get(0).value().data()[0]);
    for (Parameter p : model.parameters()) {
      for (float g : p.grad().data()) {
        assertEquals(0f, g);
      }
    }
  }

  @Test
  void regressionTargetsHaveNoAccuracy() {
    Sequential model = new Sequential(Shape.of(3), new Dense(1));
    Dataset data = Dataset.ofTargets(Probe.idInputs(10, 3), Tensor.zeros(10, 1));
    Trainer t = trainer(model, new MeanSquaredError(), 1);
    EpochResult r = t.fit(data, FitOptions.builder().validationData(data).build()).last();
    assertTrue(Double.isNaN(r.accuracy()) && Double.isNaN(r.valAccuracy()));
    assertTrue(r.valLoss() >= 0);
    assertTrue(Double.isNaN(t.evaluate(data, 4).accuracy()));
  }

  @Test
  void validationLossIsTheEvaluationOfTheValidationSetAfterTheEpoch() {
    Sequential model = probedModel(new Probe(), 4, 2);
    Trainer t = trainer(model, new CrossEntropy(), 3);
    Dataset validation = labelled(9, 4, 2);
    EpochResult r = t.fit(labelled(20, 4, 2), FitOptions.builder().batchSize(5).validationData(validation).build()).last();
    Evaluation e = t.evaluate(validation, 5);
    assertEquals(e.loss(), r.valLoss(), 0);
    assertEquals(e.accuracy(), r.valAccuracy(), 0);
  }

  @Test
  void evaluateByHand() {
    // The identity as the dense kernel: logits = inputs, predicted class = argmax of the input row.
    Sequential model = new Sequential(Shape.of(2), Dense.builder(2).useBias(false).build());
    System.arraycopy(new float[] {1, 0, 0, 1}, 0, model.parameters().get(0).value().data(), 0, 4);
    Tensor x = Tensor.of(Shape.of(5, 2), 2, 0, 0, 1, 3, 1, 1, 2, 5, 0);
    Evaluation e = trainer(model, new CrossEntropy(), 0).evaluate(Dataset.ofLabels(x, new int[] {0, 1, 1, 0, 0}, 2), 2);
    // Per-example losses log(1+e^-2), log(1+e^-1), 2+log(1+e^-2), 1+log(1+e^-1), log(1+e^-5).
    assertEquals(0.7774189491223018, e.loss(), 1e-6);
    assertEquals(0.6, e.accuracy(), 0);
    assertArrayEquals(new int[][] {{2, 1}, {1, 1}}, e.confusionMatrix());
  }

  @Test
  void predictReturnsProbabilitiesByTheDocumentedRule() {
    Tensor x = Probe.idInputs(3, 4);
    Sequential softmaxModel = new Sequential(Shape.of(4), new Dense(3, Activation.SOFTMAX));
    Sequential linear = new Sequential(Shape.of(4), new Dense(3));
    Tensor logits = linear.predict(x, kernels, 3);
    assertArrayEquals(softmaxModel.predict(x, kernels, 2).data(),
        trainer(softmaxModel, new CrossEntropy(), 0).predict(x, 2).data(), 0f);
    assertArrayEquals(logits.data(), trainer(linear, new MeanSquaredError(), 0).predict(x, 2).data(), 0f);
    Tensor p = trainer(linear, new CrossEntropy(), 0).predict(x, 2);
    for (int r = 0; r < 3; r++) {
      double z = 0;
      for (int c = 0; c < 3; c++) {
        z += Math.exp(logits.data()[r * 3 + c]);
      }
      for (int c = 0; c < 3; c++) {
        assertEquals(Math.exp(logits.data()[r * 3 + c]) / z, p.data()[r * 3 + c], 1e-6);
      }
    }
  }

  @Test
  void rejectsDataThatDoesNotFitTheModel() {
    Trainer t = trainer(probedModel(new Probe(), 4, 5), new CrossEntropy(), 0);
    FitOptions options = FitOptions.builder().build();
    assertEquals("fit: examples have shape (3,) but the model takes (4,)",
        assertThrows(IllegalArgumentException.class, () -> t.fit(labelled(6, 3, 5), options)).getMessage());
    assertEquals("fit: labels are in [0, 10) but the model outputs 5 classes",
        assertThrows(IllegalArgumentException.class, () -> t.fit(labelled(20, 4, 10), options)).getMessage());
    assertEquals("fit: targets have shape (4,) per example but the model outputs (5,)",
        assertThrows(IllegalArgumentException.class,
            () -> t.fit(Dataset.ofTargets(Probe.idInputs(6, 4), Tensor.zeros(6, 4)), options)).getMessage());
    assertEquals("fit: validation data: examples have shape (3,) but the model takes (4,)",
        assertThrows(IllegalArgumentException.class, () -> t.fit(labelled(6, 4, 5),
            FitOptions.builder().validationData(labelled(6, 3, 5)).build())).getMessage());
    assertEquals("fit: validation_split 0.95 of 10 examples leaves 0 for training and 10 for validation;"
            + " both need at least 1",
        assertThrows(IllegalArgumentException.class, () -> t.fit(labelled(10, 4, 5),
            FitOptions.builder().validationSplit(0.95).build())).getMessage());
    assertEquals("evaluate: batch size must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> t.evaluate(labelled(6, 4, 5), 0)).getMessage());
    assertEquals("evaluate: labels are in [0, 3) but the model outputs 5 classes",
        assertThrows(IllegalArgumentException.class, () -> t.evaluate(labelled(6, 4, 3), 2)).getMessage());
  }

  @Test
  void builderRequiresModelAndLossAndFitAnOptimizer() {
    assertEquals("Trainer: model must be given, got null",
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().build()).getMessage());
    assertEquals("Trainer: loss must be given, got null", assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().model(probedModel(new Probe(), 2, 2)).optimizer(new Adam()).build()).getMessage());
    try (Trainer evaluator = Trainer.builder().model(probedModel(new Probe(), 4, 5)).loss(new CrossEntropy())
        .kernels(kernels).build()) {
      assertEquals(6, evaluator.evaluate(labelled(6, 4, 5), 4).examples());
      assertEquals("Trainer: fit needs an optimizer; set one with Trainer.builder().optimizer(...)",
          assertThrows(IllegalStateException.class,
              () -> evaluator.fit(labelled(6, 4, 5), FitOptions.builder().build())).getMessage());
    }
  }

  @Test
  void aShortRunOnMnistShapedImagesLearns() {
    Dataset train = SyntheticDigits.generate(2000, 1);
    Dataset test = SyntheticDigits.generate(500, 2);
    Sequential model = new Sequential(Shape.of(28, 28, 1),
        new Conv2D(8, 3, Activation.RELU), new MaxPool2D(2), new Flatten(), new Dense(10, Activation.SOFTMAX));
    List<Double> firstBatches = new ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onBatchEnd(int epoch, int batch, int batches, double loss, double accuracy, double perSecond) {
        if (epoch == 1 && batch <= 3) {
          firstBatches.add(loss);
        }
      }
    };
    Trainer t = Trainer.builder().model(model).optimizer(new Adam()).loss(new CrossEntropy()).kernels(kernels).seed(5)
        .build();
    History h = t.fit(train, FitOptions.builder().epochs(2).batchSize(32).validationSplit(0.1).listener(listener).build());
    double start = firstBatches.get(2);
    EpochResult second = h.epochs().get(1);
    assertTrue(start > 2.0, "an untrained 10-class model starts near ln 10 = 2.3, got " + start);
    assertTrue(second.loss() < 0.35 * start, "epoch-2 loss " + second.loss() + " vs first batches " + start);
    assertTrue(second.loss() < h.epochs().get(0).loss(), "epoch 2 must improve on epoch 1");
    assertTrue(second.accuracy() > 0.8, "training accuracy " + second.accuracy());
    assertTrue(second.valAccuracy() > 0.8, "validation accuracy " + second.valAccuracy());
    assertTrue(t.evaluate(test, 100).accuracy() > 0.8);
  }

  /** Delegates to a loss and keeps copies of the predictions it was given during training. */
  private static final class RecordingLoss implements Loss {
    private final Loss inner;
    final List<Tensor> predictions = new ArrayList<>();
    final List<Integer> batchSizes = new ArrayList<>();

    RecordingLoss(Loss inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public boolean fusesSoftmax() {
      return inner.fusesSoftmax();
    }

    @Override
    public double lossAndGradient(Tensor predictions, int[] labels, Tensor targets, Tensor grad) {
      this.predictions.add(predictions.copy());
      batchSizes.add(predictions.shape().dim(0));
      return inner.lossAndGradient(predictions, labels, targets, grad);
    }

    @Override
    public double loss(Tensor predictions, int[] labels, Tensor targets) {
      return inner.loss(predictions, labels, targets);
    }
  }
}
