package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.striate.io.ArchitectureJson;
import org.striate.io.ModelFile;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class ArchitecturesTest {
  @TempDir Path dir;

  static Stream<String> builtIns() {
    return Architectures.names().stream();
  }

  @Test
  void theBuiltInsAreListedInOrder() {
    assertEquals(List.of("mnist-convnet", "lenet5"), List.copyOf(Architectures.names()));
    assertTrue(Architectures.exists("lenet5"));
    assertTrue(!Architectures.exists("LeNet5"), "names are case-sensitive");
  }

  @Test
  void parameterCountsAreThoseOfTheReferenceModels() {
    // The Keras MNIST convnet example's model.summary() prints "Total params: 34,826".
    assertEquals(34_826, Architectures.byName("mnist-convnet").parameterCount());
    // LeNet-5: 6*(5*5*1) + 6, 16*(5*5*6) + 16, 400*120 + 120, 120*84 + 84, 84*10 + 10.
    assertEquals(156 + 2_416 + 48_120 + 10_164 + 850, Architectures.byName("lenet5").parameterCount());
    assertEquals(61_706, Architectures.lenet5().parameterCount());
  }

  @Test
  void outputShapesLayerByLayer() {
    assertEquals(List.of(Shape.of(26, 26, 32), Shape.of(13, 13, 32), Shape.of(11, 11, 64), Shape.of(5, 5, 64),
            Shape.of(1600), Shape.of(1600), Shape.of(10)),
        outputShapes(Architectures.mnistConvnet()));
    assertEquals(List.of(Shape.of(28, 28, 6), Shape.of(14, 14, 6), Shape.of(10, 10, 16), Shape.of(5, 5, 16),
            Shape.of(400), Shape.of(120), Shape.of(84), Shape.of(10)),
        outputShapes(Architectures.lenet5()));
  }

  @Test
  void layerTypesAndActivations() {
    assertEquals(List.of("Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D", "Flatten", "Dropout", "Dense"),
        types(Architectures.mnistConvnet()));
    Sequential m = Architectures.mnistConvnet();
    assertEquals(0.5, ((Dropout) m.layers().get(5)).rate());
    assertEquals(Activation.SOFTMAX, m.layers().get(6).activation());
    assertEquals(List.of("Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D", "Flatten", "Dense", "Dense", "Dense"),
        types(Architectures.lenet5()));
    assertEquals(Activation.LINEAR, Architectures.lenet5().layers().get(7).activation(), "lenet5 outputs logits");
  }

  @Test
  void receptiveFieldsOfTheMnistConvnet() {
    List<Summary.Row> rows = Summary.of(Architectures.mnistConvnet()).rows();
    // conv 3x3: r = 3; pool 2/2: r = 3 + 1, S = 2; conv 3x3: r = 4 + 2 * 2 = 8; pool 2/2: r = 8 + 1 * 2, S = 4.
    assertEquals(List.of(3, 4, 8, 10), rows.subList(0, 4).stream().map(Summary.Row::rfH).toList());
    assertEquals(List.of(1, 2, 2, 4), rows.subList(0, 4).stream().map(Summary.Row::strideH).toList());
    assertEquals(10, rows.get(3).rfW());
    assertEquals(4, rows.get(3).strideW());
    assertEquals(0, rows.get(3).padH());
    assertTrue(rows.get(4).global(), "after Flatten every unit sees the whole image");
    assertTrue(!rows.get(3).global());
  }

  @Test
  void receptiveFieldsOfLenet5() {
    List<Summary.Row> rows = Summary.of(Architectures.lenet5()).rows();
    // conv 5x5 pad 2: r = 5, P = 2; pool: r = 6, S = 2; conv 5x5: r = 6 + 4 * 2 = 14; pool: r = 14 + 2, S = 4.
    assertEquals(List.of(5, 6, 14, 16), rows.subList(0, 4).stream().map(Summary.Row::rfH).toList());
    assertEquals(4, rows.get(3).strideW());
    assertEquals(List.of(2, 2), List.of(rows.get(0).padH(), rows.get(3).padW()));
  }

  @Test
  void anUnknownNameListsTheBuiltIns() {
    assertEquals("model name must be one of [mnist-convnet, lenet5], got 'resnet'",
        assertThrows(IllegalArgumentException.class, () -> Architectures.byName("resnet")).getMessage());
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void roundTripsThroughTheArchitectureJson(String name) throws Exception {
    Sequential model = Architectures.byName(name);
    String json = ArchitectureJson.toJson(model);
    Model back = ArchitectureJson.fromJson(json, name);
    assertEquals(json, ArchitectureJson.toJson(back));
    // Both are freshly initialised from seed 0: the text must carry every setting that shapes the parameters.
    assertSamePredictions(model, back);
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void roundTripsThroughAModelFile(String name) throws Exception {
    Sequential model = Architectures.byName(name).initialize(7); // not seed 0, so loading must restore values
    Path file = dir.resolve(name + ".stz");
    ModelFile.save(model, file);
    Model loaded = ModelFile.load(file);
    assertEquals(ArchitectureJson.toJson(model), ArchitectureJson.toJson(loaded));
    for (int i = 0; i < model.parameters().size(); i++) {
      assertArrayEquals(bits(model.parameters().get(i).value()), bits(loaded.parameters().get(i).value()),
          "parameter " + i);
    }
    assertSamePredictions(model, loaded);
  }

  /**
   * End to end on a 2-image batch. 61,706 parameters are too many to nudge one by one (two forward passes each),
   * so the check samples 24 elements of the input and of each parameter tensor, always the first and the last.
   */
  @ParameterizedTest
  @MethodSource("builtIns")
  void gradientsMatchFiniteDifferences(String name) {
    GradientCheck.checkSampled(Architectures.byName(name), GradientCheck.random(Shape.of(2, 28, 28, 1), 5), 24);
  }

  private static void assertSamePredictions(Model expected, Model actual) {
    Tensor x = GradientCheck.random(expected.inputShape().withBatch(3), 11);
    try (Kernels kernels = new ScalarKernels(1)) {
      Tensor want = expected.predict(x, kernels, 2);
      assertArrayEquals(bits(want), bits(actual.predict(x, kernels, 2)));
    }
  }

  private static List<Shape> outputShapes(Sequential model) {
    return model.layers().stream().map(Layer::outputShape).toList();
  }

  private static List<String> types(Sequential model) {
    return model.layers().stream().map(Layer::type).toList();
  }

  private static int[] bits(Tensor t) {
    int[] out = new int[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.floatToRawIntBits(t.data()[i]);
    }
    return out;
  }
}
