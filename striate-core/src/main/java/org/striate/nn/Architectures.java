package org.striate.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.striate.tensor.Padding;
import org.striate.tensor.Shape;

/**
 * The built-in architectures, freshly initialised from seed 0, by name or by method:
 *
 * <pre>{@code
 * Model net = Architectures.byName("resnet18");                        // 224x224x3 images, 1000 classes
 * Model small = Architectures.byName("resnet18", Shape.of(64, 64, 3), 10);
 * Functional mobile = Architectures.mobilenetV1(Shape.of(160, 160, 3), 100, 0.5);
 * }</pre>
 *
 * <p>Each name has a default input shape and number of classes ({@link #defaults}): the MNIST models take
 * {@code (28, 28, 1)} and 10 classes, the ImageNet models {@code (224, 224, 3)} and 1000, {@code unet-small}
 * {@code (128, 128, 3)} and 2. Every classifier ends in a softmax over the classes (Keras's
 * {@code classifier_activation="softmax"}); {@code lenet5} outputs logits. A cross-entropy loss takes the softmax
 * over in training (see {@link Context#fuseSoftmaxIntoLoss}), so this costs nothing and the outputs are
 * probabilities at inference.
 */
public final class Architectures {
  /** An input shape (one example, NHWC without N) and a number of classes to build an architecture for. */
  public record Options(Shape inputShape, int classes) {
    /**
     * @throws IllegalArgumentException if the shape is null or {@code classes} is not positive
     */
    public Options {
      if (inputShape == null) {
        throw new IllegalArgumentException("Architectures: input shape must be given, got null");
      }
      if (classes <= 0) {
        throw new IllegalArgumentException("Architectures: classes must be positive, got " + classes);
      }
    }
  }

  private record BuiltIn(Options defaults, Function<Options, Model> factory) {}

  private static final Options MNIST = new Options(Shape.of(28, 28, 1), 10);
  private static final Options IMAGENET = new Options(Shape.of(224, 224, 3), 1000);
  private static final Map<String, BuiltIn> BUILT_IN = new LinkedHashMap<>();

  static {
    BUILT_IN.put("mnist-convnet", new BuiltIn(MNIST, o -> mnistConvnet(o.inputShape(), o.classes())));
    BUILT_IN.put("lenet5", new BuiltIn(MNIST, o -> lenet5(o.inputShape(), o.classes())));
    BUILT_IN.put("mnist-resnet", new BuiltIn(MNIST, o -> mnistResnet(o.inputShape(), o.classes())));
    BUILT_IN.put("vgg16", new BuiltIn(IMAGENET, o -> vgg16(o.inputShape(), o.classes())));
    BUILT_IN.put("resnet18", new BuiltIn(IMAGENET, o -> resnet18(o.inputShape(), o.classes())));
    BUILT_IN.put("resnet50", new BuiltIn(IMAGENET, o -> resnet50(o.inputShape(), o.classes())));
    BUILT_IN.put("mobilenet-v1", new BuiltIn(IMAGENET, o -> mobilenetV1(o.inputShape(), o.classes())));
    BUILT_IN.put("unet-small", new BuiltIn(new Options(Shape.of(128, 128, 3), 2),
        o -> unetSmall(o.inputShape(), o.classes())));
  }

  private Architectures() {}

  /** The names {@link #byName} accepts, in a fixed order. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(BUILT_IN.keySet());
  }

  public static boolean exists(String name) {
    return BUILT_IN.containsKey(name);
  }

  /**
   * The input shape and classes {@link #byName(String)} builds {@code name} for.
   *
   * @throws IllegalArgumentException naming the known architectures
   */
  public static Options defaults(String name) {
    return builtIn(name).defaults();
  }

  /**
   * The architecture {@code name} for its default input shape and classes ({@link #defaults}).
   *
   * @throws IllegalArgumentException naming the known architectures
   */
  public static Model byName(String name) {
    BuiltIn b = builtIn(name);
    return b.factory().apply(b.defaults());
  }

