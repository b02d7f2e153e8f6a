package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.striate.nn.Layers;
import org.junit.jupiter.api.io.TempDir;
import org.striate.nn.Dense;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;

/** Every way a model file can be damaged or wrong, and the message each one gets. */
class ModelFileRejectsTest {
  @TempDir Path dir;

  /** Input (2,), Dense(3): tensors dense/kernel (2, 3) = 24 bytes and dense/bias (3,) = 12 bytes. */
  private static final String ARCHITECTURE = ArchitectureJson.toJson(new Sequential(Shape.of(2), new Dense(3)));

  @Test
  void everySingleByteChangeIsRejected() throws Exception {
    Path file = dir.resolve("tiny.stz");
    ModelFile.save(new Sequential(Shape.of(1), new Dense(1)).initialize(5), file);
    byte[] good = Files.readAllBytes(file);
    ModelFile.load(file);
    Path bad = dir.resolve("bad.stz");
    int rejected = 0;
    for (int i = 0; i < good.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xff}) {
        byte[] bytes = good.clone();
        bytes[i] ^= (byte) mask;
        Files.write(bad, bytes);
        int at = i;
        assertThrows(ModelFormatException.class, () -> ModelFile.load(bad), () -> "byte " + at + " ^ " + mask);
        rejected++;
      }
    }
    assertEquals(3 * good.length, rejected);
  }

  @Test
  void everyTruncationIsRejected() throws Exception {
    Path file = dir.resolve("model.stz");
    ModelFile.save(new Sequential(Shape.of(2), new Dense(3)), file);
    byte[] good = Files.readAllBytes(file);
    int dataStart = 8 + (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Path cut = dir.resolve("cut.stz");
    for (int length : new int[] {0, 1, 7, 8, 9, dataStart / 2, dataStart - 1, dataStart, dataStart + 1,
        good.length - 4, good.length - 1}) {
      Files.write(cut, Arrays.copyOf(good, length));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(cut), "length " + length);
      String expected = length < 8 ? "a model file starts with an 8-byte header length, but the file has only "
          : length < dataStart ? "the header length is " + (dataStart - 8) + " bytes, but only "
          : "the header promises 36 bytes of tensor data, but the file has " + (length - dataStart);
      assertTrue(e.getMessage().startsWith(cut + ", byte "), e.getMessage());
      assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
  }

  @Test
  void tooShortForTheLengthField() throws Exception {
    assertRejected(new byte[5],
        "byte 0: a model file starts with an 8-byte header length, but the file has only 5 bytes");
  }

  @Test
  void absurdHeaderLength() throws Exception {
    byte[] bytes = new byte[64];
    Arrays.fill(bytes, 0, 8, (byte) 0xff);
    assertRejected(bytes, "byte 0: the header length must be at most 100000000 bytes, got 18446744073709551615 "
        + "(not a Striate model file?)");
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100_000_001);
    assertRejected(bytes, "byte 0: the header length must be at most 100000000 bytes, got 100000001 "
        + "(not a Striate model file?)");
  }

  @Test
  void headerLengthBeyondTheFile() throws Exception {
    byte[] bytes = ModelFiles.file(new byte[12], new byte[0]);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
    assertRejected(bytes, "byte 0: the header length is 1000 bytes, but only 12 follow it (the file is truncated?)");
  }

  @Test
  void headerThatIsNotJson() throws Exception {
    byte[] header = "{\"a\": 1,}".getBytes(StandardCharsets.UTF_8);
    assertRejected(ModelFiles.file(header, new byte[0]), "byte 16: the header is not valid JSON at line 1, column 9: "
        + "Unexpected character ('}' (code 125)): was expecting double-quote to start field name");
  }

  @Test
  void headerWithATensorListedTwice() throws Exception {
    String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
    byte[] header = ("{\"w\":" + entry + ",\"w\":" + entry + "}").getBytes(StandardCharsets.UTF_8);
    // Jackson points just past the repeated key: header offset 57, after 8 bytes of length.
    assertRejected(ModelFiles.file(header, new byte[4]),
        "byte 65: the header is not valid JSON at line 1, column 58: Duplicate field 'w'");
  }

  @Test
  void safetensorsFileFromAnotherProgram() throws Exception {
    byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
    assertRejected(ModelFiles.file(header, new byte[4]), "the header must have \"__metadata__\" with Striate's format, "
        + "format_version, architecture and sha256; got nothing (not a Striate model file?)");
  }

  @Test
  void wrongFormatOrVersion() throws Exception {
    Map<String, Object> header = valid();
    metadata(header).put("format", "pt");
    assertRejected(ModelFiles.file(header, data(36)), "__metadata__ \"format\" must be \"striate\", got \"pt\"");
    header = valid();
    metadata(header).put("format_version", "2");
    assertRejected(ModelFiles.file(header, data(36)),
        "__metadata__ \"format_version\" must be \"1\" (the version this Striate reads), got \"2\"");
    header = valid();
    metadata(header).remove("format_version");
    assertRejected(ModelFiles.file(header, data(36)),
        "__metadata__ must have \"format_version\", got keys [format, architecture, sha256]");
  }

  @Test
  void metadataValueThatIsNotAString() throws Exception {
    Map<String, Object> header = valid();
    metadata(header).put("epochs", 3);
    assertRejected(ModelFiles.file(header, data(36)),
        "__metadata__ values must be strings (safetensors), got \"epochs\": 3");
  }

  @Test
  void checksumMismatchShowsBothValues() throws Exception {
    byte[] bytes = ModelFiles.file(valid(), data(36));
    String stored = new String(bytes, digitsAt(bytes), 64, StandardCharsets.US_ASCII);
    bytes[bytes.length - 1] ^= 1;
    String actual = ModelFiles.checksum(bytes, digitsAt(bytes));
    assertRejected(bytes, "byte " + digitsAt(bytes) + ": checksum mismatch: __metadata__ \"sha256\" is " + stored
        + ", but the file hashes to " + actual + " (the file is damaged or was edited)");
  }

  @Test
  void missingTensor() throws Exception {
    Map<String, Object> header = valid();
    header.remove("dense/bias");
    assertRejected(ModelFiles.file(header, data(24)),
        "tensor 'dense/bias' is missing; the architecture needs it with shape [3]");
  }

  @Test
  void wrongShape() throws Exception {
    Map<String, Object> header = valid();
    header.put("dense/kernel", ModelFiles.tensor("F32", List.of(3, 2), 0, 24));
    assertRejected(ModelFiles.file(header, data(36)),
        "tensor 'dense/kernel' has shape [3, 2], but the architecture needs [2, 3]");
  }

  @Test
  void wrongDtype() throws Exception {
    Map<String, Object> header = valid();
    header.put("dense/kernel", ModelFiles.tensor("F64", List.of(2, 3), 0, 24));
    assertRejected(ModelFiles.file(header, data(36)),
        "tensor 'dense/kernel': dtype must be \"F32\" (float32, the only type Striate stores), got \"F64\"");
  }

  @Test
  void extraTensor() throws Exception {
    Map<String, Object> header = valid();
    header.put("dense/scale", ModelFiles.tensor("F32", List.of(1), 36, 40));
    assertRejected(ModelFiles.file(header, data(40)), "the file has tensors the architecture does not: [dense/scale]; "
        + "the architecture's tensors are [dense/kernel, dense/bias]");
  }

  @Test
  void offsetsThatDisagreeWithTheShape() throws Exception {
    Map<String, Object> header = valid();
    header.put("dense/bias", ModelFiles.tensor("F32", List.of(3), 24, 40));
    assertRejected(ModelFiles.file(header, data(40)),
        "tensor 'dense/bias': shape [3] needs 12 bytes of F32 data, but data_offsets [24, 40] span 16");
    header.put("dense/bias", ModelFiles.tensor("F32", List.of(3), 36, 24));
    assertRejected(ModelFiles.file(header, data(36)),
        "tensor 'dense/bias': data_offsets must be [begin, end] with 0 <= begin <= end, got [36,24]");
  }

  @Test
  void overlappingOffsets() throws Exception {
    Map<String, Object> header = valid();
    header.put("dense/bias", ModelFiles.tensor("F32", List.of(3), 20, 32));
    byte[] bytes = ModelFiles.file(header, data(32));
    assertRejected(bytes, "byte " + (dataStart(bytes) + 20)
        + ": tensor 'dense/bias': data_offsets [20, 32] overlap tensor 'dense/kernel' [0, 24]");
  }

  @Test
  void offsetsWithAGap() throws Exception {
    Map<String, Object> header = valid();
    header.put("dense/bias", ModelFiles.tensor("F32", List.of(3), 28, 40));
    byte[] bytes = ModelFiles.file(header, data(40));
    assertRejected(bytes, "byte " + (dataStart(bytes) + 24) + ": tensor 'dense/bias': data_offsets [28, 40] leave "
        + "bytes [24, 28) after tensor 'dense/kernel' [0, 24] unused; tensors must be contiguous");
  }

  @Test
  void offsetsPastTheEndOfTheFile() throws Exception {
    byte[] bytes = ModelFiles.file(valid(), data(30));
    assertRejected(bytes, "byte " + (dataStart(bytes) + 30) + ": the header promises 36 bytes of tensor data, but the "
        + "file has 30 (tensor 'dense/bias' at data_offsets [24, 36] goes past the end; the file is truncated?)");
  }

  @Test
  void bytesAfterTheLastTensor() throws Exception {
    byte[] bytes = ModelFiles.file(valid(), data(40));
    assertRejected(bytes, "byte " + (dataStart(bytes) + 36) + ": the header promises 36 bytes of tensor data, but the "
        + "file has 40 (4 unexpected bytes at the end)");
  }

  @Test
  void architectureThatCannotBeBuilt() throws Exception {
    Map<String, Object> header = valid();
    metadata(header).put("architecture", ARCHITECTURE.replace("\"Dense\"", "\"Conv3D\""));
    assertRejected(ModelFiles.file(header, data(36)),
        "in the architecture (__metadata__): layers[0]: layer type must be one of " + Layers.types() + ", got 'Conv3D'");
  }

  @Test
  void theValidBaseFileLoads() throws Exception {
    Path file = dir.resolve("valid.stz");
    Files.write(file, ModelFiles.file(valid(), data(36)));
    assertEquals(9f, ModelFile.load(file).layer("dense").parameters().get(1).value().data()[2]);
  }

  /** The file the other tests spoil in one way: correct in every respect, data 1, 2, ..., 9. */
  private static Map<String, Object> valid() {
    Map<String, Object> header = ModelFiles.header(ARCHITECTURE);
    header.put("dense/kernel", ModelFiles.tensor("F32", List.of(2, 3), 0, 24));
    header.put("dense/bias", ModelFiles.tensor("F32", List.of(3), 24, 36));
    return header;
  }

  private static byte[] data(int bytes) {
    float[] values = new float[bytes / 4];
    for (int i = 0; i < values.length; i++) {
      values[i] = i + 1;
    }
    return Arrays.copyOf(ModelFiles.littleEndian(values), bytes);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> header) {
    return (Map<String, Object>) header.get("__metadata__");
  }

  private static int dataStart(byte[] bytes) {
    return 8 + (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static int digitsAt(byte[] bytes) {
    return ModelFiles.indexOf(bytes, "\"sha256\":\"".getBytes(StandardCharsets.US_ASCII)) + 10;
  }

  private void load(byte[] bytes) throws Exception {
    Path file = dir.resolve("crafted.stz");
    Files.write(file, bytes);
    ModelFile.load(file);
  }

  /** Loading {@code bytes} fails with "{@code <file>[, byte n]: <problem>}", {@code expected} being the tail. */
  private void assertRejected(byte[] bytes, String expected) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> load(bytes));
    String file = dir.resolve("crafted.stz").toString();
    String message = e.getMessage();
    assertTrue(message.equals(file + ", " + expected) || message.equals(file + ": " + expected),
        () -> "expected <" + file + "[, byte n]: " + expected + "> but was <" + message + ">");
  }
}
