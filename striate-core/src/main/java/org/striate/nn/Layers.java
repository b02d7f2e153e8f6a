package org.striate.nn;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Rebuilds layers from their configs: the registry of every layer type a model file may name. */
public final class Layers {
  private static final Map<String, Function<ConfigReader, Layer>> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put("Add", Add::fromConfig);
    FACTORIES.put("AvgPool2D", AvgPool2D::fromConfig);
    FACTORIES.put("Concatenate", Concatenate::fromConfig);
    FACTORIES.put("BatchNormalization", BatchNormalization::fromConfig);
    FACTORIES.put("Conv2D", Conv2D::fromConfig);
    FACTORIES.put("Conv2DTranspose", Conv2DTranspose::fromConfig);
    FACTORIES.put("Dense", Dense::fromConfig);
    FACTORIES.put("DepthwiseConv2D", DepthwiseConv2D::fromConfig);
    FACTORIES.put("Dropout", Dropout::fromConfig);
    FACTORIES.put("Flatten", Flatten::fromConfig);
    FACTORIES.put("GlobalAvgPool2D", GlobalAvgPool2D::fromConfig);
    FACTORIES.put("GlobalMaxPool2D", GlobalMaxPool2D::fromConfig);
    FACTORIES.put("LeakyReLU", LeakyReLU::fromConfig);
    FACTORIES.put("MaxPool2D", MaxPool2D::fromConfig);
    FACTORIES.put("ReLU", ReLU::fromConfig);
    FACTORIES.put("SeparableConv2D", SeparableConv2D::fromConfig);
    FACTORIES.put("Reshape", Reshape::fromConfig);
    FACTORIES.put("Sigmoid", Sigmoid::fromConfig);
    FACTORIES.put("Softmax", Softmax::fromConfig);
    FACTORIES.put("Tanh", Tanh::fromConfig);
    FACTORIES.put("UpSampling2D", UpSampling2D::fromConfig);
    FACTORIES.put("ZeroPadding2D", ZeroPadding2D::fromConfig);
  }

  private Layers() {}

  /** The layer type names a config may use, sorted. */
  public static java.util.Set<String> types() {
    return java.util.Collections.unmodifiableSet(FACTORIES.keySet());
  }

  /**
   * The layer a config describes; the inverse of {@link Layer#config()}.
   *
   * <p>Every key of {@code config} must appear in the rebuilt layer's own {@link Layer#config()}; so each layer's
   * {@code config()} must work before the layer is built and list every key its {@code fromConfig} reads.
   *
   * @throws IllegalArgumentException if the type is unknown, a key is unknown to that type, or a setting is
   *     missing or invalid
   */
  public static Layer fromConfig(Map<String, Object> config) {
    Object type = config.get("type");
    Function<ConfigReader, Layer> factory = FACTORIES.get(String.valueOf(type));
    if (factory == null) {
      throw new IllegalArgumentException(
          "layer type must be one of " + FACTORIES.keySet() + ", got " + (type == null ? "nothing" : "'" + type + "'"));
    }
    ConfigReader reader = new ConfigReader(config);
    Layer layer = factory.apply(reader);
    // A key the rebuilt layer does not report is one its fromConfig never read: checking here, once, covers
    // every layer type without each fromConfig listing its keys a second time.
    reader.rejectKeysOutside(layer.config().keySet());
    return layer;
  }
}
