package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.nn.Dense;
import org.striate.nn.GradientCheck;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.MergeLayer;
import org.striate.nn.Model;
import org.striate.nn.Passes;
import org.striate.nn.Sequential;
import org.striate.nn.Workspace;
import org.striate.tensor.Tensor;

/**
 * Every registered layer type, in the models of {@link LayerRoundTripTest}, computes the same outputs and
 * gradients with arrays reused from a {@link Workspace#poisoned() poisoned} workspace as with new arrays: no layer
 * reads an element of its outputs before writing it, or accumulates into an array it did not ask to be zeroed.
 * Without the input gradient, the parameter gradients stay the same.
 */
class LayerBufferReuseTest {

  /** The model of {@link LayerRoundTripTest} around {@code type}'s representative, parameters from seed 7. */
  private static Model model(String type) {
    Layer layer = Layers.fromConfig(LayerRoundTripTest.REPRESENTATIVES.get(type));
    return layer instanceof MergeLayer
        ? LayerRoundTripTest.merged(layer).initialize(7)
        : new Sequential(LayerRoundTripTest.INPUT, layer, Dense.builder(3).name("head").build()).initialize(7);
  }

  @ParameterizedTest
  @MethodSource("org.striate.io.LayerRoundTripTest#types")
  void reusedArraysGiveWhatNewArraysGive(String type) {
    Model fresh = model(type);
    Model reused = model(type); // the same model, so that state moved by training passes moves alike
    Tensor x = GradientCheck.random(LayerRoundTripTest.INPUT.withBatch(3), 11);
    Tensor g = GradientCheck.random(fresh.outputShape().withBatch(3), 12);
    Workspace ws = Workspace.poisoned();
    try (Kernels k = new ScalarKernels(2)) {
      for (int pass = 1; pass <= 2; pass++) {
        Passes.trainingPass(reused, x, g, k, ws, true, pass)
            .assertSameAs(Passes.trainingPass(fresh, x, g, k, null, true, pass), type + ", training pass " + pass);
        Passes.trainingPass(reused, x, g, k, ws, false, pass)
            .assertSameAs(Passes.trainingPass(fresh, x, g, k, null, true, pass), type + ", without input gradient");
        assertArrayEquals(Passes.inferencePass(fresh, x, k, null), Passes.inferencePass(reused, x, k, ws),
            type + ", inference pass " + pass);
      }
    }
  }
}
