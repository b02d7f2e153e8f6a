package org.striate.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;

/**
 * A {@link Sequential} model's architecture, without its weights, as JSON text:
 *
 * <pre>{@code
 * {
 *   "format": "striate-architecture",
 *   "version": 1,
 *   "input_shape": [28, 28, 1],
 *   "layers": [
 *     {"type": "Conv2D", "name": "conv2d", "filters": 32, "kernel_size": [3, 3], ...},
 *     {"type": "Dense", "name": "dense", "units": 10, "activation": "softmax", ...}
 *   ]
 * }
 * }</pre>
 *
 * <p>Each layer object is that layer's {@link Layer#config()}; reading rebuilds it with
 * {@link Layers#fromConfig}, which also rejects keys the layer type does not know. All four top-level keys are
 * required and no others are allowed, so a misspelling is an error rather than a silently ignored setting.
 */
public final class ArchitectureJson {
  /** The value of the {@code "format"} key. */
  public static final String FORMAT = "striate-architecture";
  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  private static final List<String> KEYS = List.of("format", "version", "input_shape", "layers");
  /** Far beyond any real architecture: a wrong path (to a dataset, say) is refused instead of read into memory. */
  private static final long MAX_FILE_BYTES = 100_000_000;
  private static final TypeReference<LinkedHashMap<String, Object>> CONFIG = new TypeReference<>() {};

  private ArchitectureJson() {}

  /** The architecture as JSON text, one line per layer; {@link #fromJson} reads it back. */
  public static String toJson(Sequential model) {
    StringBuilder out = new StringBuilder("{\n");
    out.append("  \"format\": ").append(Json.inline(FORMAT)).append(",\n");
    out.append("  \"version\": ").append(VERSION).append(",\n");
    out.append("  \"input_shape\": ").append(Json.inline(model.inputShape().dims())).append(",\n");
    out.append("  \"layers\": [\n");
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      out.append("    ").append(Json.inline(layers.get(i).config())).append(i + 1 < layers.size() ? ",\n" : "\n");
    }
    return out.append("  ]\n}\n").toString();
  }

  /**
   * A new model, with freshly initialised parameters, built from JSON text such as {@link #toJson} writes.
   *
   * @param source names the text in error messages, such as a file name
   * @throws ModelFormatException if the text is not valid JSON, lacks or misspells a key, names an unknown
   *     layer type or setting, or describes layers that cannot be built; the message starts with {@code source}
   */
  public static Sequential fromJson(String json, String source) throws ModelFormatException {
    return parse(json.getBytes(StandardCharsets.UTF_8), source, -1, "");
  }

  /**
   * Reads an architecture file, as {@link #fromJson}.
   *
   * @throws ModelFormatException if the file is not a valid architecture; the message names the file
   * @throws IOException if the file cannot be read
   */
  public static Sequential read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new ModelFormatException(file.toString(), -1,
          "an architecture file has at most " + MAX_FILE_BYTES + " bytes, got " + size + "; is this the right file?");
    }
    return parse(Files.readAllBytes(file), file.toString(), 0, "");
  }

  /**
   * Writes {@link #toJson} to {@code file} atomically: an existing file is replaced only once the new one is
   * complete, and a failed write leaves it untouched.
   */
  public static void write(Sequential model, Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(toJson(model).getBytes(StandardCharsets.UTF_8));
    AtomicWrite.write(file, channel -> AtomicWrite.writeFully(channel, bytes));
  }

  /**
   * Builds the model {@code utf8} describes.
   *
   * @param fileOffset where {@code utf8} starts in {@code file}, or -1 if the text was inside a JSON string
   * @param part prefixed to every problem, to say where in the file the text was; empty for a whole file
   */
  static Sequential parse(byte[] utf8, String file, long fileOffset, String part) throws ModelFormatException {
    JsonNode root = Json.parse(utf8, file, fileOffset, part.isEmpty() ? "the architecture" : part + "the text");
    if (!root.isObject()) {
      throw problem(file, part, "the architecture must be a JSON object, got " + Json.show(root));
    }
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!KEYS.contains(key)) {
        throw problem(file, part, "unknown key \"" + key + "\"; the allowed keys are " + KEYS);
      }
    }
    JsonNode format = require(root, "format", file, part, "\"" + FORMAT + "\"");
    if (!format.isTextual() || !format.textValue().equals(FORMAT)) {
      throw problem(file, part, "\"format\" must be \"" + FORMAT + "\", got " + Json.show(format));
    }
    JsonNode version = require(root, "version", file, part, String.valueOf(VERSION));
    if (!version.isIntegralNumber() || version.longValue() != VERSION) {
      throw problem(file, part,
          "\"version\" must be " + VERSION + " (the version this Striate reads), got " + Json.show(version));
    }
    JsonNode shapeNode = require(root, "input_shape", file, part, "the shape of one example, such as [28, 28, 1]");
    Shape inputShape = inputShape(shapeNode, file, part);
    JsonNode layerNodes = require(root, "layers", file, part, "a list of layer objects");
    if (!layerNodes.isArray()) {
      throw problem(file, part, "\"layers\" must be a list of layer objects, got " + Json.show(layerNodes));
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < layerNodes.size(); i++) {
      JsonNode node = layerNodes.get(i);
      if (!node.isObject()) {
        throw problem(file, part, "layers[" + i + "] must be a layer object, got " + Json.show(node));
      }
      Map<String, Object> config = Json.MAPPER.convertValue(node, CONFIG);
      try {
        layers.add(Layers.fromConfig(config));
      } catch (IllegalArgumentException e) {
        throw problem(file, part, "layers[" + i + "]: " + e.getMessage());
      }
    }
    try {
      return new Sequential(inputShape, layers);
    } catch (IllegalArgumentException e) {
      throw problem(file, part, e.getMessage());
    }
  }

  private static Shape inputShape(JsonNode node, String file, String part) throws ModelFormatException {
    String rule = "\"input_shape\" must be a list of positive integers, such as [28, 28, 1], got ";
    if (!node.isArray()) {
      throw problem(file, part, rule + Json.show(node));
    }
    int[] dims = new int[node.size()];
    for (int i = 0; i < dims.length; i++) {
      long d = Json.nonNegativeLong(node.get(i));
      if (d <= 0 || d > Integer.MAX_VALUE) {
        throw problem(file, part, rule + Json.show(node));
      }
      dims[i] = (int) d;
    }
    try {
      return Shape.of(dims);
    } catch (IllegalArgumentException e) {
      throw problem(file, part, "\"input_shape\": " + e.getMessage());
    }
  }

  private static JsonNode require(JsonNode root, String key, String file, String part, String expected)
      throws ModelFormatException {
    JsonNode node = root.get(key);
    if (node == null) {
      throw problem(file, part, "key \"" + key + "\" is missing; it must be " + expected);
    }
    return node;
  }

  private static ModelFormatException problem(String file, String part, String message) {
    return new ModelFormatException(file, -1, part + message);
  }
}
