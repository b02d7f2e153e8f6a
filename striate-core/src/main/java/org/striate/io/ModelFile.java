package org.striate.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.striate.files.AtomicWrite;
import org.striate.io.ModelHeader.TensorEntry;
import org.striate.nn.Layer;
import org.striate.nn.Parameter;
import org.striate.nn.Model;

/**
 * Saves and loads a {@link Model}, architecture and parameters, in one file laid out as
 * safetensors, so that Python's {@code safetensors} (or plain numpy) can open it:
 *
 * <pre>
 * bytes [0, 8)        N, the header length: unsigned 64-bit little-endian
 * bytes [8, 8 + N)    the header: UTF-8 JSON padded with spaces to a multiple of 8 bytes
 * bytes [8 + N, end)  the data: every parameter as little-endian float32, row-major, in model order
 * </pre>
 *
 * The header maps {@code "<layer name>/<parameter name>"} (such as {@code conv2d/kernel}) to
 * {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}, offsets relative to the data, and
 * holds {@code "__metadata__"}: {@code "format": "striate"}, {@code "format_version": "1"},
 * {@code "architecture"}: the {@link ArchitectureJson} text, and {@code "sha256"}: the SHA-256, in lowercase
 * hexadecimal, of the whole file as written with this value replaced by 64 {@code '0'} characters.
 *
 * <p>Loading trusts nothing before checking it, and allocates nothing large before the checks on the header:
 * a damaged, truncated or foreign file is refused with a {@link ModelFormatException} that says what is
 * wrong and where. Saving is atomic (see {@link AtomicWrite}).
 */
public final class ModelFile {
  /** Far above any real header (about 100 bytes per tensor plus the architecture); refuses absurd lengths. */
  static final long MAX_HEADER_BYTES = 100_000_000;
  private static final int CHUNK_BYTES = 1 << 16;
  private static final String ARCHITECTURE_PART = "in the architecture (__metadata__): ";

  private ModelFile() {}