  /**
   * The architecture {@code name} for another input shape and number of classes.
   *
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones), or a shape or
   *     number of classes the architecture cannot take
   */
  public static Model byName(String name, Shape inputShape, int classes) {
    BuiltIn b = builtIn(name);
    return b.factory().apply(new Options(inputShape, classes));
  }

  private static BuiltIn builtIn(String name) {
    BuiltIn b = BUILT_IN.get(name);
    if (b == null) {
      throw new IllegalArgumentException("model name must be one of " + BUILT_IN.keySet() + ", got '" + name + "'");
    }
    return b;
  }

  /**
   * The convnet of the Keras MNIST example: two 3x3 ReLU convolutions (32 and 64 filters) each followed by 2x2
   * max pooling, then dropout 0.5 and a 10-way softmax; 34,826 parameters for 28x28x1 input.
   */
  public static Sequential mnistConvnet() {
    return mnistConvnet(MNIST.inputShape(), MNIST.classes());
  }

  /** {@link #mnistConvnet()} for other images and classes. */
  public static Sequential mnistConvnet(Shape inputShape, int classes) {
    check("mnist-convnet", inputShape, classes, 1, 1);
    return new Sequential(inputShape,
        new Conv2D(32, 3, Activation.RELU),
        new MaxPool2D(2),
        new Conv2D(64, 3, Activation.RELU),
        new MaxPool2D(2),
        new Flatten(),
        new Dropout(0.5),
        new Dense(classes, Activation.SOFTMAX));
  }

  /**
   * LeNet-5 with ReLU and max pooling, as commonly trained on MNIST: Conv 6 5x5 padding 2, MaxPool 2, Conv 16
   * 5x5, MaxPool 2, Dense 120, Dense 84, Dense 10 (logits); 61,706 parameters for 28x28x1 input.
   */
  public static Sequential lenet5() {
    return lenet5(MNIST.inputShape(), MNIST.classes());
  }

  /** {@link #lenet5()} for other images and classes. */
  public static Sequential lenet5(Shape inputShape, int classes) {
    check("lenet5", inputShape, classes, 1, 1);
    return new Sequential(inputShape,
        Conv2D.builder(6).kernelSize(5, 5).padding(Padding.explicit(2, 2)).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        Conv2D.builder(16).kernelSize(5, 5).activation(Activation.RELU).build(),
        new MaxPool2D(2),
        new Flatten(),
        new Dense(120, Activation.RELU),
        new Dense(84, Activation.RELU),
        new Dense(classes));
  }

  /**
   * A small ResNet for MNIST: a 3x3 convolution of 16 filters with batch norm and ReLU, then three of
   * torchvision's basic residual blocks of 16, 32 and 64 channels (the last two with stride 2 and a projection
   * shortcut: 28x28, 14x14, 7x7), global average pooling and a 10-way softmax; 77,754 trainable parameters
   * (78,426 with the batch-norm moving averages) for 28x28x1 input. Layers are named as in {@link #resnet18}.
   */
  public static Functional mnistResnet() {
    return mnistResnet(MNIST.inputShape(), MNIST.classes());
  }

  /** {@link #mnistResnet()} for other images and classes. */
  public static Functional mnistResnet(Shape inputShape, int classes) {
    check("mnist-resnet", inputShape, classes, 1, 1);
    Node input = Node.input(inputShape);
    Node x = ResNet.conv(input, 16, 3, 1, 1, "conv1");
    x = new ReLU("relu").apply(ResNet.batchNorm(x, "bn1"));
    x = ResNet.basicBlock(x, 16, 1, "layer1.0.");
    x = ResNet.basicBlock(x, 32, 2, "layer2.0.");
    x = ResNet.basicBlock(x, 64, 2, "layer3.0.");
    x = new GlobalAvgPool2D("avgpool").apply(x);
    return new Functional(input, Dense.builder(classes).activation(Activation.SOFTMAX).name("fc").build().apply(x));
  }

