package org.striate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * One PyTorch reference fixture: a JSON file under {@code src/test/resources/fixtures/<kind>/}, written by
 * {@code tools/make_fixtures.py} (formats in {@code tools/README.md}).
 *
 * <p>Tensors are stored as {@code {"shape": [...], "data": [...]}} in Striate's layouts, with decimals that
 * read back exactly as float32 when parsed as double and cast, which is what {@link #tensor} does.
 */
public final class Fixture {
  /** Layer outputs and gradients, and losses: float32 results checked against float64 references. */
  public static final Tolerance LAYER_TOLERANCE = new Tolerance(1e-5, 1e-4);
  /** Parameters after optimizer steps: tight enough that an update of 1e-3 cannot hide in it. */
  public static final Tolerance OPTIMIZER_TOLERANCE = new Tolerance(1e-7, 1e-6);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final JsonNode root;

  private Fixture(String name, JsonNode root) {
    this.name = name;
    this.root = root;
  }

  /** {@code |actual - expected| <= absolute + relative * |expected|}. */
  public record Tolerance(double absolute, double relative) {
    boolean accepts(double expected, double actual) {
      return Math.abs(actual - expected) <= absolute + relative * Math.abs(expected);
    }
  }

  /** Every fixture file of one kind ({@code layers}, {@code losses}, ...), sorted by name. */
  public static List<Fixture> all(String kind) {
    URL url = Fixture.class.getResource("/fixtures/" + kind);
    if (url == null) {
      throw new IllegalStateException("no fixture directory fixtures/" + kind + " on the test class path");
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().map(Fixture::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Fixture read(Path file) {
    String fileName = file.getFileName().toString();
    try {
      return new Fixture(fileName.substring(0, fileName.length() - ".json".length()), JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fixture " + file, e);
    }
  }

  /** The case name: the file name without {@code .json}. */
  public String name() {
    return name;
  }

  /** The node under {@code key}; fails the test if it is missing. */
  public JsonNode get(String key) {
    JsonNode node = root.get(key);
    if (node == null) {
      fail(name + ": fixture has no '" + key + "'");
    }
    return node;
  }

  public boolean has(String key) {
    return root.has(key);
  }

  /** The top-level keys, sorted, so that a test can reject a fixture holding something it does not check. */
  public TreeSet<String> keys() {
    return fieldNames(root);
  }

  /** The keys of a JSON object, sorted. */
  public static TreeSet<String> fieldNames(JsonNode node) {
    TreeSet<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A JSON object as a config map (numbers, booleans, strings, lists), as {@code Layers.fromConfig} takes. */
  public static Map<String, Object> config(JsonNode node) {
    return JSON.convertValue(node, new TypeReference<Map<String, Object>>() {});
  }

  /** A {@code {"shape", "data"}} node as a tensor. */
  public static Tensor tensor(JsonNode node) {
    JsonNode shape = node.get("shape");
    int[] dims = new int[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).intValue();
    }
    JsonNode data = node.get("data");
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) data.get(i).doubleValue();
    }
    return new Tensor(Shape.of(dims), values);
  }

  /** Integer labels, such as {@code "labels": [2, 0]}. */
  public static int[] ints(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).intValue();
    }
    return out;
  }

  /**
   * Fails unless {@code actual} has {@code expected}'s shape and every element is within {@code tolerance};
   * the message names the case, the array, the element (flat index and coordinates) and both values.
   */
  public void assertClose(String what, Tensor expected, Tensor actual, Tolerance tolerance) {
    assertEquals(expected.shape(), actual.shape(), name + ": shape of " + what);
    float[] e = expected.data();
    float[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      if (!tolerance.accepts(e[i], a[i])) {
        // floats print as floats (0.1, not 0.10000000149011612)
        fail(mismatch(what + "[" + i + "] " + Arrays.toString(coordinates(expected.shape(), i)), String.valueOf(e[i]),
            String.valueOf(a[i]), Math.abs(a[i] - e[i]), tolerance));
      }
    }
  }

  /** Fails unless the scalar {@code actual} is within {@code tolerance} of {@code expected}; names case and both values. */
  public void assertClose(String what, double expected, double actual, Tolerance tolerance) {
    if (!tolerance.accepts(expected, actual)) {
      fail(mismatch(what, String.valueOf(expected), String.valueOf(actual), Math.abs(actual - expected), tolerance));
    }
  }

  private String mismatch(String what, String expected, String actual, double difference, Tolerance tolerance) {
    return name + ": " + what + " is " + actual + ", PyTorch gives " + expected + " (|difference| " + difference
        + " exceeds " + tolerance.absolute() + " + " + tolerance.relative() + " * |expected|)";
  }

  private static int[] coordinates(Shape shape, int flat) {
    int[] index = new int[shape.rank()];
    for (int axis = shape.rank() - 1; axis >= 0; axis--) {
      index[axis] = flat % shape.dim(axis);
      flat /= shape.dim(axis);
    }
    return index;
  }
}