  /**
   * Writes {@code model} to {@code file}, replacing any existing file only once the new one is complete.
   *
   * @throws IllegalArgumentException if two parameters would get the same tensor name
   * @throws IOException if the file cannot be written; an existing file is then left as it was
   */
  public static void save(Model model, Path file) throws IOException {
    List<TensorEntry> tensors = new ArrayList<>();
    List<Parameter> parameters = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (Layer layer : model.layers()) {
      for (Parameter p : layer.parameters()) {
        String name = tensorName(layer, p);
        if (!names.add(name)) {
          throw new IllegalArgumentException(
              "ModelFile: tensor names <layer>/<parameter> must be unique, got '" + name + "' twice");
        }
        long end = offset + 4L * p.value().size();
        tensors.add(new TensorEntry(name, Arrays.stream(p.shape().dims()).asLongStream().toArray(), offset, end));
        parameters.add(p);
        offset = end;
      }
    }
    byte[] header = ModelHeader.encode(ArchitectureJson.toJson(model), tensors);
    long checksumAt = 8L + ModelHeader.checksumAt(header);
    AtomicWrite.write(file, channel -> {
      MessageDigest sha = sha256();
      write(channel, sha, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
      write(channel, sha, ByteBuffer.wrap(header));
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (Parameter p : parameters) {
        float[] data = p.value().data();
        for (int i = 0; i < data.length; i += CHUNK_BYTES / 4) {
          int n = Math.min(data.length - i, CHUNK_BYTES / 4);
          buffer.clear();
          buffer.asFloatBuffer().put(data, i, n);
          buffer.limit(4 * n);
          write(channel, sha, buffer);
        }
      }
      ByteBuffer digits = ByteBuffer.wrap(hex(sha).getBytes(StandardCharsets.US_ASCII));
      while (digits.hasRemaining()) {
        channel.write(digits, checksumAt + digits.position());
      }
    });
  }

  /**
   * Reads a model written by {@link #save}: its architecture, rebuilt, with the saved parameters.
   *
   * @throws ModelFormatException if the file is not a complete, intact Striate model file; the message names
   *     the file, the byte offset where one applies, what was expected and what was found
   * @throws IOException if the file cannot be read
   */
  public static Model load(Path file) throws IOException {
    String name = file.toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw new ModelFormatException(name, 0,
            "a model file starts with an 8-byte header length, but the file has only " + size + " bytes");
      }
      ByteBuffer lengthBytes = read(channel, 0, 8, name);
      long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
        throw new ModelFormatException(name, 0, "the header length must be at most " + MAX_HEADER_BYTES
            + " bytes, got " + Long.toUnsignedString(headerLength) + " (not a Striate model file?)");
      }
      if (headerLength > size - 8) {
        throw new ModelFormatException(name, 0, "the header length is " + headerLength + " bytes, but only "
            + (size - 8) + " follow it (the file is truncated?)");
      }
      byte[] headerBytes = read(channel, 8, (int) headerLength, name).array();
      ModelHeader header = ModelHeader.decode(headerBytes, name);
      long dataStart = 8 + headerLength;
      checkDataLength(header, size - dataStart, dataStart, name);
      checkChecksum(channel, lengthBytes, headerBytes, header, name);
      Model model = ArchitectureJson.parse(
          header.architecture().getBytes(StandardCharsets.UTF_8), name, -1, ARCHITECTURE_PART);
      Map<Parameter, TensorEntry> sources = match(model, header, name);
      for (Map.Entry<Parameter, TensorEntry> e : sources.entrySet()) {
        readFloats(channel, dataStart + e.getValue().begin(), e.getKey().value().data(), name);
      }
      return model;
    }
  }

  /** The name of a parameter's tensor in the file, such as {@code conv2d/kernel}. */
  public static String tensorName(Layer layer, Parameter parameter) {
    return layer.name() + "/" + parameter.name();
  }

  private static void checkDataLength(ModelHeader header, long actual, long dataStart, String file)
      throws ModelFormatException {
    long promised = header.dataLength();
    if (actual < promised) {
      TensorEntry past = header.tensors().stream().filter(t -> t.end() > actual).findFirst().orElseThrow();
      throw new ModelFormatException(file, dataStart + actual, "the header promises " + promised
          + " bytes of tensor data, but the file has " + actual + " (tensor '" + past.name() + "' at data_offsets ["
          + past.begin() + ", " + past.end() + "] goes past the end; the file is truncated?)");
    }
    if (actual > promised) {
      throw new ModelFormatException(file, dataStart + promised, "the header promises " + promised
          + " bytes of tensor data, but the file has " + actual + " (" + (actual - promised)
          + " unexpected bytes at the end)");
    }
  }

  /** Recomputes the checksum over the whole file, streaming the data: nothing large is allocated. */
  private static void checkChecksum(FileChannel channel, ByteBuffer lengthBytes, byte[] headerBytes, ModelHeader header,
      String file) throws IOException {
    MessageDigest sha = sha256();
    sha.update(lengthBytes.duplicate().clear());
    byte[] withPlaceholder = headerBytes.clone();
    Arrays.fill(withPlaceholder, header.sha256At(), header.sha256At() + 64, (byte) '0');
    sha.update(withPlaceholder);
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
    for (long position = 8L + headerBytes.length; position < channel.size(); ) {
      buffer.clear();
      int n = channel.read(buffer, position);
      if (n < 0) {
        break;
      }
      sha.update(buffer.flip());
      position += n;
    }
    String actual = hex(sha);
    if (!actual.equals(header.sha256())) {
      throw new ModelFormatException(file, 8L + header.sha256At(), "checksum mismatch: __metadata__ \"sha256\" is "
          + header.sha256() + ", but the file hashes to " + actual + " (the file is damaged or was edited)");
    }
  }

  /** Each parameter of {@code model} with its tensor, after checking names and shapes both ways. */
  private static Map<Parameter, TensorEntry> match(Model model, ModelHeader header, String file)
      throws ModelFormatException {
    Map<String, TensorEntry> unclaimed = new LinkedHashMap<>();
    header.tensors().forEach(t -> unclaimed.put(t.name(), t));
    Map<Parameter, TensorEntry> sources = new LinkedHashMap<>();
    List<String> expected = new ArrayList<>();
    for (Layer layer : model.layers()) {
      for (Parameter p : layer.parameters()) {
        String name = tensorName(layer, p);
        expected.add(name);
        long[] shape = Arrays.stream(p.shape().dims()).asLongStream().toArray();
        TensorEntry t = unclaimed.remove(name);
        if (t == null) {
          throw new ModelFormatException(file, -1, "tensor '" + name + "' is missing; the architecture needs it with "
              + "shape " + Arrays.toString(shape));
        }
        if (!Arrays.equals(t.shape(), shape)) {
          throw new ModelFormatException(file, -1, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
              + ", but the architecture needs " + Arrays.toString(shape));
        }
        sources.put(p, t);
      }
    }
    if (!unclaimed.isEmpty()) {
      throw new ModelFormatException(file, -1, "the file has tensors the architecture does not: "
          + unclaimed.keySet() + "; the architecture's tensors are " + expected);
    }
    return sources;
  }

  private static void readFloats(FileChannel channel, long position, float[] into, String file) throws IOException {
    for (int i = 0; i < into.length; i += CHUNK_BYTES / 4) {
      int n = Math.min(into.length - i, CHUNK_BYTES / 4);
      read(channel, position + 4L * i, 4 * n, file).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, i, n);
    }
  }

  /** Exactly {@code length} bytes from {@code position}, flipped for reading. */
  private static ByteBuffer read(FileChannel channel, long position, int length, String file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        // Only possible if the file shrank after its size was checked.
        throw new ModelFormatException(file, position + buffer.position(), "the file ended while reading it");
      }
    }
    return buffer.flip();
  }

  private static void write(FileChannel channel, MessageDigest sha, ByteBuffer bytes) throws IOException {
    sha.update(bytes.duplicate());
    AtomicWrite.writeFully(channel, bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing, yet every Java platform must provide it", e);
    }
  }

  private static String hex(MessageDigest sha) {
    return HexFormat.of().formatHex(sha.digest());
  }
}
