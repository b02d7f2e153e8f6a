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

/**
 * The registry, the MNIST models and VGG-16, and for every built-in: a forward pass at another size, round trips
 * and a gradient check of a small configuration. The ResNets, MobileNet and the U-Net have their own tests.
 */
class ArchitecturesTest {
  @TempDir Path dir;

  static Stream<String> builtIns() {
    return Architectures.names().stream();
  }

  /**
   * Each built-in in a configuration small enough to gradient-check: the MNIST models as they are, the others with
   * their own layer structure but few channels, on small images.
   */
  static Model small(String name) {
    return switch (name) {
      case "mnist-convnet", "lenet5", "mnist-resnet" -> Architectures.byName(name);
      case "vgg16" -> Architectures.vgg16(Shape.of(32, 32, 3), 5, 4, 16);
      case "resnet18" -> Architectures.resnet18(Shape.of(32, 32, 3), 5, 8);
      case "resnet50" -> Architectures.resnet50(Shape.of(32, 32, 3), 5, 8);
      case "mobilenet-v1" -> Architectures.mobilenetV1(Shape.of(32, 32, 3), 5, 0.25);
      case "unet-small" -> Architectures.unetSmall(Shape.of(8, 8, 2), 3, 4);
      default -> throw new AssertionError("no small configuration for the built-in '" + name + "': add one here");
    };
  }

  @Test
  void theBuiltInsAreListedInOrder() {
    assertEquals(List.of("mnist-convnet", "lenet5", "mnist-resnet", "vgg16", "resnet18", "resnet50", "mobilenet-v1",
        "unet-small"), List.copyOf(Architectures.names()));
    assertTrue(Architectures.exists("lenet5"));
    assertTrue(!Architectures.exists("LeNet5"), "names are case-sensitive");
  }

  @Test
  void eachNameHasItsDefaultInputAndClasses() {
    assertEquals(new Architectures.Options(Shape.of(28, 28, 1), 10), Architectures.defaults("mnist-resnet"));
    assertEquals(new Architectures.Options(Shape.of(224, 224, 3), 1000), Architectures.defaults("resnet50"));
    assertEquals(new Architectures.Options(Shape.of(128, 128, 3), 2), Architectures.defaults("unet-small"));
    assertEquals(Shape.of(128, 128, 2), Architectures.byName("unet-small").outputShape());
  }

  @Test
  void parameterCountsOfTheMnistModels() {
    // The Keras MNIST convnet example's model.summary() prints "Total params: 34,826".
    assertEquals(34_826, Architectures.byName("mnist-convnet").parameterCount());
    // LeNet-5: 6*(5*5*1) + 6, 16*(5*5*6) + 16, 400*120 + 120, 120*84 + 84, 84*10 + 10.
    assertEquals(156 + 2_416 + 48_120 + 10_164 + 850, Architectures.byName("lenet5").parameterCount());
    assertEquals(61_706, Architectures.lenet5().parameterCount());
    // mnist-resnet: convolutions without bias, each with batch norm (gamma and beta trainable; moving mean and
    // variance not): stem 3*3*1*16; block 1: two 3*3*16*16; block 2: 3*3*16*32, 3*3*32*32 and the 1x1 projection
    // 16*32; block 3: 3*3*32*64, 3*3*64*64, 32*64; then Dense 64*10 + 10.
    long convs = 144 + 2 * 2_304 + 4_608 + 9_216 + 512 + 18_432 + 36_864 + 2_048;
    long bnChannels = 16 + 2 * 16 + 3 * 32 + 3 * 64;
    Model resnet = Architectures.byName("mnist-resnet");
    assertEquals(convs + 2 * bnChannels + 650, resnet.trainableParameterCount());
    assertEquals(convs + 4 * bnChannels + 650, resnet.parameterCount());
    assertEquals(77_754, resnet.trainableParameterCount());
  }

