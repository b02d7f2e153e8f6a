package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.loss.CrossEntropy;
import org.striate.loss.Loss;
import org.striate.nn.Activation;
import org.striate.nn.Context;
import org.striate.nn.Conv2D;
import org.striate.nn.Dense;
import org.striate.nn.Dropout;
import org.striate.nn.Flatten;
import org.striate.nn.MaxPool2D;
import org.striate.nn.Parameter;
import org.striate.nn.Passes;
import org.striate.nn.Sequential;
import org.striate.nn.Workspace;
import org.striate.optim.Adam;
import org.striate.optim.Optimizer;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * The trainer's steady state: batches gathered into reused arrays, layer arrays from a workspace, byte-stored
 * images, no model-input gradient; and still the parameters of the plain step with new arrays, bit for bit.
 */
class TrainerBuffersTest {
  private static final Shape IMAGE = Shape.of(8, 8, 1);
  private static final int CLASSES = 3;
  private final Kernels kernels = new ScalarKernels(2);

  @AfterEach
  void closeKernels() {
    kernels.close();
  }

  /** Two convolutions, pooling, dropout and a softmax head: every kind of array a step reuses. */
  private static Sequential model() {
    return new Sequential(IMAGE,
        new Conv2D(4, 3, Activation.RELU),
        new MaxPool2D(2),
        Conv2D.builder(5).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.TANH).build(),
        new Flatten(),
        new Dropout(0.25),
        new Dense(CLASSES, Activation.SOFTMAX)).initialize(3);
  }

  private static byte[] pixels(int n) {
    byte[] b = new byte[n * IMAGE.size()];
    new SplittableRandom(7).nextBytes(b);
    return b;
  }

  private static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i * 7 % CLASSES;
    }
    return y;
  }

  private static Dataset byteImages(int n) {
    return Dataset.ofUnsignedBytes(IMAGE.withBatch(n), pixels(n), labels(n), CLASSES);
  }

  /** The same images as floats, converted as IdxReader.readImages does. */
  private static Dataset floatImages(int n) {
    byte[] b = pixels(n);
    float[] x = new float[b.length];
    for (int i = 0; i < b.length; i++) {
      x[i] = (b[i] & 0xff) / 255f;
    }
    return Dataset.ofLabels(new Tensor(IMAGE.withBatch(n), x), labels(n), CLASSES);
  }

  private Trainer trainer(Sequential model, Kernels k, Workspace workspace) {
    return Trainer.builder().model(model).optimizer(new Adam()).loss(new CrossEntropy()).kernels(k).seed(11)
        .workspace(workspace).build();
  }

  /**
   * The training step as it was before arrays were reused, written out: shuffled batches copied with
   * {@link Dataset#select}, a context without workspace (new arrays), the full backward, new loss gradients.
   */
  private void trainByHand(Sequential model, Dataset data, int epochs, int batchSize) {
    Loss loss = new CrossEntropy();
    Optimizer optimizer = new Adam();
    List<Parameter> parameters = model.trainableParameters();
    int n = data.size();
    for (int epoch = 1; epoch <= epochs; epoch++) {
      int[] order = Trainer.shuffled(n, Trainer.derive(11, Trainer.SHUFFLE_STREAM, epoch));
      for (int b = 0; b * batchSize < n; b++) {
        int[] indices = java.util.Arrays.copyOfRange(order, b * batchSize, Math.min(n, (b + 1) * batchSize));
        Dataset batch = data.select(indices);
        Context ctx = Context.training(kernels, Trainer.derive(11, Trainer.STEP_STREAM, epoch, b + 1));
        ctx.fuseSoftmaxIntoLoss(model.outputLayer());
        Tensor output = model.forward(batch.inputs(), ctx);
        Tensor grad = Tensor.zeros(output.shape());
        loss.lossAndGradient(output, batch.labels(), null, grad);
        model.backward(grad, ctx);
        optimizer.step(parameters);
        parameters.forEach(Parameter::zeroGrad);
      }
    }
  }

  private static int[] parameterBits(Sequential model) {
    List<Tensor> values = new ArrayList<>();
    model.parameters().forEach(p -> values.add(p.value()));
    return Passes.bits(values);
  }

  @Test
  void reusedArraysAndByteImagesTrainBitIdenticallyToTheStepWithNewArrays() {
    Sequential expected = model();
    trainByHand(expected, floatImages(22), 2, 8); // 8 + 8 + 6: the last batch of each epoch is smaller
    Sequential actual = model();
    try (Trainer t = trainer(actual, kernels, Workspace.poisoned())) {
      t.fit(byteImages(22), FitOptions.builder().epochs(2).batchSize(8).build());
      assertArrayEquals(parameterBits(expected), parameterBits(actual));

      Evaluation e = t.evaluate(byteImages(22), 8);
      try (Trainer plain = trainer(expected, kernels, new Workspace())) {
        Evaluation f = plain.evaluate(floatImages(22), 22);
        assertEquals(f.correct(), e.correct());
        assertEquals(f.loss(), e.loss(), 1e-6);
      }
    }
  }

  @Test
  void afterItsFirstStepTrainingAllocatesNoNewArrays() {
    List<Long> allocations = new ArrayList<>();
    try (Trainer t = trainer(model(), kernels, null)) {
      TrainingListener listener = new TrainingListener() {
        @Override
        public void onBatchEnd(int epoch, int batch, int batches, double loss, double accuracy, double perSecond) {
          allocations.add(t.workspace().allocations());
        }
      };
      t.fit(byteImages(24), FitOptions.builder().epochs(2).batchSize(8).listener(listener).build());
      assertEquals(6, allocations.size());
      assertTrue(allocations.get(0) > 10, "the first step fills the workspace, got " + allocations.get(0));
      for (long count : allocations) {
        assertEquals(allocations.get(0), count, "arrays allocated by the end of each step: " + allocations);
      }
      long before = t.workspace().allocations();
      t.evaluate(byteImages(24), 8);
      assertEquals(before, t.workspace().allocations(), "evaluation with the training batch size reuses them");
    }
  }

  @Test
  void trainingDoesNotComputeTheFirstConvolutionsInputGradient() {
    Map<String, Integer> calls = new HashMap<>();
    try (Trainer t = trainer(model(), Passes.counting(kernels, calls), new Workspace())) {
      t.fit(byteImages(24), FitOptions.builder().epochs(1).batchSize(8).build());
    }
    assertEquals(6, calls.get("conv2dBackwardWeight"), "two convolutions, three steps");
    assertEquals(3, calls.get("conv2dBackwardInput"), "the second convolution's only");
  }
}
