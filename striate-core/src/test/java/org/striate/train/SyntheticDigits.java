package org.striate.train;

import java.util.SplittableRandom;
import org.striate.data.Dataset;
import org.striate.tensor.Tensor;

/**
 * An MNIST-shaped stand-in for tests: 28x28 grey images in [0, 1], shaped {@code (N, 28, 28, 1)} as
 * {@link org.striate.data.Mnist} gives them, ten classes. Class
 * {@code k} is a 20-pixel stroke through the centre at angle {@code k * 18} degrees, shifted by up to 2 pixels
 * each way, over uniform noise in [0, 0.3).
 */
final class SyntheticDigits {
  static final int SIDE = 28;
  static final int CLASSES = 10;

  private SyntheticDigits() {}

  static Dataset generate(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Tensor images = Tensor.zeros(n, SIDE, SIDE, 1);
    int[] labels = new int[n];
    float[] px = images.data();
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(CLASSES);
      labels[i] = label;
      int o = i * SIDE * SIDE;
      for (int p = 0; p < SIDE * SIDE; p++) {
        px[o + p] = (float) (random.nextDouble() * 0.3);
      }
      double angle = Math.PI * label / CLASSES;
      double cx = SIDE / 2.0 + random.nextInt(5) - 2;
      double cy = SIDE / 2.0 + random.nextInt(5) - 2;
      for (int t = 0; t <= 40; t++) {
        double along = t / 2.0 - 10;
        int x = (int) Math.round(cx + Math.cos(angle) * along);
        int y = (int) Math.round(cy + Math.sin(angle) * along);
        // Two pixels thick across the stroke.
        for (int d = 0; d <= 1; d++) {
          int xx = Math.min(SIDE - 1, Math.max(0, x + (Math.abs(Math.sin(angle)) > 0.7 ? d : 0)));
          int yy = Math.min(SIDE - 1, Math.max(0, y + (Math.abs(Math.sin(angle)) > 0.7 ? 0 : d)));
          px[o + yy * SIDE + xx] = 1f;
        }
      }
    }
    return Dataset.ofLabels(images, labels, CLASSES);
  }
}
