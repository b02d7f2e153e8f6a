package org.striate.io;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.striate.kernel.Kernels;
import org.striate.kernel.ScalarKernels;
import org.striate.nn.Dense;
import org.striate.nn.GradientCheck;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Every registered layer type, with one representative config that sets its options away from their defaults,
 * survives a config round trip and a model file round trip with bit-identical parameters and predictions. A type
 * added to {@link Layers} without a representative here fails the test.
 */
class LayerRoundTripTest {
  private static final Shape INPUT = Shape.of(7, 6, 4);
  private static final Map<String, Map<String, Object>> REPRESENTATIVES = Map.ofEntries(
      entry("AvgPool2D", Map.of("type", "AvgPool2D", "name", "under_test", "pool_size", List.of(2, 3),
          "strides", List.of(1, 2), "padding", "same", "count_include_pad", false)),
      entry("Conv2D", Map.ofEntries(entry("type", "Conv2D"), entry("name", "under_test"), entry("filters", 6),
          entry("kernel_size", List.of(3, 2)), entry("strides", List.of(2, 1)), entry("padding", List.of(1, 0, 0, 1)),
          entry("dilation_rate", List.of(1, 2)), entry("groups", 2), entry("use_bias", true),
          entry("activation", "tanh"), entry("kernel_initializer", "he_uniform"), entry("bias_initializer", "ones"))),
      entry("Conv2DTranspose", Map.ofEntries(entry("type", "Conv2DTranspose"), entry("name", "under_test"),
          entry("filters", 6), entry("kernel_size", List.of(3, 2)), entry("strides", List.of(2, 1)),
          entry("padding", List.of(1, 0, 0, 1)), entry("output_padding", List.of(1, 0)),
          entry("dilation_rate", List.of(1, 2)), entry("groups", 2), entry("use_bias", true),
          entry("activation", "sigmoid"), entry("kernel_initializer", "glorot_normal"),
          entry("bias_initializer", "ones"))),
      entry("Dense", Map.of("type", "Dense", "name", "under_test", "units", 5, "activation", "sigmoid",
          "use_bias", false, "kernel_initializer", "glorot_normal")),
      entry("Dropout", Map.of("type", "Dropout", "name", "under_test", "rate", 0.25)),
      entry("Flatten", Map.of("type", "Flatten", "name", "under_test")),
      entry("GlobalAvgPool2D", Map.of("type", "GlobalAvgPool2D", "name", "under_test")),
      entry("GlobalMaxPool2D", Map.of("type", "GlobalMaxPool2D", "name", "under_test")),
      entry("LeakyReLU", Map.of("type", "LeakyReLU", "name", "under_test", "negative_slope", 0.05)),
      entry("MaxPool2D", Map.of("type", "MaxPool2D", "name", "under_test", "pool_size", List.of(3, 2),
          "strides", List.of(2, 1), "padding", List.of(1, 1, 0, 1), "dilation_rate", List.of(1, 2))),
      entry("ReLU", Map.of("type", "ReLU", "name", "under_test")),
      entry("Sigmoid", Map.of("type", "Sigmoid", "name", "under_test")),
      entry("Softmax", Map.of("type", "Softmax", "name", "under_test")),
      entry("Tanh", Map.of("type", "Tanh", "name", "under_test")));

  @TempDir Path dir;

  static Stream<String> types() {
    return Layers.types().stream();
  }

  @Test
  void everyRegisteredTypeHasARepresentative() {
    assertEquals(new TreeSet<>(Layers.types()), new TreeSet<>(REPRESENTATIVES.keySet()));
  }

  @ParameterizedTest
  @MethodSource("types")
  void configAndModelFileRoundTrip(String type) throws Exception {
    Map<String, Object> representative = REPRESENTATIVES.get(type);
    if (representative == null) {
      fail("layer type " + type + " has no representative config in LayerRoundTripTest; add one");
    }
    Layer layer = Layers.fromConfig(representative);
    assertEquals(type, layer.type());
    Map<String, Object> config = layer.config();
    representative.forEach((key, value) -> assertEquals(value, config.get(key), type + ": setting " + key));
    assertEquals(config, Layers.fromConfig(config).config(), type + ": config of the rebuilt layer");

    // Parameters from seed 7, not the seed 0 a freshly built model gets, so loading must restore them.
    Sequential model = new Sequential(INPUT, layer, Dense.builder(3).name("head").build()).initialize(7);
    Path file = dir.resolve(type + ".stz");
    ModelFile.save(model, file);
    Sequential loaded = ModelFile.load(file);
    assertEquals(config, loaded.layer("under_test").config(), type + ": config after loading");
    assertEquals(model.parameters().size(), loaded.parameters().size());
    for (int i = 0; i < model.parameters().size(); i++) {
      assertArrayEquals(bits(model.parameters().get(i).value()), bits(loaded.parameters().get(i).value()),
          type + ": parameter " + i);
    }
    Tensor x = GradientCheck.random(INPUT.withBatch(3), 11);
    try (Kernels kernels = new ScalarKernels(1)) {
      assertArrayEquals(bits(model.predict(x, kernels, 2)), bits(loaded.predict(x, kernels, 2)),
          type + ": predictions");
    }
  }

  private static int[] bits(Tensor t) {
    int[] out = new int[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.floatToRawIntBits(t.data()[i]);
    }
    return out;
  }
}
