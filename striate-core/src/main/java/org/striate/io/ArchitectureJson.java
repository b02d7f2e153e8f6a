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
import org.striate.files.AtomicWrite;
import org.striate.nn.Layer;
import org.striate.nn.Layers;
import org.striate.nn.Functional;
import org.striate.nn.Model;
import org.striate.nn.Node;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;

/**
 * A model's architecture, without its weights, as JSON text:
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
 * {@link Layers#fromConfig}, which also rejects keys the layer type does not know. A {@link Functional} graph
 * adds {@code "kind": "functional"} and {@code "output": "<layer name>"}, and each layer lists the names of the
 * layers it reads in {@code "inputs"} ({@code "input"} is the model input), each defined before it is read:
 *
 * <pre>{@code
 *   "kind": "functional", "output": "add",
 *   "layers": [{"type": "Conv2D", "name": "c1", ..., "inputs": ["input"]},
 *              {"type": "Conv2D", "name": "c2", ..., "inputs": ["c1"]},
 *              {"type": "Add", "name": "add", "inputs": ["c1", "c2"]}]
 * }</pre>
 *
 * The keys {@code format}, {@code version}, {@code input_shape} and {@code layers} are required and no
 * unknown keys are allowed, so a misspelling is an error rather than a silently ignored setting.
 */
public final class ArchitectureJson {
  /** The value of the {@code "format"} key. */
  public static final String FORMAT = "striate-architecture";
  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  private static final List<String> KEYS = List.of("format", "version", "kind", "input_shape", "output", "layers");
  private static final String INPUTS = "inputs";
  /** Far beyond any real architecture: a wrong path (to a dataset, say) is refused instead of read into memory. */
  private static final long MAX_FILE_BYTES = 100_000_000;
  private static final TypeReference<LinkedHashMap<String, Object>> CONFIG = new TypeReference<>() {};

  private ArchitectureJson() {}

