package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class IdxReaderTest {
  @TempDir Path dir;

  /** An IDX file of unsigned bytes: magic, type 0x08, rank, big-endian sizes, then {@code data}. */
  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private Path write(String name, byte[] contents) throws IOException {
    return Files.write(dir.resolve(name), contents);
  }

  private String failure(Path file) {
    return assertThrows(FileFormatException.class, () -> IdxReader.read(file)).getMessage();
  }

  @Test
  void imagesRoundTripRawAndGzip() throws IOException {
    int[] levels = {0, 1, 127, 128, 254, 255, 3, 200, 90, 17, 64, 255};
    byte[] file = idx(new int[] {2, 3, 2}, bytes(levels));
    for (Path path : new Path[] {write("images", file), write("images-compressed", gzip(file))}) {
      Tensor images = IdxReader.readImages(path);
      assertEquals(Shape.of(2, 3, 2, 1), images.shape());
      for (int i = 0; i < levels.length; i++) {
        assertEquals(levels[i] / 255f, images.data()[i], 0f, "element " + i + " of " + path);
      }
    }
  }

  @Test
  void labelsRoundTripAsUnsignedBytes() throws IOException {
    int[] labels = {7, 0, 255, 128, 9};
    byte[] file = idx(new int[] {5}, bytes(labels));
    assertArrayEquals(labels, IdxReader.readLabels(write("labels", file)));
    assertArrayEquals(labels, IdxReader.readLabels(write("labels.gz", gzip(file))));
  }

  @Test
  void readKeepsDimensionsOfARank4File() throws IOException {
    IdxReader.Contents c = IdxReader.read(write("four", idx(new int[] {1, 2, 1, 3}, bytes(1, 2, 3, 4, 5, 6))));
    assertArrayEquals(new int[] {1, 2, 1, 3}, c.dims());
    assertEquals(6, c.unsigned(5));
  }

  @Test
  void rejectsBadMagic() throws IOException {
    Path file = write("zip", bytes(0x50, 0x4b, 3, 4, 0, 0, 0, 0));
    assertEquals(file + ": not an IDX file: expected 0x00 0x00 at offset 0, found 0x50 0x4b", failure(file));
  }

  @Test
  void rejectsUnsupportedType() throws IOException {
    Path file = write("floats", bytes(0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0));
    assertEquals(
        file + ": unsupported IDX data type 0x0d (float32) at offset 2: only 0x08 (unsigned byte) is supported",
        failure(file));
  }

  @Test
  void rejectsRankOutsideOneToFour() throws IOException {
    Path none = write("rank0", bytes(0, 0, 8, 0));
    assertEquals(none + ": number of dimensions at offset 3 must be 1 to 4, found 0", failure(none));
    Path five = write("rank5", idx(new int[] {1, 1, 1, 1, 1}, bytes(9)));
    assertEquals(five + ": number of dimensions at offset 3 must be 1 to 4, found 5", failure(five));
  }

  @Test
  void rejectsZeroAndNegativeDimensions() throws IOException {
    Path zero = write("zero", idx(new int[] {2, 0, 3}, new byte[0]));
    assertEquals(zero + ": dimension 1 at offset 8 must be positive, found 0", failure(zero));
    Path negative = write("negative", idx(new int[] {-1}, new byte[0]));
    assertEquals(negative + ": dimension 0 at offset 4 must be positive, found -1", failure(negative));
  }

  @Test
  void rejectsMoreElementsThanAnArrayHoldsBeforeAllocating() throws IOException {
    Path file = write("huge", idx(new int[] {65536, 65536, 2}, bytes(1, 2, 3)));
    assertEquals(
        file + ": too large: header says 65536x65536x2 = 8589934592 bytes of data, more than the 2147483639 a"
            + " Java array can hold",
        failure(file));
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    Path empty = write("empty", new byte[0]);
    assertEquals(empty + ": truncated header: expected 4 bytes, file has 0 bytes in all", failure(empty));
    Path cut = write("cut", Arrays.copyOf(idx(new int[] {10, 28, 28}, new byte[0]), 9));
    assertEquals(cut + ": truncated header: expected 16 bytes, file has 9 bytes in all", failure(cut));
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    Path file = write("t10k-images-idx3-ubyte", idx(new int[] {10000, 28, 28}, new byte[12]));
    assertEquals(
        file + ": truncated: header says 10000x28x28 = 7840000 bytes of data, file has 12 bytes after the"
            + " 16-byte header",
        failure(file));
  }

  @Test
  void rejectsTrailingData() throws IOException {
    Path file = write("padded", idx(new int[] {2, 2}, new byte[6]));
    assertEquals(
        file + ": extra data: header says 2x2 = 4 bytes of data, file has 6 bytes after the 12-byte header",
        failure(file));
  }

  @Test
  void gzipWithTooLittleOrTooMuchDataIsRejected() throws IOException {
    Path shortFile = write("short.gz", gzip(idx(new int[] {2, 2}, new byte[3])));
    assertEquals(
        shortFile + ": truncated: header says 2x2 = 4 bytes of data, the decompressed stream has 3 bytes after"
            + " the 12-byte header",
        failure(shortFile));
    Path longFile = write("long.gz", gzip(idx(new int[] {2, 2}, new byte[70000])));
    assertEquals(
        longFile + ": extra data: header says 2x2 = 4 bytes of data, the decompressed stream has 70000 bytes"
            + " after the 12-byte header",
        failure(longFile));
  }

  @Test
  void cutGzipStreamsAreReportedWithTheDecompressedOffset() throws IOException {
    byte[] data = new byte[200_000];
    new Random(3).nextBytes(data);
    byte[] compressed = gzip(idx(new int[] {200, 1000}, data));

    Path headerOnly = write("header-only", Arrays.copyOf(compressed, 10));
    assertEquals(
        headerOnly + ": gzip stream truncated or corrupt after 0 decompressed bytes: Unexpected end of ZLIB input"
            + " stream",
        failure(headerOnly));

    Path noTrailer = write("no-trailer", Arrays.copyOf(compressed, compressed.length - 8));
    assertEquals(
        noTrailer + ": gzip stream truncated or corrupt after 200012 decompressed bytes: unexpected end of"
            + " stream",
        failure(noTrailer));

    Path half = write("half", Arrays.copyOf(compressed, compressed.length / 2));
    String message = failure(half);
    String pattern = Pattern.quote(half + ": gzip stream truncated or corrupt after ") + "(\\d+)"
        + Pattern.quote(" decompressed bytes: Unexpected end of ZLIB input stream");
    assertTrue(message.matches(pattern), message);
    long offset = Long.parseLong(message.replaceAll(pattern, "$1"));
    assertTrue(offset > 50_000 && offset < 150_000, "offset near the middle, got " + offset);
  }

  @Test
  void gzipChecksumErrorIsAFormatError() throws IOException {
    byte[] compressed = gzip(idx(new int[] {3}, bytes(1, 2, 3)));
    compressed[compressed.length - 6] ^= 1; // inside the CRC-32 of the trailer
    Path file = write("bad-crc", compressed);
    assertEquals(
        file + ": gzip stream truncated or corrupt after 11 decompressed bytes: Corrupt GZIP trailer",
        failure(file));
  }

  @Test
  void readImagesAndReadLabelsCheckTheRank() throws IOException {
    Path labels = write("labels", idx(new int[] {5}, new byte[5]));
    FileFormatException e = assertThrows(FileFormatException.class, () -> IdxReader.readImages(labels));
    assertEquals(labels + ": expected 3 dimensions (images x rows x columns), found 1 (5)", e.getMessage());
    Path images = write("images", idx(new int[] {2, 2, 2}, new byte[8]));
    e = assertThrows(FileFormatException.class, () -> IdxReader.readLabels(images));
    assertEquals(images + ": expected 1 dimension (labels), found 3 (2x2x2)", e.getMessage());
  }

  @Test
  void readDatasetPairsImagesWithLabels() throws IOException {
    Path images = write("images", idx(new int[] {3, 2, 2}, bytes(0, 0, 0, 0, 255, 255, 255, 255, 1, 2, 3, 4)));
    Path labels = write("labels", idx(new int[] {3}, bytes(4, 0, 9)));
    Dataset d = IdxReader.readDataset(images, labels, 10);
    assertEquals(3, d.size());
    assertEquals(10, d.numClasses());
    assertArrayEquals(new int[] {4, 0, 9}, d.labels());
    assertEquals(Shape.of(2, 2, 1), d.exampleShape());
    assertEquals(4 / 255f, d.inputs().get(2, 1, 1, 0), 0f);
    assertTrue(d.storesBytes(), "images stay bytes in memory");
    assertArrayEquals(IdxReader.readImages(images).data(), d.inputs().data(), "the floats readImages gives");
  }

  @Test
  void readDatasetRejectsCountMismatchAndLabelsOutOfRange() throws IOException {
    Path images = write("images", idx(new int[] {3, 1, 1}, bytes(1, 2, 3)));
    Path two = write("two-labels", idx(new int[] {2}, bytes(1, 2)));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> IdxReader.readDataset(images, two, 10));
    assertEquals(two + ": header says 2 labels, but " + images + " has 3 images", e.getMessage());

    Path big = write("big-label", idx(new int[] {3}, bytes(1, 10, 2)));
    e = assertThrows(FileFormatException.class, () -> IdxReader.readDataset(images, big, 10));
    assertEquals(big + ": label at offset 9 must be in [0, 10), found 10", e.getMessage());
  }
}