  @Test
  void outputShapesLayerByLayer() {
    assertEquals(List.of(Shape.of(26, 26, 32), Shape.of(13, 13, 32), Shape.of(11, 11, 64), Shape.of(5, 5, 64),
            Shape.of(1600), Shape.of(1600), Shape.of(10)),
        outputShapes(Architectures.mnistConvnet()));
    assertEquals(List.of(Shape.of(28, 28, 6), Shape.of(14, 14, 6), Shape.of(10, 10, 16), Shape.of(5, 5, 16),
            Shape.of(400), Shape.of(120), Shape.of(84), Shape.of(10)),
        outputShapes(Architectures.lenet5()));
    Functional resnet = Architectures.mnistResnet();
    assertEquals(Shape.of(28, 28, 16), resnet.layer("layer1.0.relu").outputShape());
    assertEquals(Shape.of(14, 14, 32), resnet.layer("layer2.0.relu").outputShape());
    assertEquals(Shape.of(7, 7, 64), resnet.layer("layer3.0.relu").outputShape());
    assertEquals(Activation.SOFTMAX, resnet.outputLayer().activation(), "10-way softmax for evaluate and predict");
    assertEquals(Shape.of(10), resnet.outputShape());
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

  /** The one test that builds the full VGG-16: 138 million parameters, about 1.1 GB with their gradients. */
  @Test
  void vgg16AtImageNetSize() {
    Model vgg = Architectures.byName("vgg16");
    // Keras's VGG16(include_top=True).summary(): "Total params: 138,357,544".
    assertEquals(138_357_544, vgg.parameterCount());
    assertEquals(vgg.parameterCount(), vgg.trainableParameterCount());
    assertEquals(13, vgg.layers().stream().filter(l -> l instanceof Conv2D).count());
    assertEquals(Shape.of(7, 7, 512), vgg.layer("block5_pool").outputShape());
    assertEquals(Shape.of(25_088), vgg.layer("flatten").outputShape());
    assertEquals(Shape.of(1000), vgg.outputShape());
    // Each 3x3 convolution adds 2 * S to r and S to P, each 2x2 pooling S to r and doubles S; 13 convolutions
    // and 4 poolings before block5_conv3: r = 1 + 2 * (2 + 2 * 2 + 3 * 4 + 3 * 8 + 3 * 16) + (1 + 2 + 4 + 8) = 196.
    Summary.Row lastConv = row(vgg, "block5_conv3");
    assertEquals(List.of(196, 16, 90), List.of(lastConv.rfH(), lastConv.strideH(), lastConv.padH()));
    Summary.Row lastPool = row(vgg, "block5_pool");
    assertEquals(List.of(212, 32, 90), List.of(lastPool.rfH(), lastPool.strideH(), lastPool.padH()));
    assertEquals(List.of(212, 32, 90), List.of(lastPool.rfW(), lastPool.strideW(), lastPool.padW()));
  }

  @Test
  void vgg16IsKerasLayerForLayer() {
    Sequential vgg = Architectures.vgg16(Shape.of(32, 32, 3), 5, 4, 16);
    assertEquals(List.of("block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2", "block2_pool",
            "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool", "block4_conv1", "block4_conv2",
            "block4_conv3", "block4_pool", "block5_conv1", "block5_conv2", "block5_conv3", "block5_pool", "flatten",
            "fc1", "fc2", "predictions"),
        vgg.layers().stream().map(Layer::name).toList());
    for (Layer l : vgg.layers()) {
      if (l instanceof Conv2D c) {
        assertEquals(List.of(3, 3), c.config().get("kernel_size"));
        assertEquals("same", c.config().get("padding"));
        assertEquals(Activation.RELU, c.activation());
      }
    }
    assertEquals(Activation.SOFTMAX, vgg.outputLayer().activation());
    assertEquals(Shape.of(1, 1, 32), vgg.layer("block5_pool").outputShape());
  }

  /** Every built-in at 32x32x3 with 7 classes, full width: a forward pass of one image gives probabilities. */
  @ParameterizedTest
  @MethodSource("builtIns")
  void buildsForOtherInputShapesAndClasses(String name) {
    Model model = Architectures.byName(name, Shape.of(32, 32, 3), 7);
    Tensor x = GradientCheck.random(Shape.of(1, 32, 32, 3), 3);
    Tensor y;
    try (Kernels kernels = new ScalarKernels(2)) {
      y = model.predict(x, kernels, 1);
    }
    boolean perPixel = name.equals("unet-small");
    assertEquals(perPixel ? Shape.of(1, 32, 32, 7) : Shape.of(1, 7), y.shape());
    for (int row = 0; row < y.size() / 7; row++) {
      double sum = 0;
      for (int c = 0; c < 7; c++) {
        float v = y.data()[row * 7 + c];
        assertTrue(Float.isFinite(v), name + ": output " + v);
        sum += v;
      }
      if (!name.equals("lenet5")) { // lenet5 outputs logits
        assertEquals(1.0, sum, 1e-5, name + ": the softmax of row " + row);
      }
    }
  }

  @Test
  void anUnknownNameListsTheBuiltIns() {
    String message = "model name must be one of [mnist-convnet, lenet5, mnist-resnet, vgg16, resnet18, resnet50, "
        + "mobilenet-v1, unet-small], got 'resnet'";
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> Architectures.byName("resnet")).getMessage());
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> Architectures.byName("resnet", Shape.of(32, 32, 3), 10)).getMessage());
    assertEquals(message,
        assertThrows(IllegalArgumentException.class, () -> Architectures.defaults("resnet")).getMessage());
  }

  @Test
  void badShapesAndClassesAreRejectedWithTheArchitecturesName() {
    assertEquals("Architectures: classes must be positive, got 0", assertThrows(IllegalArgumentException.class,
        () -> Architectures.byName("lenet5", Shape.of(28, 28, 1), 0)).getMessage());
    assertEquals("Architectures: input shape must be given, got null", assertThrows(IllegalArgumentException.class,
        () -> Architectures.byName("lenet5", null, 10)).getMessage());
    assertEquals("vgg16: classes must be positive, got -1", assertThrows(IllegalArgumentException.class,
        () -> Architectures.vgg16(Shape.of(224, 224, 3), -1)).getMessage());
    assertEquals("vgg16: input shape must be (height, width, channels), got (784,)",
        assertThrows(IllegalArgumentException.class, () -> Architectures.vgg16(Shape.of(784), 10)).getMessage());
    assertEquals("resnet18: input height and width must be at least 32, got (28, 28, 1)",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.byName("resnet18", Shape.of(28, 28, 1), 10)).getMessage());
    assertEquals("unet-small: input height and width must be multiples of 8, got (36, 32, 1)",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.unetSmall(Shape.of(36, 32, 1), 2)).getMessage());
    assertEquals("mnist-convnet: input shape must be (height, width, channels), got (28, 28)",
        assertThrows(IllegalArgumentException.class,
            () -> Architectures.mnistConvnet(Shape.of(28, 28), 10)).getMessage());
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void roundTripsThroughTheArchitectureJson(String name) throws Exception {
    Model model = small(name);
    String json = ArchitectureJson.toJson(model);
    Model back = ArchitectureJson.fromJson(json, name);
    assertEquals(json, ArchitectureJson.toJson(back));
    // Both are freshly initialised from seed 0: the text must carry every setting that shapes the parameters.
    assertSamePredictions(model, back);
  }

  @ParameterizedTest
  @MethodSource("builtIns")
  void roundTripsThroughAModelFile(String name) throws Exception {
    Model model = small(name).initialize(7); // not seed 0, so loading must restore values
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
   * End to end on a 2-image batch, in training mode. These models have too many parameters to nudge one by one (two
   * forward passes each), so the check samples 24 elements (6 in the larger models) of the input and of each
   * parameter tensor, always the first and the last.
   *
   * <p>The deep networks with batch normalisation are checked in a shallower form built by the same code: their
   * stem, two stages (two blocks, then one with stride 2 and a projection) or four depthwise separable blocks (two
   * with stride 2 and zero padding), and their top. At full depth, and more so with few channels, batch
   * normalisation over few values per channel (2 at a last stage of 1x1 pixels) makes the function so steep that
   * float32 central differences miss by 100% or more, in training and at inference alike; the full networks are
   * stacks of these blocks (see the parameter counts and shapes), and {@link FunctionalTest} checks how a graph
   * composes the gradients of its layers.
   */
  @ParameterizedTest
  @MethodSource("builtIns")
  void gradientsMatchFiniteDifferences(String name) {
    Model model = switch (name) {
      case "resnet18" -> ResNet.build(Shape.of(32, 32, 3), 5, new int[] {2, 1}, ResNet.Block.BASIC, 8);
      case "resnet50" -> ResNet.build(Shape.of(32, 32, 3), 5, new int[] {2, 1}, ResNet.Block.BOTTLENECK, 4);
      case "mobilenet-v1" -> MobileNet.build(Shape.of(32, 32, 3), 5, 0.25, 4);
      default -> small(name);
    };
    int samples = name.equals("mnist-convnet") || name.equals("lenet5") ? 24 : 6;
    GradientCheck.checkSampled(model, GradientCheck.random(model.inputShape().withBatch(2), 5), samples);
  }

  private static Summary.Row row(Model model, String layer) {
    return Summary.of(model).rows().stream().filter(r -> r.name().equals(layer)).findFirst().orElseThrow();
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
