package org.striate.io;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Arrays;
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
import org.striate.nn.Conv2D;
import org.striate.nn.Context;
import org.striate.nn.Dense;
import org.striate.nn.Functional;
import org.striate.nn.GradientCheck;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.MergeLayer;
import org.striate.nn.Model;
import org.striate.nn.Node;
import org.striate.nn.Parameter;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Every registered layer type, with one representative config that sets its options away from their defaults,
 * survives a config round trip and a model file round trip with bit-identical parameters and predictions. A type
 * added to {@link Layers} without a representative here fails the test.
 */
class LayerRoundTripTest {
  static final Shape INPUT = Shape.of(7, 6, 4);
  static final Map<String, Map<String, Object>> REPRESENTATIVES = Map.ofEntries(
      entry("Add", Map.of("type", "Add", "name", "under_test")),
      entry("Concatenate", Map.of("type", "Concatenate", "name", "under_test", "axis", 1)),
      entry("AvgPool2D", Map.of("type", "AvgPool2D", "name", "under_test", "pool_size", List.of(2, 3),
          "strides", List.of(1, 2), "padding", "same", "count_include_pad", false)),
      entry("BatchNormalization", Map.ofEntries(entry("type", "BatchNormalization"), entry("name", "under_test"),
          entry("momentum", 0.9), entry("epsilon", 0.01), entry("center", true), entry("scale", false),
          entry("beta_initializer", "glorot_uniform"), entry("gamma_initializer", "zeros"),
          entry("moving_mean_initializer", "ones"), entry("moving_variance_initializer", "zeros"))),
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
      entry("DepthwiseConv2D", Map.ofEntries(entry("type", "DepthwiseConv2D"), entry("name", "under_test"),
          entry("kernel_size", List.of(3, 2)), entry("strides", List.of(2, 1)), entry("padding", List.of(1, 0, 0, 1)),
          entry("depth_multiplier", 2), entry("dilation_rate", List.of(1, 2)), entry("activation", "tanh"),
          entry("use_bias", true), entry("depthwise_initializer", "he_uniform"), entry("bias_initializer", "ones"))),
      entry("Dropout", Map.of("type", "Dropout", "name", "under_test", "rate", 0.25)),
      entry("Flatten", Map.of("type", "Flatten", "name", "under_test")),
      entry("GlobalAvgPool2D", Map.of("type", "GlobalAvgPool2D", "name", "under_test")),
      entry("GlobalMaxPool2D", Map.of("type", "GlobalMaxPool2D", "name", "under_test")),
      entry("LeakyReLU", Map.of("type", "LeakyReLU", "name", "under_test", "negative_slope", 0.05)),
      entry("MaxPool2D", Map.of("type", "MaxPool2D", "name", "under_test", "pool_size", List.of(3, 2),
          "strides", List.of(2, 1), "padding", List.of(1, 1, 0, 1), "dilation_rate", List.of(1, 2))),
      entry("ReLU", Map.of("type", "ReLU", "name", "under_test", "max_value", 0.5)),
      entry("SeparableConv2D", Map.ofEntries(entry("type", "SeparableConv2D"), entry("name", "under_test"),
          entry("filters", 5), entry("kernel_size", List.of(2, 3)), entry("strides", List.of(1, 2)),
          entry("padding", "same"), entry("depth_multiplier", 3), entry("dilation_rate", List.of(2, 1)),
          entry("activation", "sigmoid"), entry("use_bias", true), entry("depthwise_initializer", "glorot_normal"),
          entry("pointwise_initializer", "he_normal"), entry("bias_initializer", "ones"))),
      entry("Reshape", Map.of("type", "Reshape", "name", "under_test", "target_shape", List.of(-1, 8))),
      entry("Sigmoid", Map.of("type", "Sigmoid", "name", "under_test")),
      entry("Softmax", Map.of("type", "Softmax", "name", "under_test")),
      entry("Tanh", Map.of("type", "Tanh", "name", "under_test")),
      entry("UpSampling2D", Map.of("type", "UpSampling2D", "name", "under_test", "size", List.of(2, 3),
          "interpolation", "nearest")),
      entry("ZeroPadding2D", Map.of("type", "ZeroPadding2D", "name", "under_test",
          "padding", List.of(List.of(1, 2), List.of(0, 3)))));

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
    Model model = layer instanceof MergeLayer
        ? merged(layer).initialize(7)
        : new Sequential(INPUT, layer, Dense.builder(3).name("head").build()).initialize(7);
    trainingPassMovesTheState(model, type);
    Path file = dir.resolve(type + ".stz");
    ModelFile.save(model, file);
    Model loaded = ModelFile.load(file);
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

  /** A graph in which {@code merge} joins the input with a 1x1 convolution of it, then a dense head. */
  static Functional merged(Layer merge) {
    Node input = Node.input(INPUT);
    Node branch = Conv2D.builder(4).kernelSize(1, 1).name("branch").build().apply(input);
    return new Functional(input, Dense.builder(3).name("head").build().apply(merge.apply(input, branch)));
  }

  /**
   * Runs one training pass, so that layer state which training updates (batch normalisation's moving averages)
   * holds values no initialiser gives, and checks that it did change.
   */
  private static void trainingPassMovesTheState(Model model, String type) {
    List<float[]> before = model.parameters().stream().map(p -> p.value().data().clone()).toList();
    try (Kernels kernels = new ScalarKernels(1)) {
      model.forward(GradientCheck.random(INPUT.withBatch(2), 5), Context.training(kernels, 3));
    }
    for (int i = 0; i < before.size(); i++) {
      Parameter p = model.parameters().get(i);
      assertEquals(p.trainable(), Arrays.equals(before.get(i), p.value().data()),
          type + ": only non-trainable state moves in a training pass, and it does: " + p.name());
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
