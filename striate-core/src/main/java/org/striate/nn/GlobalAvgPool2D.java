package org.striate.nn;

/**
 * The mean of each channel over the whole image (Keras {@code GlobalAveragePooling2D}): input
 * {@code (N, H, W, C)}, output {@code (N, C)}.
 */
public final class GlobalAvgPool2D extends GlobalPooling2D {

  public GlobalAvgPool2D() {
    this(null);
  }

  /** A layer with this name; {@code null} lets the model choose one. */
  public GlobalAvgPool2D(String name) {
    super("GlobalAvgPool2D", name);
  }

  @Override
  Pooling2D wholeImage(int h, int w) {
    return AvgPool2D.builder().poolSize(h, w).build();
  }

  static GlobalAvgPool2D fromConfig(ConfigReader c) {
    return new GlobalAvgPool2D(c.getName());
  }
}
