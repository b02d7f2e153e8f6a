package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.striate.data.IdxReaderTest.bytes;
import static org.striate.data.IdxReaderTest.gzip;
import static org.striate.data.IdxReaderTest.idx;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.tensor.Shape;

class MnistTest {
  @TempDir Path dir;

  private static final String EXPECTATION = "expected the four files train-images-idx3-ubyte,"
      + " train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may be"
      + " gzip-compressed and may end in .gz)";

  /** A miniature MNIST: 3 training and 2 test images of 2x2 pixels; some files compressed. */
  private void writeMiniature() throws IOException {
    byte[] trainImages = idx(new int[] {3, 2, 2}, bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255));
    byte[] testImages = idx(new int[] {2, 2, 2}, bytes(9, 9, 9, 9, 0, 0, 0, 51));
    Files.write(dir.resolve("train-images-idx3-ubyte"), trainImages);
    Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(new int[] {3}, bytes(5, 0, 9))));
    Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(testImages));
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {2}, bytes(7, 2)));
  }

  @Test
  void loadsTrainAndTestFromRawAndCompressedFiles() throws IOException {
    writeMiniature();
    Mnist mnist = Mnist.load(dir);
    assertEquals(3, mnist.train().size());
    assertEquals(2, mnist.test().size());
    assertEquals(10, mnist.train().numClasses());
    assertEquals(10, mnist.test().numClasses());
    assertArrayEquals(new int[] {5, 0, 9}, mnist.train().labels());
    assertArrayEquals(new int[] {7, 2}, mnist.test().labels());
    assertEquals(Shape.of(2, 2, 1), mnist.test().exampleShape());
    assertEquals(1f, mnist.train().inputs().get(2, 1, 1, 0), 0f);
    assertEquals(51 / 255f, mnist.test().inputs().get(1, 1, 1, 0), 0f);
  }

  @Test
  void prefersThePlainFileWhenBothExist() throws IOException {
    writeMiniature();
    Files.write(dir.resolve("train-images-idx3-ubyte.gz"), bytes(1, 2, 3)); // would fail if read
    assertEquals(3, Mnist.load(dir).train().size());
  }

  @Test
  void missingFilesAreListedWithTheDirectory() throws IOException {
    writeMiniature();
    Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
    Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
    FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> Mnist.load(dir));
    assertEquals(
        "MNIST: not found in " + dir + ": train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]; " + EXPECTATION,
        e.getMessage());
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path absent = dir.resolve("absent");
    FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> Mnist.load(absent));
    assertEquals("MNIST: " + absent + " is not a directory; " + EXPECTATION, e.getMessage());
  }

  @Test
  void imageAndLabelCountsMustMatch() throws IOException {
    writeMiniature();
    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    Files.write(labels, idx(new int[] {3}, bytes(7, 2, 1)));
    FileFormatException e = assertThrows(FileFormatException.class, () -> Mnist.load(dir));
    assertEquals(
        labels + ": header says 3 labels, but " + dir.resolve("t10k-images-idx3-ubyte.gz") + " has 2 images",
        e.getMessage());
  }
}
