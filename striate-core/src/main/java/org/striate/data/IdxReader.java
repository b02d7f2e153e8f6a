package org.striate.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Reads IDX files, the format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST).
 *
 * <p>Layout: two zero bytes; a type byte ({@code 0x08}, unsigned byte, is the only type supported); a byte
 * {@code d} with the number of dimensions; {@code d} big-endian int32 sizes; then the elements, row-major.
 * The header is therefore {@code 4 + 4d} bytes long. A file may also be gzip-compressed; compression is
 * recognised by the gzip magic bytes {@code 0x1f 0x8b}, whatever the file's name.
 *
 * <p>The header is checked before anything is allocated: magic, type, {@code 1 <= d <= 4}, every size
 * positive, the element count within a Java array, and (for an uncompressed file) the file length equal to
 * header plus data. A compressed file is checked while it is read: it must end exactly where the header
 * says. Every failure is a {@link FileFormatException} naming the file, the offset and what was expected.
 */
public final class IdxReader {
  /** The type byte of unsigned 8-bit elements. */
  public static final int UNSIGNED_BYTE = 0x08;
  /** The most dimensions accepted; MNIST-style files have 1 (labels) or 3 (images). */
  public static final int MAX_DIMENSIONS = 4;

  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int CHUNK = 1 << 20;

  private IdxReader() {}

  /** The contents of an IDX file of unsigned bytes: the sizes from its header and the elements. */
  public record Contents(int[] dims, byte[] data) {
    /** The element at {@code i} (row-major), as an unsigned value in {@code [0, 255]}. */
    public int unsigned(int i) {
      return data[i] & 0xff;
    }
  }

  /**
   * Reads a whole IDX file, raw or gzip-compressed.
   *
   * @throws FileFormatException if the header is malformed, the type is not unsigned byte, or the data is
   *     shorter or longer than the header says
   * @throws IOException if the file cannot be read
   */
  public static Contents read(Path file) throws IOException {
    try (InputStream buffered = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      buffered.mark(2);
      boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
      buffered.reset();
      if (gzip) {
        return readBody(file, new GZIPInputStream(buffered, 1 << 16), -1);
      }
      return readBody(file, buffered, Files.size(file));
    }
  }

