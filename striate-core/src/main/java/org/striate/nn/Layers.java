package org.striate.nn;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Rebuilds layers from their configs: the registry of every layer type a model file may name. */
public final class Layers {
  private static final Map<String, Function<ConfigReader, Layer>> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put("AvgPool2D", AvgPool2D::fromConfig);
    FACTORIES.put("Conv2D", Conv2D::fromConfig);
    FACTORIES.put("Dense", Dense::fromConfig);
    FACTORIES.put("GlobalAvgPool2D", GlobalAvgPool2D::fromConfig);
    FACTORIES.put("GlobalMaxPool2D", GlobalMaxPool2D::fromConfig);
    FACTORIES.put("MaxPool2D", MaxPool2D::fromConfig);
  }

  private Layers() {}

  /**
   * The layer a config describes; the inverse of {@link Layer#config()}.
   *
   * @throws IllegalArgumentException if the type is unknown or a setting is missing or invalid
   */
  public static Layer fromConfig(Map<String, Object> config) {
    Object type = config.get("type");
    Function<ConfigReader, Layer> factory = FACTORIES.get(String.valueOf(type));
    if (factory == null) {
      throw new IllegalArgumentException(
          "layer type must be one of " + FACTORIES.keySet() + ", got " + (type == null ? "nothing" : "'" + type + "'"));
    }
    return factory.apply(new ConfigReader(config));
  }
}