  /**
   * Keras's VGG16 with its classifier ({@code keras.applications.VGG16(include_top=True)}, Simonyan and Zisserman
   * 2014): five blocks of 3x3 "same" ReLU convolutions (2, 2, 3, 3 and 3 of them, with 64, 128, 256, 512 and 512
   * filters), each block ending in 2x2 max pooling, then Flatten, {@code fc1} and {@code fc2} (Dense 4096, ReLU)
   * and {@code predictions} (Dense {@code classes}, softmax). Keras's layer names ({@code block1_conv1}, ...,
   * {@code block5_pool}) and initialisers. For 224x224x3 input and 1000 classes: 138,357,544 parameters, 553 MB
   * of float32, another 553 MB of gradients.
   *
   * <p>Shapes: input {@code (H, W, C)} with H and W at least 32; the last pooling gives
   * {@code (floor(H / 32), floor(W / 32), 512)}.
   */
  public static Sequential vgg16(Shape inputShape, int classes) {
    return vgg16(inputShape, classes, 64, 4096);
  }

  /** VGG16's layers with {@code width} filters in the first block (64) and {@code units} in fc1 and fc2 (4096). */
  static Sequential vgg16(Shape inputShape, int classes, int width, int units) {
    check("vgg16", inputShape, classes, 32, 1);
    int[] convs = {2, 2, 3, 3, 3};
    int[] widths = {width, width * 2, width * 4, width * 8, width * 8};
    List<Layer> layers = new ArrayList<>();
    for (int block = 1; block <= convs.length; block++) {
      for (int i = 1; i <= convs[block - 1]; i++) {
        layers.add(Conv2D.builder(widths[block - 1]).kernelSize(3, 3).padding(Padding.SAME)
            .activation(Activation.RELU).name("block" + block + "_conv" + i).build());
      }
      layers.add(MaxPool2D.builder().name("block" + block + "_pool").build());
    }
    layers.add(new Flatten("flatten"));
    layers.add(Dense.builder(units).activation(Activation.RELU).name("fc1").build());
    layers.add(Dense.builder(units).activation(Activation.RELU).name("fc2").build());
    layers.add(Dense.builder(classes).activation(Activation.SOFTMAX).name("predictions").build());
    return new Sequential(inputShape, layers);
  }

  /**
   * torchvision's ResNet-18 in NHWC (basic blocks, stages of 2, 2, 2, 2); 11,689,512 trainable parameters for
   * 224x224x3 input and 1000 classes, as torchvision counts them, and 9,600 batch-norm moving averages. The
   * classifier {@code fc} applies softmax (torchvision's outputs logits). See {@link ResNet} for names,
   * batch-norm settings (PyTorch's) and initialisation.
   *
   * <p>Shapes: input {@code (H, W, C)} with H and W at least 32 (Keras's minimum); the last stage is
   * {@code (ceil(H / 32), ceil(W / 32), 512)}.
   */
  public static Functional resnet18(Shape inputShape, int classes) {
    return resnet18(inputShape, classes, 64);
  }

  /** ResNet-18's layers with {@code width} channels in the first stage (64). */
  static Functional resnet18(Shape inputShape, int classes, int width) {
    check("resnet18", inputShape, classes, 32, 1);
    return ResNet.build(inputShape, classes, new int[] {2, 2, 2, 2}, ResNet.Block.BASIC, width);
  }

  /**
   * torchvision's ResNet-50 (v1.5: bottleneck blocks with the stride on the 3x3 convolution; stages of 3, 4, 6,
   * 3); 25,557,032 trainable parameters for 224x224x3 input and 1000 classes, as torchvision counts them, and
   * 53,120 batch-norm moving averages. Otherwise as {@link #resnet18}; the last stage has 2048 channels.
   */
  public static Functional resnet50(Shape inputShape, int classes) {
    return resnet50(inputShape, classes, 64);
  }

