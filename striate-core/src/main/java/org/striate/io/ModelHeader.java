package org.striate.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a model file, in the safetensors layout: {@code "__metadata__"} (string to string) and one
 * entry per tensor, {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}, offsets relative to
 * the data section. {@link #decode} checks everything that can be checked without the data or the
 * architecture: the metadata Striate needs, each entry's syntax, and that the entries tile the data section.
 */
record ModelHeader(String architecture, String sha256, int sha256At, List<TensorEntry> tensors, long dataLength) {
  static final String FORMAT = "striate";
  static final String FORMAT_VERSION = "1";
  /** Written first in place of the checksum, which covers the whole file with this value standing in. */
  static final String SHA256_PLACEHOLDER = "0".repeat(64);

  /** One tensor's entry; {@code [begin, end)} are byte offsets in the data section. */
  record TensorEntry(String name, long[] shape, long begin, long end) {}

  private static final List<String> METADATA_KEYS = List.of("format", "format_version", "architecture", "sha256");
  private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");

  /** The header's bytes, padded with spaces to a multiple of 8 as safetensors does, with the placeholder checksum. */
  static byte[] encode(String architecture, List<TensorEntry> tensors) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", FORMAT);
    metadata.put("format_version", FORMAT_VERSION);
    metadata.put("architecture", architecture);
    metadata.put("sha256", SHA256_PLACEHOLDER);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("__metadata__", metadata);
    for (TensorEntry t : tensors) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", "F32");
      entry.put("shape", t.shape());
      entry.put("data_offsets", new long[] {t.begin(), t.end()});
      root.put(t.name(), entry);
    }
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("model header: cannot write JSON: " + e.getMessage(), e);
    }
    byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }

  /**
   * Checks and reads a header.
   *
   * @param file names the file in messages; the header starts at byte 8 of it
   * @throws ModelFormatException naming what is wrong
   */
  static ModelHeader decode(byte[] header, String file) throws ModelFormatException {
    JsonNode root = Json.parse(header, file, 8, "the header");
    if (!root.isObject()) {
      throw problem(file, "the header must be a JSON object, got " + Json.show(root));
    }
    JsonNode metadata = root.get("__metadata__");
    if (metadata == null || !metadata.isObject()) {
      throw problem(file, "the header must have \"__metadata__\" with Striate's format, format_version, architecture "
          + "and sha256; got " + Json.show(metadata) + " (not a Striate model file?)");
    }
    Map<String, String> values = metadataValues(metadata, file);
    if (!FORMAT.equals(values.get("format"))) {
      throw problem(file,
          "__metadata__ \"format\" must be \"" + FORMAT + "\", got " + Json.show(metadata.get("format")));
    }
    if (!FORMAT_VERSION.equals(values.get("format_version"))) {
      throw problem(file, "__metadata__ \"format_version\" must be \"" + FORMAT_VERSION
          + "\" (the version this Striate reads), got " + Json.show(metadata.get("format_version")));
    }
    String sha256 = values.get("sha256");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw problem(file,
          "__metadata__ \"sha256\" must be 64 lowercase hexadecimal digits, got " + Json.show(metadata.get("sha256")));
    }
    List<TensorEntry> tensors = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getKey().equals("__metadata__")) {
        tensors.add(entry(field.getKey(), field.getValue(), file));
      }
    }
    int sha256At = checksumAt(header);
    if (sha256At < 0) {
      throw problem(file, "__metadata__ \"sha256\" must be written as 64 plain digits, without escapes");
    }
    long dataLength = tile(tensors, file, 8L + header.length);
    return new ModelHeader(values.get("architecture"), sha256, sha256At, tensors, dataLength);
  }

  private static Map<String, String> metadataValues(JsonNode metadata, String file) throws ModelFormatException {
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw problem(file, "__metadata__ values must be strings (safetensors), got \"" + field.getKey() + "\": "
            + Json.show(field.getValue()));
      }
      values.put(field.getKey(), field.getValue().textValue());
    }
    for (String key : METADATA_KEYS) {
      if (!values.containsKey(key)) {
        throw problem(file, "__metadata__ must have \"" + key + "\", got keys " + values.keySet()
            + (values.containsKey("format") ? "" : " (not a Striate model file?)"));
      }
    }
    return values;
  }

  private static TensorEntry entry(String name, JsonNode node, String file) throws ModelFormatException {
    String where = "tensor '" + name + "': ";
    if (!node.isObject()) {
      throw problem(file, where + "must be an object with dtype, shape and data_offsets, got " + Json.show(node));
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!ENTRY_KEYS.contains(key)) {
        throw problem(file, where + "unknown key \"" + key + "\"; the allowed keys are [dtype, shape, data_offsets]");
      }
    }
    JsonNode dtype = node.get("dtype");
    if (dtype == null || !dtype.isTextual() || !dtype.textValue().equals("F32")) {
      throw problem(file,
          where + "dtype must be \"F32\" (float32, the only type Striate stores), got " + Json.show(dtype));
    }
    long[] shape = longs(node.get("shape"));
    if (shape == null) {
      throw problem(file, where + "shape must be a list of non-negative integers, got " + Json.show(node.get("shape")));
    }
    long[] offsets = longs(node.get("data_offsets"));
    if (offsets == null || offsets.length != 2 || offsets[0] > offsets[1]) {
      throw problem(file, where + "data_offsets must be [begin, end] with 0 <= begin <= end, got "
          + Json.show(node.get("data_offsets")));
    }
    long bytes = 4;
    try {
      for (long d : shape) {
        bytes = Math.multiplyExact(bytes, d);
      }
    } catch (ArithmeticException e) {
      throw problem(file, where + "shape " + Arrays.toString(shape) + " has too many elements to store");
    }
    if (bytes != offsets[1] - offsets[0]) {
      throw problem(file, where + "shape " + Arrays.toString(shape) + " needs " + bytes + " bytes of F32 data, but "
          + "data_offsets " + Arrays.toString(offsets) + " span " + (offsets[1] - offsets[0]));
    }
    return new TensorEntry(name, shape, offsets[0], offsets[1]);
  }

  /** The values of a list of non-negative integers, or null if {@code node} is not one. */
  private static long[] longs(JsonNode node) {
    if (node == null || !node.isArray()) {
      return null;
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Json.nonNegativeLong(node.get(i));
      if (out[i] < 0) {
        return null;
      }
    }
    return out;
  }

  /**
   * The length of the data section the tensors cover, after checking that they cover it exactly once, from 0
   * without gaps or overlaps, as safetensors requires; the tensors may be listed in any order.
   */
  private static long tile(List<TensorEntry> tensors, String file, long dataStart) throws ModelFormatException {
    List<TensorEntry> byOffset = new ArrayList<>(tensors);
    byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
    long covered = 0;
    TensorEntry previous = null;
    for (TensorEntry t : byOffset) {
      String at = "tensor '" + t.name() + "': data_offsets [" + t.begin() + ", " + t.end() + "] ";
      String before = previous == null ? "the start of the data section"
          : "tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + "]";
      if (t.begin() < covered) {
        throw new ModelFormatException(file, dataStart + t.begin(), at + "overlap " + before);
      }
      if (t.begin() > covered) {
        throw new ModelFormatException(file, dataStart + covered, at + "leave bytes [" + covered + ", " + t.begin()
            + ") after " + before + " unused; tensors must be contiguous");
      }
      covered = t.end();
      previous = t;
    }
    return covered;
  }

  /**
   * Where the 64 digits of {@code __metadata__.sha256} start in {@code header}, or -1 if they are absent or
   * written with escapes; found by parsing, so the same text elsewhere (in the architecture) cannot mislead.
   */
  static int checksumAt(byte[] header) {
    try (JsonParser parser = Json.MAPPER.createParser(header)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean isMetadata = parser.currentName().equals("__metadata__");
        if (parser.nextToken() != JsonToken.START_OBJECT || !isMetadata) {
          parser.skipChildren();
          continue;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          boolean isChecksum = parser.currentName().equals("sha256");
          if (parser.nextToken() == JsonToken.VALUE_STRING && isChecksum) {
            long quote = parser.currentTokenLocation().getByteOffset();
            String value = parser.getText();
            int start = (int) quote + 1;
            boolean plain = value.length() == 64 && start + 65 <= header.length && header[start + 64] == '"'
                && value.equals(new String(header, start, 64, StandardCharsets.US_ASCII));
            return plain ? start : -1;
          }
          parser.skipChildren();
        }
        return -1;
      }
      return -1;
    } catch (JsonProcessingException e) {
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException("model header: reading from memory failed", e);
    }
  }

  private static ModelFormatException problem(String file, String message) {
    return new ModelFormatException(file, -1, message);
  }
}
