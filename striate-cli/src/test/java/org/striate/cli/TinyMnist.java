package org.striate.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.striate.data.Mnist;

/**
 * Writes a small MNIST-format data set: 28x28 images in which class {@code k} is a bright horizontal bar at row
 * {@code 2 + 2k} plus noise, so a convnet can learn it in one short epoch.
 */
final class TinyMnist {
  private TinyMnist() {}

  static Path write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(5);
    writeSet(dir.resolve(Mnist.TRAIN_IMAGES), dir.resolve(Mnist.TRAIN_LABELS), train, random);
    writeSet(dir.resolve(Mnist.TEST_IMAGES), dir.resolve(Mnist.TEST_LABELS), test, random);
    return dir;
  }

  private static void writeSet(Path images, Path labels, int n, SplittableRandom random) throws IOException {
    byte[] pixels = new byte[n * 784];
    byte[] classes = new byte[n];
    for (int i = 0; i < n; i++) {
      int k = i % 10;
      classes[i] = (byte) k;
      for (int p = 0; p < 784; p++) {
        int row = p / 28;
        int value = random.nextInt(40) + (row == 2 + 2 * k || row == 3 + 2 * k ? 200 : 0);
        pixels[i * 784 + p] = (byte) Math.min(255, value);
      }
    }
    try (OutputStream f = Files.newOutputStream(images); DataOutputStream d = new DataOutputStream(f)) {
      d.writeInt(0x00000803);
      d.writeInt(n);
      d.writeInt(28);
      d.writeInt(28);
      d.write(pixels);
    }
    try (OutputStream f = Files.newOutputStream(labels); DataOutputStream d = new DataOutputStream(f)) {
      d.writeInt(0x00000801);
      d.writeInt(n);
      d.write(classes);
    }
  }
}
