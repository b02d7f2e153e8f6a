package org.striate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.kernel.vector.VectorKernels;
import org.striate.nn.Context;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.Parameter;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Every layer fixture under {@code fixtures/layers/} (see {@code tools/README.md}): the layer built from the
 * fixture's config, with the fixture's parameters, must reproduce PyTorch's output, input gradient and
 * parameter gradients within {@link Fixture#LAYER_TOLERANCE} ({@code 1e-5 + 1e-4 |expected|}), on the scalar
 * kernels and on the vector kernels. Where a fixture has them, {@code "training": false} runs the layer as at inference (with gradients),
 * and {@code "state_after"} holds the non-trainable parameters after the pass (batch normalisation's moving
 * averages), compared within {@link Fixture#OPTIMIZER_TOLERANCE}.
 */
class TorchLayerParityTest {

  @Test
  void fixturesArePresent() {
    // A missing resource directory or an emptied one must not pass as "no differences".
    assertTrue(Fixture.all("layers").size() >= 30, "expected at least 30 layer fixtures");
  }

  @Test
  void everyLayerTypeButDropoutHasAFixture() {
    TreeSet<String> covered = new TreeSet<>();
    for (Fixture f : Fixture.all("layers")) {
      covered.add(f.get("layer").get("type").asText());
    }
    // Dropout's masks are random, so PyTorch cannot give the same output; DropoutTest checks rate and scaling.
    covered.add("Dropout");
    assertEquals(new TreeSet<>(Layers.types()), covered, "layer types with a PyTorch fixture");
  }

  @TestFactory
  Stream<DynamicTest> layerMatchesPyTorch() {
    return Fixture.all("layers").stream()
        .map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f, new ScalarKernels(1))));
  }

  /** The same fixtures on the vector kernels (two threads), which every model runs on by default. */
  @TestFactory
  Stream<DynamicTest> layerMatchesPyTorchOnTheVectorKernels() {
    return Fixture.all("layers").stream()
        .map(f -> DynamicTest.dynamicTest(f.name() + " (vector)", () -> check(f, new VectorKernels(2))));
  }

  private static void check(Fixture f, Kernels chosen) {
    Map<String, Object> config = Fixture.config(f.get("layer"));
    // Merge layers' fixtures list their inputs ("inputs", "grad_inputs"); the others have one ("input").
    boolean merge = f.has("inputs");
    List<Tensor> inputs = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (JsonNode node : merge ? f.get("inputs") : List.of(f.get("input"))) {
      inputs.add(Fixture.tensor(node));
      shapes.add(inputs.get(inputs.size() - 1).shape().dropFirst());
    }
    Layer layer = Layers.fromConfig(config);
    layer.build(shapes, new SplittableRandom(0));
    copyParameters(f.name(), f.get("params"), layer);
    boolean training = !f.has("training") || f.get("training").booleanValue();
    try (Kernels kernels = chosen) {
      Context ctx = training ? Context.training(kernels, 1) : Context.inferenceWithGradients(kernels);
      Tensor output = layer.forward(inputs, ctx);
      f.assertClose("output", Fixture.tensor(f.get("output")), output, Fixture.LAYER_TOLERANCE);
      List<Tensor> gradInputs = layer.backwardInputs(Fixture.tensor(f.get("grad_output")), ctx);
      assertEquals(inputs.size(), gradInputs.size(), f.name() + ": one input gradient per input");
      for (int i = 0; i < gradInputs.size(); i++) {
        JsonNode expected = merge ? f.get("grad_inputs").get(i) : f.get("grad_input");
        f.assertClose(merge ? "grad_inputs[" + i + "]" : "grad_input", Fixture.tensor(expected), gradInputs.get(i),
            Fixture.LAYER_TOLERANCE);
      }
      JsonNode gradParams = f.get("grad_params");
      TreeSet<String> trainable = new TreeSet<>();
      for (Parameter p : layer.parameters()) {
        if (p.trainable()) {
          trainable.add(p.name());
          f.assertClose("grad of " + p.name(), Fixture.tensor(gradParams.get(p.name())), p.grad(),
              Fixture.LAYER_TOLERANCE);
        }
      }
      assertEquals(trainable, Fixture.fieldNames(gradParams), f.name() + ": parameters with a gradient");
      if (f.has("state_after")) {
        checkState(f, f.get("state_after"), layer);
      }
    }
  }

  /** The non-trainable parameters after the pass: exactly those {@code state} names, with its values. */
  private static void checkState(Fixture f, JsonNode state, Layer layer) {
    TreeSet<String> names = new TreeSet<>();
    for (Parameter p : layer.parameters()) {
      if (!p.trainable()) {
        names.add(p.name());
        f.assertClose(p.name() + " after the pass", Fixture.tensor(state.get(p.name())), p.value(),
            Fixture.OPTIMIZER_TOLERANCE);
      }
    }
    assertEquals(names, Fixture.fieldNames(state), f.name() + ": non-trainable parameters in state_after");
  }

  /**
   * Overwrites the layer's initial parameters with {@code params} (parameter name to tensor), which must name
   * exactly the same set with the same shapes; {@code where} starts the failure messages.
   */
  static void copyParameters(String where, JsonNode params, Layer layer) {
    List<String> names = new ArrayList<>();
    for (Parameter p : layer.parameters()) {
      names.add(p.name());
      JsonNode node = params.get(p.name());
      if (node == null) {
        fail(where + ": the layer has parameter '" + p.name() + "' but the fixture does not");
      }
      Tensor value = Fixture.tensor(node);
      assertEquals(value.shape(), p.shape(), where + ": shape of parameter '" + p.name() + "'");
      System.arraycopy(value.data(), 0, p.value().data(), 0, value.size());
    }
    assertEquals(Fixture.fieldNames(params), new TreeSet<>(names), where + ": parameter names");
  }
}