  /** The architecture as JSON text, one line per layer; {@link #fromJson} reads it back. */
  public static String toJson(Model model) {
    Functional graph = model instanceof Functional f ? f : null;
    StringBuilder out = new StringBuilder("{\n");
    out.append("  \"format\": ").append(Json.inline(FORMAT)).append(",\n");
    out.append("  \"version\": ").append(VERSION).append(",\n");
    if (graph != null) {
      out.append("  \"kind\": \"functional\",\n");
    }
    out.append("  \"input_shape\": ").append(Json.inline(model.inputShape().dims())).append(",\n");
    if (graph != null) {
      out.append("  \"output\": ").append(Json.inline(graph.outputLayer().name())).append(",\n");
    }
    out.append("  \"layers\": [\n");
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Map<String, Object> config = layers.get(i).config();
      if (graph != null) {
        config.put(INPUTS, graph.inboundNames(layers.get(i)));
      }
      out.append("    ").append(Json.inline(config)).append(i + 1 < layers.size() ? ",\n" : "\n");
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
  public static Model fromJson(String json, String source) throws ModelFormatException {
    return parse(json.getBytes(StandardCharsets.UTF_8), source, -1, "");
  }

  /**
   * Reads an architecture file, as {@link #fromJson}.
   *
   * @throws ModelFormatException if the file is not a valid architecture; the message names the file
   * @throws IOException if the file cannot be read
   */
  public static Model read(Path file) throws IOException {
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
  public static void write(Model model, Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(toJson(model).getBytes(StandardCharsets.UTF_8));
    AtomicWrite.write(file, channel -> AtomicWrite.writeFully(channel, bytes));
  }

  /**
   * Builds the model {@code utf8} describes.
   *
   * @param fileOffset where {@code utf8} starts in {@code file}, or -1 if the text was inside a JSON string
   * @param part prefixed to every problem, to say where in the file the text was; empty for a whole file
   */
  static Model parse(byte[] utf8, String file, long fileOffset, String part) throws ModelFormatException {
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
    JsonNode kind = root.get("kind");
    boolean functional = kind != null && kind.isTextual() && kind.textValue().equals("functional");
    if (kind != null && !functional && !(kind.isTextual() && kind.textValue().equals("sequential"))) {
      throw problem(file, part, "\"kind\" must be \"sequential\" or \"functional\", got " + Json.show(kind));
    }
    if (!functional && root.has("output")) {
      throw problem(file, part, "\"output\" belongs to \"kind\": \"functional\" architectures");
    }
    List<Layer> layers = new ArrayList<>();
    List<List<String>> inputs = new ArrayList<>();
    for (int i = 0; i < layerNodes.size(); i++) {
      JsonNode node = layerNodes.get(i);
      if (!node.isObject()) {
        throw problem(file, part, "layers[" + i + "] must be a layer object, got " + Json.show(node));
      }
      Map<String, Object> config = Json.MAPPER.convertValue(node, CONFIG);
      if (functional) {
        inputs.add(inputNames(config.remove(INPUTS), i, file, part));
      }
      try {
        layers.add(Layers.fromConfig(config));
      } catch (IllegalArgumentException e) {
        throw problem(file, part, "layers[" + i + "]: " + e.getMessage());
      }
    }
    try {
      return functional ? graph(root, inputShape, layers, inputs, file, part) : new Sequential(inputShape, layers);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw problem(file, part, e.getMessage());
    }
  }

  /** Wires a functional architecture's layers by their {@code inputs} names. */
  private static Model graph(JsonNode root, Shape inputShape, List<Layer> layers, List<List<String>> inputs,
      String file, String part) throws ModelFormatException {
    JsonNode output = require(root, "output", file, part, "the name of the layer whose output is the model's");
    if (!output.isTextual()) {
      throw problem(file, part, "\"output\" must be a layer name, got " + Json.show(output));
    }
    Map<String, Node> nodes = new LinkedHashMap<>();
    nodes.put(Functional.INPUT_NAME, Node.input(inputShape));
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      if (layer.name() == null || nodes.containsKey(layer.name())) {
        throw problem(file, part, "layers[" + i + "]: a functional architecture needs a unique \"name\" per layer"
            + " (and not \"" + Functional.INPUT_NAME + "\"), got " + Json.show(Json.MAPPER.valueToTree(layer.name())));
      }
      List<Node> args = new ArrayList<>();
      for (String name : inputs.get(i)) {
        Node in = nodes.get(name);
        if (in == null) {
          throw problem(file, part, "layers[" + i + "] ('" + layer.name() + "'): input '" + name
              + "' is not \"" + Functional.INPUT_NAME + "\" or a layer defined before it");
        }
        args.add(in);
      }
      nodes.put(layer.name(), layer.apply(args.toArray(new Node[0])));
    }
    Node out = nodes.get(output.textValue());
    if (out == null || out.isInput()) {
      throw problem(file, part, "\"output\" must name one of the layers, got " + Json.show(output));
    }
    Model model = new Functional(nodes.get(Functional.INPUT_NAME), out);
    if (model.layers().size() != layers.size()) {
      List<String> unused = new ArrayList<>();
      for (Layer l : layers) {
        if (!model.layers().contains(l)) {
          unused.add(l.name());
        }
      }
      throw problem(file, part, "layers " + unused + " do not lead to the output '" + output.textValue() + "'");
    }
    return model;
  }

  private static List<String> inputNames(Object value, int i, String file, String part) throws ModelFormatException {
    List<String> names = new ArrayList<>();
    if (value instanceof List<?> list && !list.isEmpty()) {
      for (Object o : list) {
        if (!(o instanceof String name)) {
          names = null;
          break;
        }
        names.add(name);
      }
      if (names != null) {
        return names;
      }
    }
    throw problem(file, part, "layers[" + i + "]: \"" + INPUTS + "\" must be a non-empty list of layer names, got "
        + Json.show(Json.MAPPER.valueToTree(value)));
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
