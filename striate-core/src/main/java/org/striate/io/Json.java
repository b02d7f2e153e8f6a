package org.striate.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.core.util.Separators.Spacing;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON settings shared by architecture and model files: strict when reading, stable when writing. */
final class Json {
  /** Rejects duplicate keys (a tensor listed twice) and anything after the top-level value. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** One line, spaced as people write JSON by hand: {@code {"units": 10, "kernel_size": [3, 3]}}. */
  private static final ObjectWriter INLINE = MAPPER.writer(
      new DefaultPrettyPrinter(Separators.createDefaultInstance()
              .withObjectFieldValueSpacing(Spacing.AFTER)
              .withObjectEntrySpacing(Spacing.AFTER)
              .withArrayValueSpacing(Spacing.AFTER)
              .withObjectEmptySeparator("")
              .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("", ""))
          .withArrayIndenter(new DefaultIndenter("", "")));

  private Json() {}

  static String inline(Object value) {
    try {
      return INLINE.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("JSON: cannot write " + value.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JSON value in {@code utf8}, or an exception naming {@code file}, the line and column, and Jackson's
   * description of the problem.
   *
   * @param fileOffset where {@code utf8} starts in the file, or -1 if its bytes are not the file's (text that
   *     was itself inside a JSON string)
   * @param what the name of the text in messages, such as {@code "header"}
   */
  static JsonNode parse(byte[] utf8, String file, long fileOffset, String what) throws ModelFormatException {
    JsonNode node;
    try {
      node = MAPPER.readTree(utf8);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      long offset = at == null || fileOffset < 0 || at.getByteOffset() < 0 ? -1 : fileOffset + at.getByteOffset();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ModelFormatException(
          file, offset, what + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("JSON: reading from memory failed", e);
    }
    if (node == null || node.isMissingNode()) {
      throw new ModelFormatException(file, fileOffset, what + " must be a JSON object, got nothing");
    }
    return node;
  }

  /** The value of an integer node if it fits in a long and is at least 0, else -1. */
  static long nonNegativeLong(JsonNode node) {
    if (node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
      return node.longValue();
    }
    return -1;
  }

  /** A node as JSON text for a message, shortened if long. */
  static String show(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
