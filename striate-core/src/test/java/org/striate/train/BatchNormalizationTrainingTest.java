package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Dataset;
import org.striate.io.ModelFile;
import org.striate.kernel.ScalarKernels;
import org.striate.loss.CrossEntropy;
import org.striate.nn.Activation;
import org.striate.nn.BatchNormalization;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.GradientCheck;
import org.striate.nn.Model;
import org.striate.nn.Parameter;
import org.striate.nn.Sequential;
import org.striate.optim.Optimizer;
import org.striate.optim.SGD;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Batch normalisation under {@link Trainer}: its moving averages follow the training batches (and nothing else),
 * the optimizer never sees them, and a model file keeps them.
 */
class BatchNormalizationTrainingTest {
  private static final int N = 20;
  private static final int BATCH = 8;
  private static final int EPOCHS = 2;
  private static final double MOMENTUM = 0.8;
  private static final Shape EXAMPLE = Shape.of(3, 3, 2);

  @TempDir Path dir;

  /** Batch normalisation first, so that its batches are the data themselves, which training does not change. */
  private static Sequential model() {
    return new Sequential(EXAMPLE, BatchNormalization.builder().name("bn").momentum(MOMENTUM).build(), new Flatten(),
        new Dense(3, Activation.SOFTMAX));
  }

  /** Channel 0 around 2, channel 1 around -1 with a larger spread: statistics far from the initial 0 and 1. */
  private static Tensor inputs(int n, long seed) {
    Tensor x = GradientCheck.random(EXAMPLE.withBatch(n), seed);
    float[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = i % 2 == 0 ? 2 + d[i] : -1 + 3 * d[i];
    }
    return x;
  }

  private static Dataset data(Tensor inputs) {
    int n = inputs.shape().dim(0);
    return Dataset.ofLabels(inputs, IntStream.range(0, n).map(i -> i % 3).toArray(), 3);
  }

  /** SGD that remembers every parameter it was given. */
  private static final class Recording implements Optimizer {
    final SGD sgd = SGD.builder().learningRate(0.1).build();
    final Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    @Override
    public String name() {
      return sgd.name();
    }

    @Override
    public double learningRate() {
      return sgd.learningRate();
    }

    @Override
    public void step(List<Parameter> parameters) {
      seen.addAll(parameters);
      sgd.step(parameters);
    }

    @Override
    public Map<String, Object> config() {
      return sgd.config();
    }
  }

  private static float[] state(Model model, int index) {
    return model.layer("bn").parameters().get(index).value().data();
  }

  @Test
  void movingAveragesFollowTheTrainingBatchesOnlyAndTheOptimizerNeverSeesThem() throws Exception {
    Tensor x = inputs(N, 1);
    Sequential model = model();
    Recording optimizer = new Recording();
    try (ScalarKernels kernels = new ScalarKernels(1);
        Trainer trainer = Trainer.builder().model(model).optimizer(optimizer).loss(new CrossEntropy())
            .kernels(kernels).seed(3).build()) {
      FitOptions options = FitOptions.builder().epochs(EPOCHS).batchSize(BATCH).shuffle(false)
          .validationData(data(inputs(6, 2))).build();
      trainer.fit(data(x), options);

      double[][] expected = expectedMovingAverages(x);
      for (int c = 0; c < 2; c++) {
        assertEquals(expected[0][c], state(model, 2)[c], 1e-5, "moving_mean of channel " + c);
        assertEquals(expected[1][c], state(model, 3)[c], 1e-5, "moving_variance of channel " + c);
      }
      Set<Parameter> trainable = Collections.newSetFromMap(new IdentityHashMap<>());
      trainable.addAll(model.trainableParameters());
      assertEquals(trainable, optimizer.seen);
      assertFalse(optimizer.seen.contains(model.layer("bn").parameters().get(2)));
      assertFalse(optimizer.seen.contains(model.layer("bn").parameters().get(3)));

      float[] mean = state(model, 2).clone();
      float[] variance = state(model, 3).clone();
      trainer.evaluate(data(x), 5);
      trainer.predict(x, 7);
      assertArrayEquals(mean, state(model, 2), "evaluate and predict leave the moving mean alone");
      assertArrayEquals(variance, state(model, 3), "evaluate and predict leave the moving variance alone");

      Path file = dir.resolve("bn.stz");
      ModelFile.save(model, file);
      Model loaded = ModelFile.load(file);
      assertArrayEquals(mean, state(loaded, 2));
      assertArrayEquals(variance, state(loaded, 3));
      assertFalse(loaded.layer("bn").parameters().get(3).trainable());
      assertArrayEquals(model.predict(x, kernels, 4).data(), loaded.predict(x, kernels, 4).data());
    }
  }

  /**
   * The moving mean and variance after {@link #EPOCHS} epochs of unshuffled batches of {@link #BATCH} examples,
   * computed here in double: per channel, {@code moving = momentum * moving + (1 - momentum) * statistic}, with
   * the unbiased batch variance.
   */
  private static double[][] expectedMovingAverages(Tensor x) {
    double[] mean = {0, 0};
    double[] variance = {1, 1};
    int perExample = EXAMPLE.size();
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      for (int start = 0; start < N; start += BATCH) {
        int end = Math.min(N, start + BATCH);
        for (int c = 0; c < 2; c++) {
          double sum = 0;
          int m = 0;
          for (int i = start * perExample + c; i < end * perExample; i += 2, m++) {
            sum += x.data()[i];
          }
          double batchMean = sum / m;
          double squares = 0;
          for (int i = start * perExample + c; i < end * perExample; i += 2) {
            squares += (x.data()[i] - batchMean) * (x.data()[i] - batchMean);
          }
          mean[c] = MOMENTUM * mean[c] + (1 - MOMENTUM) * batchMean;
          variance[c] = MOMENTUM * variance[c] + (1 - MOMENTUM) * squares / (m - 1);
        }
      }
    }
    return new double[][] {mean, variance};
  }
}
