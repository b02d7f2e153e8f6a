package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class FunctionalTest {

  /** input -> conv a -> (conv b, identity) -> add -> flatten -> dense: a residual block whose 'a' feeds two layers. */
  private static Functional residual() {
    Node input = Node.input(5, 5, 2);
    Node a = Conv2D.builder(3).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.TANH).name("a").build()
        .apply(input);
    Node b = Conv2D.builder(3).kernelSize(3, 3).padding(Padding.SAME).name("b").build().apply(a);
    Node sum = new Add().apply(a, b);
    return new Functional(input, new Dense(4).apply(new Flatten().apply(sum)));
  }

  @Test
  void gradientsOfABranchingGraphMatchFiniteDifferences() {
    GradientCheck.check(residual(), GradientCheck.random(Shape.of(2, 5, 5, 2), 3));
  }

  @Test
  void concatenatedBranchesToo() {
    Node input = Node.input(4, 4, 2);
    Node left = new Conv2D(3, 1).apply(input);
    Node right = Conv2D.builder(2).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.SIGMOID).build()
        .apply(input);
    Node joined = new Concatenate().apply(left, right, input);
    Functional m = new Functional(input, new GlobalAvgPool2D().apply(joined));
    assertEquals(Shape.of(7), m.outputShape());
    GradientCheck.check(m, GradientCheck.random(Shape.of(2, 4, 4, 2), 4));
  }

  @Test
  void aTensorReadTwiceGetsTheSumOfItsGradients() {
    // y = x + x: the input gradient must be twice the output gradient.
    Node input = Node.input(3);
    Layer add = new Add();
    Functional m = new Functional(input, add.apply(input, input));
    try (ScalarKernels k = new ScalarKernels(1)) {
      Context ctx = Context.training(k, 1);
      Tensor x = Tensor.of(Shape.of(1, 3), 1, 2, 3);
      assertArrayEquals(new float[] {2, 4, 6}, m.forward(x, ctx).data());
      Tensor g = m.backward(Tensor.of(Shape.of(1, 3), 1, -1, 0.5f), ctx);
      assertArrayEquals(new float[] {2, -2, 1}, g.data());
    }
  }

  @Test
  void gradientsOfATensorReadThreeTimesAddUpInReusedArraysAsInNewOnes() {
    // x feeds ReLU, Tanh and Add, and Add hands one gradient to all three of its inputs.
    Node input = Node.input(3, 3, 2);
    Node x = new Conv2D(2, 1).apply(input);
    Node sum = new Add().apply(x, new ReLU().apply(x), new Tanh().apply(x));
    Functional m = new Functional(input, new Dense(2).apply(new Flatten().apply(sum)));
    Tensor in = GradientCheck.random(Shape.of(2, 3, 3, 2), 8);
    Tensor g = GradientCheck.random(Shape.of(2, 2), 9);
    Workspace ws = Workspace.poisoned();
    try (ScalarKernels k = new ScalarKernels(1)) {
      Passes.Pass fresh = Passes.trainingPass(m, in, g, k, null, true, 1);
      Passes.trainingPass(m, in, g, k, ws, true, 1).assertSameAs(fresh, "first pass");
      Passes.trainingPass(m, in, g, k, ws, true, 1).assertSameAs(fresh, "second pass, arrays reused");
    }
  }

  @Test
  void layersAreInTopologicalOrderAndNamedLikeKeras() {
    Functional m = residual();
    List<String> names = m.layers().stream().map(Layer::name).toList();
    assertEquals(List.of("a", "b", "add", "flatten", "dense"), names);
    assertEquals(List.of("a", "b"), m.inboundNames(m.layer("add")));
    assertEquals(List.of("input"), m.inboundNames(m.layer("a")));
    assertEquals(List.of(), m.inboundLayers(m.layer("a")));
    assertEquals(m.layer("dense"), m.outputLayer());
  }

  @Test
  void initializationIsReproducibleAndSeeded() {
    Functional a = residual();
    Functional b = residual();
    assertArrayEquals(a.parameters().get(0).value().data(), b.parameters().get(0).value().data());
    b.initialize(5);
    float[] first = b.parameters().get(0).value().data().clone();
    assertEquals(false, java.util.Arrays.equals(a.parameters().get(0).value().data(), first));
    b.initialize(0);
    assertArrayEquals(a.parameters().get(0).value().data(), b.parameters().get(0).value().data());
  }

  @Test
  void summaryShowsConnectionsAndTheUnionOfReceptiveFields() {
    Functional m = residual();
    Summary s = Summary.of(m);
    // a sees 3, b sees 5; their sum sees the larger region, centred the same way.
    assertEquals(3, s.rows().get(0).rfH());
    assertEquals(5, s.rows().get(1).rfH());
    assertEquals(5, s.rows().get(2).rfH());
    assertEquals(2, s.rows().get(2).padH());
    String table = m.summary();
    assertEquals(true, table.contains("Connected to"), table);
    assertEquals(true, table.lines().anyMatch(l -> l.startsWith("add (Add)") && l.contains("a, b")), table);
  }

  @Test
  void stridesThatAgreeStayAlignedAndFlattenIsGlobal() {
    Node input = Node.input(8, 8, 1);
    Node strided = Conv2D.builder(2).kernelSize(3, 3).strides(2, 2).padding(Padding.SAME).build().apply(input);
    Node pooled = new MaxPool2D(2).apply(input);
    Node pooledTwice = Conv2D.builder(2).kernelSize(1, 1).build().apply(pooled);
    Node joined = new Add().apply(strided, pooledTwice);
    Summary aligned = Summary.of(new Functional(input, joined));
    assertEquals(ReceptiveField.Status.ALIGNED, aligned.rows().get(3).field().status());

    Node input2 = Node.input(8, 8, 1);
    Node s2 = Conv2D.builder(2).kernelSize(3, 3).strides(2, 2).build().apply(input2);
    Node s1 = new Flatten().apply(new Conv2D(2, 3).apply(input2));
    Node other = new Flatten().apply(s2);
    Summary global = Summary.of(new Functional(input2, new Concatenate().apply(other, s1)));
    assertEquals("global", global.rows().get(global.rows().size() - 1).field().describe());
  }

  @Test
  void branchesWithDifferentStridesAreNotAligned() {
    Node input = Node.input(8, 8, 1);
    Node strided = Conv2D.builder(2).kernelSize(1, 1).strides(2, 2).build().apply(input); // 4x4, stride 2
    Node wide = new Conv2D(2, 5).apply(input); // 4x4, stride 1
    Functional m = new Functional(input, new Add().apply(strided, wide));
    Summary.Row add = Summary.of(m).rows().get(2);
    assertEquals("not aligned", add.field().describe());
    assertEquals(true, m.summary().lines().anyMatch(l -> l.contains("not aligned")));
  }

  @Test
  void mismatchedStridesAreReportedAsNotAligned() {
    ReceptiveField a = new ReceptiveField(ReceptiveField.Status.ALIGNED, 3, 3, 1, 1, 1, 1);
    ReceptiveField b = new ReceptiveField(ReceptiveField.Status.ALIGNED, 3, 3, 2, 2, 1, 1);
    assertEquals("not aligned", ReceptiveField.union(List.of(a, b)).describe());
    ReceptiveField c = new ReceptiveField(ReceptiveField.Status.ALIGNED, 7, 7, 1, 1, 3, 3);
    ReceptiveField u = ReceptiveField.union(List.of(a, c));
    assertEquals(7, u.rH());
    assertEquals(3, u.padH());
    assertArrayEquals(new int[] {-3, 3, 7, 13}, u.region(0, 10));
  }

  @Test
  void badGraphsAreRejected() {
    Node input = Node.input(4);
    Node other = Node.input(4);
    Node sum = new Add().apply(input, other);
    assertEquals("Functional: the output depends on an input (4,) that is not the model's input; models have "
        + "exactly one input", assertThrows(IllegalArgumentException.class, () -> new Functional(input, sum))
        .getMessage());
    assertEquals("Functional: the output must come from a layer, got the model input",
        assertThrows(IllegalArgumentException.class, () -> new Functional(input, input)).getMessage());
    Dense dense = new Dense(2);
    Node out = dense.apply(input);
    assertEquals("layer Dense is already used in a model; a layer is applied once (weight sharing between two "
        + "places is not supported): create another layer",
        assertThrows(IllegalStateException.class, () -> dense.apply(out)).getMessage());
    assertEquals("Functional: the input must be a Node.input(...), got the output of layer Dense",
        assertThrows(IllegalArgumentException.class, () -> new Functional(out, out)).getMessage());
    assertEquals("Sequential: layer Add merges several inputs; use a Functional model",
        assertThrows(IllegalArgumentException.class, () -> new Sequential(Shape.of(3), new Add())).getMessage());
    assertEquals("Functional: the layer name 'input' is reserved for the model input",
        assertThrows(IllegalArgumentException.class,
            () -> new Functional(input, Dense.builder(2).name("input").build().apply(input))).getMessage());
  }
}
