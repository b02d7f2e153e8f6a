package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Dataset;
import org.striate.data.Mnist;

class BenchDataTest {
  @TempDir Path dir;

  @Test
  void readsTheSameImagesAndLabelsAsTheMnistLoader() throws Exception {
    Path data = TinyMnist.write(dir, 300, 10);
    BenchData pool = BenchData.mnist(data);
    Dataset reference = Mnist.load(data).train();
    assertEquals(300, pool.size());
    Dataset batch = pool.batch(0, 300);
    assertArrayEquals(reference.inputs().data(), batch.inputs().data());
    assertArrayEquals(reference.labels(), batch.labels());
    assertEquals(Arrays.asList(300, 28, 28, 1), Arrays.stream(batch.inputs().shape().dims()).boxed().toList());
  }

  @Test
  void batchesWrapAroundThePool() throws Exception {
    BenchData pool = BenchData.mnist(TinyMnist.write(dir, 300, 10));
    Dataset wrapped = pool.batch(290, 20);
    Dataset all = pool.batch(0, 300);
    float[] expected = new float[20 * 784];
    System.arraycopy(all.inputs().data(), 290 * 784, expected, 0, 10 * 784);
    System.arraycopy(all.inputs().data(), 0, expected, 10 * 784, 10 * 784);
    assertArrayEquals(expected, wrapped.inputs().data());
    assertEquals(all.labels()[299], wrapped.labels()[9]);
    assertEquals(all.labels()[0], wrapped.labels()[10]);
  }

  @Test
  void syntheticImagesAreInTheUnitRangeWithDigitLabels() {
    BenchData pool = BenchData.synthetic(1);
    assertEquals(BenchData.POOL, pool.size());
    Dataset all = pool.batch(0, BenchData.POOL);
    for (float v : all.inputs().data()) {
      assertTrue(v >= 0 && v < 1, "pixel " + v);
    }
    assertEquals(10, Arrays.stream(all.labels()).distinct().count());
  }

  @Test
  void rejectsAFileThatIsNotMnistImages() throws Exception {
    Path data = TinyMnist.write(dir, 300, 10);
    Files.write(data.resolve(Mnist.TRAIN_IMAGES), new byte[] {0, 0, 8, 1, 0, 0, 0, 5});
    IOException e = assertThrows(IOException.class, () -> BenchData.mnist(data));
    assertEquals("benchmark data: " + data.resolve(Mnist.TRAIN_IMAGES)
        + " is not an MNIST IDX file (magic 0x801, 5 items)", e.getMessage());
  }

  @Test
  void rejectsATruncatedFile() throws Exception {
    Path data = TinyMnist.write(dir, 300, 10);
    Path images = data.resolve(Mnist.TRAIN_IMAGES);
    byte[] whole = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(whole, 16 + 100));
    IOException e = assertThrows(IOException.class, () -> BenchData.mnist(data));
    assertEquals("benchmark data: " + images + " is shorter than its header says", e.getMessage());
  }
}
