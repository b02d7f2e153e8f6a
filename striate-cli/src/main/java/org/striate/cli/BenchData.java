package org.striate.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.striate.data.Dataset;
import org.striate.data.Mnist;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * The images a benchmark cycles through: up to {@link #POOL} MNIST-shaped images (28x28x1, values in [0, 1])
 * with labels, either the first ones of the MNIST training set or synthetic. Only those images are read, so
 * the data set adds a few MB to the measured peak RSS, as on the PyTorch side.
 */
final class BenchData {
  /** Images in the pool: 16 training batches of 128, 8 inference batches of 256. */
  static final int POOL = 2048;
  static final int SIDE = 28;
  private static final int PIXELS = SIDE * SIDE;
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private final float[] pixels;
  private final int[] labels;

  private BenchData(float[] pixels, int[] labels) {
    this.pixels = pixels;
    this.labels = labels;
  }

  int size() {
    return labels.length;
  }

  /** Uniform pixels in [0, 1) and uniform labels, drawn from {@code seed}. */
  static BenchData synthetic(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[POOL * PIXELS];
    int[] labels = new int[POOL];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    for (int i = 0; i < POOL; i++) {
      labels[i] = random.nextInt(Mnist.NUM_CLASSES);
    }
    return new BenchData(pixels, labels);
  }

  /**
   * The first {@link #POOL} training images of the MNIST files in {@code dir} (raw or {@code .gz}), pixels / 255.
   *
   * @throws IOException if a file is missing, is not an MNIST IDX file of 28x28 images, or is short
   */
  static BenchData mnist(Path dir) throws IOException {
    byte[] images;
    byte[] classes;
    try (DataInputStream in = open(dir, Mnist.TRAIN_IMAGES)) {
      int count = header(in, dir, Mnist.TRAIN_IMAGES, IMAGES_MAGIC);
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows != SIDE || cols != SIDE) {
        throw new IOException("benchmark data: " + dir.resolve(Mnist.TRAIN_IMAGES) + " holds " + rows + "x" + cols
            + " images, expected 28x28");
      }
      images = readFully(in, new byte[Math.min(count, POOL) * PIXELS], dir, Mnist.TRAIN_IMAGES);
    }
    try (DataInputStream in = open(dir, Mnist.TRAIN_LABELS)) {
      int count = header(in, dir, Mnist.TRAIN_LABELS, LABELS_MAGIC);
      classes = readFully(in, new byte[Math.min(count, images.length / PIXELS)], dir, Mnist.TRAIN_LABELS);
    }
    float[] pixels = new float[classes.length * PIXELS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (images[i] & 0xFF) / 255f;
    }
    int[] labels = new int[classes.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = classes[i] & 0xFF;
      if (labels[i] >= Mnist.NUM_CLASSES) {
        throw new IOException("benchmark data: label " + labels[i] + " at example " + i + " in "
            + dir.resolve(Mnist.TRAIN_LABELS) + " is not a digit");
      }
    }
    return new BenchData(pixels, labels);
  }

  /** Images {@code [first, first + count)} of the pool, wrapping around, as a {@code (count, 28, 28, 1)} tensor. */
  Tensor images(int first, int count) {
    float[] batch = new float[count * PIXELS];
    for (int i = 0; i < count; i++) {
      System.arraycopy(pixels, (first + i) % size() * PIXELS, batch, i * PIXELS, PIXELS);
    }
    return new Tensor(Shape.of(count, SIDE, SIDE, 1), batch);
  }

  /** The same images with their labels. */
  Dataset batch(int first, int count) {
    int[] batchLabels = new int[count];
    for (int i = 0; i < count; i++) {
      batchLabels[i] = labels[(first + i) % size()];
    }
    return Dataset.ofLabels(images(first, count), batchLabels, Mnist.NUM_CLASSES);
  }

  private static DataInputStream open(Path dir, String name) throws IOException {
    Path plain = dir.resolve(name);
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(plain)) {
      return new DataInputStream(new BufferedInputStream(Files.newInputStream(plain)));
    }
    if (Files.isRegularFile(gz)) {
      InputStream in = Files.newInputStream(gz);
      return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in)));
    }
    throw new IOException("benchmark data: neither " + plain + " nor " + gz + " exists");
  }

  private static byte[] readFully(DataInputStream in, byte[] into, Path dir, String name) throws IOException {
    try {
      in.readFully(into);
      return into;
    } catch (EOFException e) {
      throw new IOException("benchmark data: " + dir.resolve(name) + " is shorter than its header says", e);
    }
  }

  private static int header(DataInputStream in, Path dir, String name, int magic) throws IOException {
    try {
      int found = in.readInt();
      int count = in.readInt();
      if (found != magic || count < 1) {
        throw new IOException("benchmark data: " + dir.resolve(name) + " is not an MNIST IDX file (magic 0x"
            + Integer.toHexString(found) + ", " + count + " items)");
      }
      return count;
    } catch (EOFException e) {
      throw new IOException("benchmark data: " + dir.resolve(name) + " ends inside its header", e);
    }
  }

}
