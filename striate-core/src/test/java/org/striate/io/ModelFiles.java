package org.striate.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds model files byte by byte, independently of {@link ModelFile}, to test what load accepts and how it
 * rejects files that are well formed except for one thing (which needs a correct checksum).
 */
final class ModelFiles {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final byte[] PLACEHOLDER_FIELD =
      ("\"sha256\":\"" + "0".repeat(64) + "\"").getBytes(StandardCharsets.US_ASCII);

  private ModelFiles() {}

  /** A header map holding {@code __metadata__} as Striate writes it, with the checksum still a placeholder. */
  static Map<String, Object> header(String architecture) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("format", "striate");
    metadata.put("format_version", "1");
    metadata.put("architecture", architecture);
    metadata.put("sha256", "0".repeat(64));
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", metadata);
    return header;
  }

  static Map<String, Object> tensor(String dtype, List<Integer> shape, long begin, long end) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("dtype", dtype);
    entry.put("shape", shape);
    entry.put("data_offsets", List.of(begin, end));
    return entry;
  }

  static byte[] littleEndian(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  /** The file for {@code header} (compact JSON, unpadded) and {@code data}, with its checksum filled in. */
  static byte[] file(Map<String, Object> header, byte[] data) throws Exception {
    return withChecksum(file(PLAIN.writeValueAsBytes(header), data));
  }

  /** Length prefix, header bytes and data, as they are: no checksum computed. */
  static byte[] file(byte[] header, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putLong(header.length).put(header).put(data).array();
  }

  /** {@code file} with the placeholder {@code "sha256":"000..."} replaced by the checksum of the file. */
  static byte[] withChecksum(byte[] file) throws Exception {
    int at = indexOf(file, PLACEHOLDER_FIELD) + PLACEHOLDER_FIELD.length - 65;
    byte[] digits = sha256(file).getBytes(StandardCharsets.US_ASCII);
    byte[] out = file.clone();
    System.arraycopy(digits, 0, out, at, 64);
    return out;
  }

  /** The checksum of a file whose sha256 digits start at {@code digitsAt}, as the format defines it. */
  static String checksum(byte[] file, int digitsAt) throws Exception {
    byte[] zeroed = file.clone();
    Arrays.fill(zeroed, digitsAt, digitsAt + 64, (byte) '0');
    return sha256(zeroed);
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found: " + new String(needle, StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