  /**
   * Reads images from a 3-dimensional IDX file {@code (N, H, W)} as a tensor {@code (N, H, W, 1)} with
   * values {@code byte / 255f} in [0, 1].
   *
   * @throws FileFormatException if the file is malformed or does not have 3 dimensions
   */
  public static Tensor readImages(Path file) throws IOException {
    Contents c = readImageBytes(file);
    byte[] bytes = c.data();
    float[] values = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      values[i] = (bytes[i] & 0xff) / 255f;
    }
    return new Tensor(imageShape(c), values);
  }

  private static Contents readImageBytes(Path file) throws IOException {
    Contents c = read(file);
    if (c.dims().length != 3) {
      throw new FileFormatException(
          file, "expected 3 dimensions (images x rows x columns), found " + c.dims().length + " ("
              + joinDims(c.dims()) + ")");
    }
    return c;
  }

  private static Shape imageShape(Contents images) {
    return Shape.of(images.dims()[0], images.dims()[1], images.dims()[2], 1);
  }

  /**
   * Reads labels from a 1-dimensional IDX file.
   *
   * @throws FileFormatException if the file is malformed or does not have 1 dimension
   */
  public static int[] readLabels(Path file) throws IOException {
    Contents c = read(file);
    if (c.dims().length != 1) {
      throw new FileFormatException(
          file, "expected 1 dimension (labels), found " + c.dims().length + " (" + joinDims(c.dims()) + ")");
    }
    int[] labels = new int[c.data().length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = c.unsigned(i);
    }
    return labels;
  }

  /**
   * Reads an images file and its labels file into a classification {@link Dataset}: inputs
   * {@code (N, H, W, 1)} in [0, 1], kept as the file's bytes ({@link Dataset#ofUnsignedBytes}), labels in
   * {@code [0, numClasses)}.
   *
   * @throws FileFormatException if either file is malformed, the counts differ or a label is out of range
   */
  public static Dataset readDataset(Path images, Path labels, int numClasses) throws IOException {
    Contents x = readImageBytes(images);
    int[] y = readLabels(labels);
    int n = x.dims()[0];
    if (y.length != n) {
      throw new FileFormatException(
          labels, "header says " + y.length + " labels, but " + images + " has " + n + " images");
    }
    int headerLength = 4 + 4;
    for (int i = 0; i < n; i++) {
      if (y[i] >= numClasses) {
        throw new FileFormatException(
            labels, "label at offset " + (headerLength + i) + " must be in [0, " + numClasses + "), found " + y[i]);
      }
    }
    return Dataset.ofUnsignedBytes(imageShape(x), x.data(), y, numClasses);
  }

  private static Contents readBody(Path file, InputStream in, long fileLength) throws IOException {
    String source = fileLength < 0 ? "the decompressed stream has " : "file has ";
    byte[] start = readHeaderPart(file, in, 4, 0, source);
    if (start[0] != 0 || start[1] != 0) {
      throw new FileFormatException(
          file, "not an IDX file: expected 0x00 0x00 at offset 0, found " + hex(start[0]) + " " + hex(start[1]));
    }
    int type = start[2] & 0xff;
    if (type != UNSIGNED_BYTE) {
      throw new FileFormatException(
          file, "unsupported IDX data type " + hex(start[2]) + " (" + typeName(type) + ") at offset 2: only "
              + hex((byte) UNSIGNED_BYTE) + " (unsigned byte) is supported");
    }
    int rank = start[3] & 0xff;
    if (rank < 1 || rank > MAX_DIMENSIONS) {
      throw new FileFormatException(
          file, "number of dimensions at offset 3 must be 1 to " + MAX_DIMENSIONS + ", found " + rank);
    }
    byte[] sizes = readHeaderPart(file, in, 4 * rank, 4, source);
    int[] dims = new int[rank];
    BigInteger product = BigInteger.ONE;
    for (int i = 0; i < rank; i++) {
      dims[i] = ((sizes[4 * i] & 0xff) << 24) | ((sizes[4 * i + 1] & 0xff) << 16)
          | ((sizes[4 * i + 2] & 0xff) << 8) | (sizes[4 * i + 3] & 0xff);
      if (dims[i] <= 0) {
        throw new FileFormatException(
            file, "dimension " + i + " at offset " + (4 + 4 * i) + " must be positive, found " + dims[i]);
      }
      product = product.multiply(BigInteger.valueOf(dims[i]));
    }
    int headerLength = 4 + 4 * rank;
    String expected = "header says " + joinDims(dims) + " = " + product + " bytes of data, ";
    if (product.compareTo(BigInteger.valueOf(MAX_ARRAY)) > 0) {
      throw new FileFormatException(
          file, "too large: " + expected + "more than the " + MAX_ARRAY + " a Java array can hold");
    }
    long count = product.longValue();
    if (fileLength >= 0 && fileLength - headerLength != count) {
      long found = fileLength - headerLength;
      throw new FileFormatException(file, sizeProblem(found, count, headerLength, expected, source));
    }
    // An uncompressed file's length is now known to match; a compressed one's buffer grows as data arrives,
    // so a lying header cannot make us allocate more than the stream holds.
    int capacity = fileLength >= 0 ? (int) count : (int) Math.min(count, CHUNK);
    byte[] data = readData(file, in, (int) count, capacity, headerLength);
    if (data.length < count) {
      throw new FileFormatException(file, sizeProblem(data.length, count, headerLength, expected, source));
    }
    long extra = countRemaining(file, in, headerLength + count);
    if (extra > 0) {
      throw new FileFormatException(file, sizeProblem(count + extra, count, headerLength, expected, source));
    }
    return new Contents(dims, data);
  }

  private static String sizeProblem(long found, long count, int headerLength, String expected, String source) {
    return (found < count ? "truncated: " : "extra data: ") + expected + source + found + " bytes after the "
        + headerLength + "-byte header";
  }

  private static byte[] readHeaderPart(Path file, InputStream in, int length, int offset, String source)
      throws IOException {
    byte[] part = readData(file, in, length, length, offset);
    if (part.length < length) {
      throw new FileFormatException(
          file, "truncated header: expected " + (offset + length) + " bytes, " + source + (offset + part.length)
              + " bytes in all");
    }
    return part;
  }

  /** Reads up to {@code count} bytes into a buffer that starts at {@code capacity} and doubles as needed. */
  private static byte[] readData(Path file, InputStream in, int count, int capacity, int offset)
      throws IOException {
    byte[] data = new byte[capacity];
    int filled = 0;
    while (filled < count) {
      if (filled == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(count, 2L * data.length));
      }
      // At most CHUNK bytes per read: the JDK reads a file through a temporary direct buffer as large as the
      // request and caches it per thread, which for one 47 MB read would stay allocated outside the heap.
      int n = read(file, in, data, filled, Math.min(CHUNK, data.length - filled), offset + filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled == data.length ? data : Arrays.copyOf(data, filled);
  }

  private static long countRemaining(Path file, InputStream in, long offset) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    for (int n; (n = read(file, in, buffer, 0, buffer.length, offset + total)) >= 0; ) {
      total += n;
    }
    return total;
  }

  /** One read, with a damaged gzip stream reported as a format error at the decompressed offset. */
  private static int read(Path file, InputStream in, byte[] buffer, int from, int length, long offset)
      throws IOException {
    try {
      return in.read(buffer, from, length);
    } catch (EOFException | ZipException e) {
      String reason = e.getMessage() != null ? e.getMessage() : "unexpected end of stream"; // a cut trailer
      throw new FileFormatException(
          file, "gzip stream truncated or corrupt after " + offset + " decompressed bytes: " + reason, e);
    }
  }

  private static String joinDims(int[] dims) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : "x").append(dims[i]);
    }
    return sb.toString();
  }

  private static String hex(byte b) {
    return String.format("0x%02x", b & 0xff);
  }

  private static String typeName(int type) {
    return switch (type) {
      case 0x09 -> "signed byte";
      case 0x0B -> "int16";
      case 0x0C -> "int32";
      case 0x0D -> "float32";
      case 0x0E -> "float64";
      default -> "not an IDX type";
    };
  }
}