  /** ResNet-50's layers with {@code width} channels in the first stage's 3x3 convolutions (64). */
  static Functional resnet50(Shape inputShape, int classes, int width) {
    check("resnet50", inputShape, classes, 32, 1);
    return ResNet.build(inputShape, classes, new int[] {3, 4, 6, 3}, ResNet.Block.BOTTLENECK, width);
  }

  /** {@link #mobilenetV1(Shape, int, double)} with the full width, {@code alpha = 1}. */
  public static Functional mobilenetV1(Shape inputShape, int classes) {
    return mobilenetV1(inputShape, classes, 1.0);
  }

  /**
   * Keras's MobileNet v1 ({@code keras.applications.MobileNet(alpha=alpha, include_top=True)}): a 3x3 stride-2
   * convolution of {@code int(32 * alpha)} filters, 13 depthwise separable blocks (3x3 depthwise and 1x1
   * convolutions, each with batch norm and ReLU6) up to {@code int(1024 * alpha)} channels, global average
   * pooling, dropout 0.001 and a 1x1 convolution to the classes with softmax. With {@code alpha = 1}, 224x224x3
   * input and 1000 classes: 4,253,864 parameters, 4,231,976 of them trainable, as Keras reports. See
   * {@link MobileNet} for layer names and details.
   *
   * <p>Shapes: input {@code (H, W, C)} with H and W at least 32; for multiples of 32, the last block is
   * {@code (H / 32, W / 32, int(1024 * alpha))}.
   *
   * @param alpha the width multiplier: 1, 0.75, 0.5 and 0.25 in the paper; at least 1/32
   */
  public static Functional mobilenetV1(Shape inputShape, int classes, double alpha) {
    check("mobilenet-v1", inputShape, classes, 32, 1);
    if (!(alpha * 32 >= 1 && alpha < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "mobilenet-v1: alpha must be finite and at least 1/32 (one filter in the first layer), got " + alpha);
    }
    return MobileNet.build(inputShape, classes, alpha);
  }

  /**
   * A small U-Net for per-pixel classification: three encoder levels of two 3x3 ReLU convolutions (16, 32 and 64
   * filters) with 2x2 max pooling, a bottleneck of 128, three decoder levels that upsample, concatenate the
   * encoder's map of the same size and apply two convolutions, and a 1x1 convolution with softmax over the
   * classes at every pixel; 482,050 parameters for 3 input channels and 2 classes ({@code 481,584 + 144 *
   * channels + 17 * classes} in general). See {@link UNet}.
   *
   * <p>Shapes: input {@code (H, W, C)} with H and W positive multiples of 8; output {@code (H, W, classes)}.
   */
  public static Functional unetSmall(Shape inputShape, int classes) {
    return unetSmall(inputShape, classes, 16);
  }

  /** The small U-Net's layers with {@code base} filters in the first level (16). */
  static Functional unetSmall(Shape inputShape, int classes, int base) {
    check("unet-small", inputShape, classes, 8, 8);
    return UNet.build(inputShape, classes, base);
  }

  /** Checks an image input shape: rank 3, height and width at least {@code min} and multiples of {@code step}. */
  static void check(String architecture, Shape inputShape, int classes, int min, int step) {
    if (inputShape == null || inputShape.rank() != 3) {
      throw new IllegalArgumentException(architecture + ": input shape must be (height, width, channels), got "
          + inputShape);
    }
    if (classes <= 0) {
      throw new IllegalArgumentException(architecture + ": classes must be positive, got " + classes);
    }
    int h = inputShape.dim(0);
    int w = inputShape.dim(1);
    if (h < min || w < min) {
      throw new IllegalArgumentException(
          architecture + ": input height and width must be at least " + min + ", got " + inputShape);
    }
    if (h % step != 0 || w % step != 0) {
      throw new IllegalArgumentException(
          architecture + ": input height and width must be multiples of " + step + ", got " + inputShape);
    }
  }
}
