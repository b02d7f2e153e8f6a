package org.striate.nn;

/**
 * The largest value of each channel over the whole image (Keras {@code GlobalMaxPooling2D}): input
 * {@code (N, H, W, C)}, output {@code (N, C)}. The gradient goes to the winning pixel; ties go to the first in
 * row-major order.
 */
public final class GlobalMaxPool2D extends GlobalPooling2D {

  public GlobalMaxPool2D() {
    this(null);
  }

  /** A layer with this name; {@code null} lets the model choose one. */
  public GlobalMaxPool2D(String name) {
    super("GlobalMaxPool2D", name);
  }

  @Override
  Pooling2D wholeImage(int h, int w) {
    return MaxPool2D.builder().poolSize(h, w).build();
  }

  static GlobalMaxPool2D fromConfig(ConfigReader c) {
    return new GlobalMaxPool2D(c.getName());
  }
}
