package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.kernel.vector.VectorKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * A model's backward pass applies the derivative of a ReLU in the max pooling that alone reads it (see {@link
 * Context#poolingAppliesRelu}): the gradients are those of the layers run one by one, bit for bit.
 */
class ReluBeforePoolingTest {

  @Test
  void onlyUncappedReluReadByAMaxPoolingAloneIsApplied() {
    Conv2D conv = Conv2D.builder(4).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.RELU).build();
    MaxPool2D first = new MaxPool2D(2);
    ReLU relu = new ReLU();
    MaxPool2D second = new MaxPool2D(1);
    ReLU relu6 = new ReLU(6);
    MaxPool2D third = new MaxPool2D(1);
    Conv2D tanh = Conv2D.builder(4).kernelSize(1, 1).activation(Activation.TANH).build();
    MaxPool2D fourth = new MaxPool2D(2);
    Sequential m = new Sequential(Shape.of(8, 8, 2),
        conv, first, relu, second, relu6, third, tanh, fourth, new Flatten(), new Dense(3, Activation.RELU));
    assertEquals(Set.of(conv, relu), m.reluBeforePooling().rectifiers());
    assertEquals(Set.of(first, second), m.reluBeforePooling().pools());

    assertEquals(ReluBeforePooling.NONE, twoReaders().reluBeforePooling(), "a ReLU read by two layers");
  }

  @Test
  void aSequentialModelsGradientsAreThoseOfItsLayersOneByOne() {
    // 16 channels: the vector kernels route a whole vector per pixel (disjoint 2x2 windows) and, for the
    // overlapping 3x3 windows of stride 2, element by element.
    Sequential m = new Sequential(Shape.of(9, 9, 3),
        Conv2D.builder(16).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.RELU).build(),
        MaxPool2D.builder().poolSize(3, 3).strides(2, 2).build(),
        Conv2D.builder(16).kernelSize(2, 2).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        new Flatten(),
        new Dense(5));
    m.initialize(11);
    Tensor x = GradientCheck.random(Shape.of(4, 9, 9, 3), 12);
    Tensor g = GradientCheck.random(Shape.of(4, 5), 13);
    assertEquals(2, m.reluBeforePooling().pools().size());
    for (Kernels k : List.of(new ScalarKernels(1), new ScalarKernels(3), new VectorKernels(1), new VectorKernels(2))) {
      try (k) {
        Passes.Pass oneByOne = layerByLayer(m, x, g, k);
        Map<String, Integer> calls = new HashMap<>();
        Passes.Pass model = Passes.trainingPass(m, x, g, Passes.counting(k, calls), Workspace.poisoned(), true, 1);
        model.assertSameAs(oneByOne, k + ", the input gradient too");
        assertNull(calls.get("pointwiseBackward"), "the ReLUs' own passes are left out");
        Passes.trainingPass(m, x, g, k, new Workspace(), false, 1)
            .assertSameAs(oneByOne, k + ", the first convolution's weight gradient fused with its ReLU's");
      }
    }
  }

  /**
   * With the vector kernels, 32 and 16 channels and disjoint 2x2 windows: each convolution is pooled as it is
   * computed, and the first one's weight gradient takes the pooling's gradient straight in (the second's input
   * gradient is needed, so its pooling's backward runs); outputs and gradients are those of the layers one by one.
   */
  @Test
  void convolutionsArePooledAsTheyAreComputedAndTheFirstTakesThePoolingsGradient() {
    Sequential sequential = new Sequential(Shape.of(10, 9, 2),
        Conv2D.builder(32).kernelSize(3, 3).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        Conv2D.builder(16).kernelSize(2, 2).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        new Flatten(),
        new Dense(5));
    Node input = Node.input(10, 9, 2);
    Node a = Conv2D.builder(32).kernelSize(3, 3).activation(Activation.RELU).build().apply(input);
    Node b = new MaxPool2D(2).apply(a);
    Node c = Conv2D.builder(16).kernelSize(2, 2).activation(Activation.RELU).build().apply(b);
    Node d = new MaxPool2D(2).apply(c);
    Functional functional = new Functional(input, new Dense(5).apply(new Flatten().apply(d)));
    Tensor x = GradientCheck.random(Shape.of(3, 10, 9, 2), 32);
    Tensor g = GradientCheck.random(Shape.of(3, 5), 33);
    for (Model m : List.of(sequential, functional)) {
      m.initialize(31);
      for (Kernels k : List.of(new ScalarKernels(2), new VectorKernels(1), new VectorKernels(2))) {
        try (k) {
          String what = m.getClass().getSimpleName() + " on " + k;
          boolean fuses = k instanceof VectorKernels;
          Passes.Pass oneByOne = layerByLayer(m, x, g, k);
          Map<String, Integer> calls = new HashMap<>();
          Passes.trainingPass(m, x, g, Passes.counting(k, calls), Workspace.poisoned(), false, 1)
              .assertSameAs(oneByOne, what + ", parameter gradients only");
          assertEquals(fuses ? 2 : null, calls.get("conv2dForwardMaxPool"), what + ": pooled as computed");
          assertEquals(fuses ? null : 2, calls.get("conv2dForward"), what + ": convolutions alone");
          assertEquals(fuses ? 1 : null, calls.get("conv2dBackwardWeightThroughMaxPool"), what);
          assertEquals(fuses ? 1 : 2, calls.get("maxPool2dBackward"), what + ": pooling backward passes");
          calls.clear();
          Passes.trainingPass(m, x, g, Passes.counting(k, calls), Workspace.poisoned(), true, 1)
              .assertSameAs(oneByOne, what + ", the input gradient too");
          assertNull(calls.get("conv2dBackwardWeightThroughMaxPool"), what + ": the input gradient needs the output's");
          assertArrayEquals(oneByOne.output(), Passes.inferencePass(m, x, k, new Workspace()), what + ": inference");
          List<Layer> observed = new ArrayList<>();
          m.forward(x, Context.inference(k), (layer, y) -> observed.add(layer));
          assertEquals(m.layers(), observed, what + ": an observer sees every layer's output");
        }
      }
    }
  }

  @Test
  void aReluWithTwoReadersKeepsItsOwnGradient() {
    Functional m = twoReaders();
    m.initialize(21);
    Tensor x = GradientCheck.random(Shape.of(3, 4, 4, 2), 22);
    Tensor g = GradientCheck.random(Shape.of(3, 3), 23);
    try (Kernels k = new ScalarKernels(1)) {
      Context ctx = Context.training(k, 1);
      Layer conv = m.layer("conv");
      Tensor a = conv.forward(x, ctx);
      Tensor pooled = m.layer("pool").forward(a, ctx);
      Tensor strided = m.layer("strided").forward(a, ctx);
      Tensor sum = m.layer("sum").forward(List.of(pooled, strided), ctx);
      Tensor flat = m.layer("flatten").forward(sum, ctx);
      Tensor out = m.layer("dense").forward(flat, ctx);
      List<Tensor> gradSum = m.layer("sum").backwardInputs(
          m.layer("flatten").backward(m.layer("dense").backward(g, ctx), ctx), ctx);
      float[] viaPool = m.layer("pool").backward(gradSum.get(0), ctx).data();
      float[] viaStrided = m.layer("strided").backward(gradSum.get(1), ctx).data();
      Tensor gradA = Tensor.zeros(a.shape());
      for (int i = 0; i < viaPool.length; i++) {
        gradA.data()[i] = viaPool[i] + viaStrided[i];
      }
      Tensor gradX = conv.backward(gradA, ctx);
      Passes.Pass oneByOne = new Passes.Pass(
          Passes.bits(List.of(out)), Passes.bits(List.of(gradX)), Passes.bits(gradients(m)));
      m.parameters().forEach(Parameter::zeroGrad);
      Passes.trainingPass(m, x, g, k, null, true, 1).assertSameAs(oneByOne, "a ReLU read by two layers");
    }
  }

  /** A ReLU convolution read by a max pooling and by a strided convolution, whose outputs are added. */
  private static Functional twoReaders() {
    Node input = Node.input(4, 4, 2);
    Node a = Conv2D.builder(3).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.RELU).name("conv").build()
        .apply(input);
    Node pooled = MaxPool2D.builder().name("pool").build().apply(a);
    Node strided = Conv2D.builder(3).kernelSize(2, 2).strides(2, 2).name("strided").build().apply(a);
    Node sum = new Add("sum").apply(pooled, strided);
    Node flat = new Flatten("flatten").apply(sum);
    return new Functional(input, Dense.builder(3).name("dense").build().apply(flat));
  }

  /**
   * The output, input gradient and parameter gradients of {@code m}'s layers, a chain, run one by one on one
   * context.
   */
  private static Passes.Pass layerByLayer(Model m, Tensor x, Tensor g, Kernels k) {
    Context ctx = Context.training(k, 1);
    Tensor out = x;
    for (Layer layer : m.layers()) {
      out = layer.forward(out, ctx);
    }
    Tensor grad = g;
    for (int i = m.layers().size() - 1; i >= 0; i--) {
      grad = m.layers().get(i).backward(grad, ctx);
    }
    Passes.Pass pass =
        new Passes.Pass(Passes.bits(List.of(out)), Passes.bits(List.of(grad)), Passes.bits(gradients(m)));
    m.parameters().forEach(Parameter::zeroGrad);
    return pass;
  }

  private static List<Tensor> gradients(Model m) {
    List<Tensor> grads = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      grads.add(p.grad());
    }
    return grads;
  }
}
