package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/** What {@link Model} adds to its subclasses: predict with a workspace, and backward without the input gradient. */
class ModelTest {

  private static Sequential twoConvolutions() {
    return new Sequential(Shape.of(6, 6, 2),
        Conv2D.builder(3).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        Conv2D.builder(4).kernelSize(2, 2).activation(Activation.TANH).build(),
        new Flatten(),
        new Dense(3));
  }

  @Test
  void predictWithAWorkspaceMatchesAFreshPredictAndIsNotOverwrittenByTheNext() {
    Sequential m = twoConvolutions();
    Tensor x1 = GradientCheck.random(Shape.of(5, 6, 6, 2), 1);
    Tensor x2 = GradientCheck.random(Shape.of(5, 6, 6, 2), 2);
    Workspace ws = Workspace.poisoned();
    try (Kernels k = new ScalarKernels(2)) {
      Tensor first = m.predict(x1, k, 2, ws);
      int[] firstBits = Passes.bits(List.of(first));
      Tensor second = m.predict(x2, k, 2, ws);
      assertNotSame(first.data(), second.data());
      assertArrayEquals(firstBits, Passes.bits(List.of(first)), "the first result after a second predict");
      assertArrayEquals(firstBits, Passes.bits(List.of(m.predict(x1, k, 2))), "predict without a given workspace");
      assertArrayEquals(Passes.bits(List.of(m.predict(x2, k, 2))), Passes.bits(List.of(second)));
    }
  }

  @Test
  void withoutTheInputGradientTheFirstConvolutionSkipsItsInputGradientAndTheParametersGetTheSameGradients() {
    Sequential m = twoConvolutions();
    Tensor x = GradientCheck.random(Shape.of(3, 6, 6, 2), 3);
    Tensor g = GradientCheck.random(Shape.of(3, 3), 4);
    Map<String, Integer> full = new HashMap<>();
    Map<String, Integer> training = new HashMap<>();
    try (Kernels k = new ScalarKernels(1)) {
      Passes.Pass withInputGradient = Passes.trainingPass(m, x, g, Passes.counting(k, full), null, true, 5);
      Passes.trainingPass(m, x, g, Passes.counting(k, training), new Workspace(), false, 5)
          .assertSameAs(withInputGradient, "without the input gradient");
    }
    assertEquals(2, full.get("conv2dBackwardInput"));
    assertEquals(1, training.get("conv2dBackwardInput"), "only the second convolution's input gradient is needed");
    assertEquals(full.get("conv2dBackwardWeight"), training.get("conv2dBackwardWeight"));
  }

  @Test
  void parameterFreeLayersBeforeTheFirstThatLearnsAreSkipped() {
    ZeroPadding2D pad = new ZeroPadding2D(1, 1, 1, 1, null);
    ReLU relu = new ReLU();
    Conv2D conv = new Conv2D(2, 3);
    Dense dense = new Dense(2);
    Sequential m = new Sequential(Shape.of(4, 4, 1), pad, relu, conv, new Flatten(), dense);
    assertEquals(Set.of(pad, relu, conv), m.layersWithoutInputGradient());
    Map<String, Integer> calls = new HashMap<>();
    try (Kernels k = new ScalarKernels(1)) {
      Context ctx = Context.training(Passes.counting(k, calls), 1);
      m.forward(GradientCheck.random(Shape.of(2, 4, 4, 1), 1), ctx);
      assertNull(m.backward(GradientCheck.random(Shape.of(2, 2), 2), ctx, false));
    }
    assertEquals(null, calls.get("conv2dBackwardInput"));
    assertEquals(null, calls.get("pointwiseBackward"), "the ReLU's backward is not run");
    assertEquals(1, calls.get("conv2dBackwardWeight"));
  }

  @Test
  void inAGraphEveryLayerThatReadsOnlyTheInputSkipsItsInputGradient() {
    Node input = Node.input(4, 4, 2);
    Conv2D a = Conv2D.builder(2).kernelSize(1, 1).name("a").build();
    ReLU b = new ReLU("b");
    Conv2D c = Conv2D.builder(2).kernelSize(3, 3).padding(Padding.SAME).name("c").build();
    Node sum = new Add().apply(a.apply(input), b.apply(input), c.apply(input));
    Functional m = new Functional(input, new Dense(3).apply(new Flatten().apply(sum)));
    assertEquals(Set.of(a, b, c), m.layersWithoutInputGradient());
    Tensor x = GradientCheck.random(Shape.of(2, 4, 4, 2), 6);
    Tensor g = GradientCheck.random(Shape.of(2, 3), 7);
    Map<String, Integer> full = new HashMap<>();
    Map<String, Integer> training = new HashMap<>();
    try (Kernels k = new ScalarKernels(1)) {
      Passes.Pass withInputGradient = Passes.trainingPass(m, x, g, Passes.counting(k, full), null, true, 1);
      Passes.trainingPass(m, x, g, Passes.counting(k, training), Workspace.poisoned(), false, 1)
          .assertSameAs(withInputGradient, "without the input gradient");
    }
    assertEquals(2, full.get("conv2dBackwardInput"));
    assertEquals(null, training.get("conv2dBackwardInput"));
  }

  /**
   * One model serving predictions from several threads at once, through one shared (vector) kernels object,
   * gives every thread exactly the answers a lone caller gets: layers keep nothing per call.
   */
  @Test
  void predictFromManyThreadsAtOnceMatchesSequentialPredictions() throws Exception {
    Model model = Architectures.lenet5().initialize(3);
    int threads = 4;
    List<Tensor> inputs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      inputs.add(GradientCheck.random(Shape.of(5, 28, 28, 1), 100 + t));
    }
    try (Kernels kernels = Kernels.create(2)) {
      List<float[]> expected = new ArrayList<>();
      for (Tensor x : inputs) {
        expected.add(model.predict(x, kernels, 2).data());
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<float[]>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Tensor x = inputs.get(t);
          futures.add(pool.submit(() -> {
            start.await();
            List<float[]> outs = new ArrayList<>();
            for (int repeat = 0; repeat < 20; repeat++) {
              outs.add(model.predict(x, kernels, repeat % 3 + 1).data());
            }
            return outs;
          }));
        }
        start.countDown();
        for (int t = 0; t < threads; t++) {
          for (float[] out : futures.get(t).get()) {
            assertArrayEquals(expected.get(t), out, "thread " + t);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
