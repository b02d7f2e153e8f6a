package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.nn.Layers;
import org.junit.jupiter.api.io.TempDir;
import org.striate.nn.Activation;
import org.striate.nn.Dense;
import org.striate.nn.Functional;
import org.striate.nn.Model;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;

class ArchitectureJsonTest {
  @TempDir Path dir;

  private static Sequential model() {
    return new Sequential(Shape.of(2, 3, 4), Dense.builder(5).activation(Activation.RELU).name("hidden").build(),
        Dense.builder(3).useBias(false).build());
  }

  @Test
  void writesOneLinePerLayer() {
    assertEquals("""
        {
          "format": "striate-architecture",
          "version": 1,
          "input_shape": [2, 3, 4],
          "layers": [
            {"type": "Dense", "name": "hidden", "units": 5, "activation": "relu", "use_bias": true, \
        "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros"},
            {"type": "Dense", "name": "dense", "units": 3, "activation": "linear", "use_bias": false, \
        "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros"}
          ]
        }
        """, ArchitectureJson.toJson(model()));
  }

  @Test
  void textRoundTrips() throws Exception {
    String json = ArchitectureJson.toJson(model());
    Model back = ArchitectureJson.fromJson(json, "text");
    assertEquals(json, ArchitectureJson.toJson(back));
    assertEquals(model().parameterCount(), back.parameterCount());
  }

  @Test
  void fileRoundTrips() throws Exception {
    Path file = dir.resolve("arch.json");
    ArchitectureJson.write(model(), file);
    assertEquals(ArchitectureJson.toJson(model()), Files.readString(file));
    assertEquals(ArchitectureJson.toJson(model()), ArchitectureJson.toJson(ArchitectureJson.read(file)));
  }

  @Test
  void readsAHandWrittenFileThatLeavesDefaultsOut() throws Exception {
    Model m = read("""
        {"format": "striate-architecture", "version": 1, "input_shape": [4],
         "layers": [{"type": "Dense", "units": 2}]}
        """);
    assertEquals(Shape.of(2), m.outputShape());
    assertEquals("dense", m.layers().get(0).name());
    assertEquals(Activation.LINEAR, m.layers().get(0).activation());
  }

  @Test
  void notJsonShowsLineAndColumn() throws Exception {
    assertRejected("{\n  \"format\": \"striate-architecture\",\n  \"version\": 1,,\n}",
        "byte 53: the architecture is not valid JSON at line 3, column 16: Unexpected character (',' (code 44)): "
            + "was expecting double-quote to start field name");
  }

  @Test
  void notAnObject() throws Exception {
    assertRejected("[1, 2]", "the architecture must be a JSON object, got [1,2]");
  }

  @Test
  void unknownTopLevelKey() throws Exception {
    assertRejected(withLayers("[{\"type\": \"Dense\", \"units\": 2}]").replace("{", "{\"optimizer\": \"adam\", "),
        "unknown key \"optimizer\"; the allowed keys are [format, version, kind, input_shape, output, layers]");
  }

  @Test
  void wrongFormatOrVersion() throws Exception {
    String good = withLayers("[{\"type\": \"Dense\", \"units\": 2}]");
    assertRejected(good.replace("striate-architecture", "keras"),
        "\"format\" must be \"striate-architecture\", got \"keras\"");
    assertRejected(good.replace("\"version\": 1", "\"version\": 2"),
        "\"version\" must be 1 (the version this Striate reads), got 2");
    assertRejected(good.replace("\"version\": 1,", ""), "key \"version\" is missing; it must be 1");
  }

  @Test
  void missingOrBadInputShape() throws Exception {
    String good = withLayers("[{\"type\": \"Dense\", \"units\": 2}]");
    assertRejected(good.replace("\"input_shape\": [4],", ""),
        "key \"input_shape\" is missing; it must be the shape of one example, such as [28, 28, 1]");
    assertRejected(good.replace("[4]", "[4, 0]"),
        "\"input_shape\" must be a list of positive integers, such as [28, 28, 1], got [4,0]");
    assertRejected(good.replace("[4]", "\"28x28\""),
        "\"input_shape\" must be a list of positive integers, such as [28, 28, 1], got \"28x28\"");
  }

  @Test
  void layersThatAreNotAListOfObjects() throws Exception {
    assertRejected(withLayers("{\"type\": \"Dense\"}"),
        "\"layers\" must be a list of layer objects, got {\"type\":\"Dense\"}");
    assertRejected(withLayers("[{\"type\": \"Dense\", \"units\": 2}, 3]"), "layers[1] must be a layer object, got 3");
    assertRejected(withLayers("[]"), "Sequential: needs at least one layer, got none");
  }

  @Test
  void layerProblemsNameTheLayer() throws Exception {
    assertRejected(withLayers("[{\"type\": \"Conv3D\", \"filters\": 8}]"),
        "layers[0]: layer type must be one of " + Layers.types() + ", got 'Conv3D'");
    assertRejected(withLayers("[{\"type\": \"Dense\", \"name\": \"fc\", \"units\": 2, \"unit\": 2}]"),
        "layers[0]: layer 'fc' (Dense): unknown config key 'unit'; the known keys are [type, name, units, activation, "
            + "use_bias, kernel_initializer, bias_initializer]");
    assertRejected(withLayers("[{\"type\": \"Dense\", \"units\": \"ten\"}]"),
        "layers[0]: layer (Dense): config key 'units' must be an integer, got 'ten'");
    assertRejected(withLayers("[{\"type\": \"Dense\", \"units\": 0}]"),
        "layers[0]: Dense: units must be positive, got 0");
  }

  @Test
  void modelProblems() throws Exception {
    assertRejected(withLayers("[{\"type\": \"Dense\", \"name\": \"fc\", \"units\": 2}, "
        + "{\"type\": \"Dense\", \"name\": \"fc\", \"units\": 2}]"),
        "Sequential: layer names must be unique, got 'fc' twice");
    assertRejected(withLayers("[{\"type\": \"Dense\", \"units\": 2}]").replace("[4]", "[]"),
        "layer 'dense' (Dense): input must have at least one axis, got ()");
  }

  @Test
  void textFromElsewhereIsNamedBySource() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ArchitectureJson.fromJson("{\"format\": \"striate-architecture\"}", "request body"));
    assertEquals("request body: key \"version\" is missing; it must be 1", e.getMessage());
  }

  private static String graph(String output, String layers) {
    return "{\"format\": \"striate-architecture\", \"version\": 1, \"kind\": \"functional\", "
        + "\"input_shape\": [4], \"output\": \"" + output + "\", \"layers\": " + layers + "}";
  }

  @Test
  void functionalGraphsRoundTrip() throws Exception {
    Model m = read(graph("sum", "[{\"type\": \"Dense\", \"name\": \"a\", \"units\": 4, \"inputs\": [\"input\"]},"
        + "{\"type\": \"Dense\", \"name\": \"b\", \"units\": 4, \"inputs\": [\"a\"]},"
        + "{\"type\": \"Add\", \"name\": \"sum\", \"inputs\": [\"a\", \"b\"]}]"));
    assertEquals(true, m instanceof Functional);
    assertEquals(List.of("a", "b"), ((Functional) m).inboundNames(m.layer("sum")));
    String json = ArchitectureJson.toJson(m);
    assertEquals(true, json.contains("\"kind\": \"functional\""), json);
    assertEquals(true, json.contains("\"output\": \"sum\""), json);
    assertEquals(json, ArchitectureJson.toJson(ArchitectureJson.fromJson(json, "text")));
  }

  @Test
  void functionalProblemsAreNamed() throws Exception {
    assertRejected(graph("b", "[{\"type\": \"Dense\", \"name\": \"b\", \"units\": 4, \"inputs\": [\"a\"]}]"),
        "layers[0] ('b'): input 'a' is not \"input\" or a layer defined before it");
    assertRejected(graph("b", "[{\"type\": \"Dense\", \"name\": \"b\", \"units\": 4}]"),
        "layers[0]: \"inputs\" must be a non-empty list of layer names, got null");
    assertRejected(graph("zz", "[{\"type\": \"Dense\", \"name\": \"b\", \"units\": 4, \"inputs\": [\"input\"]}]"),
        "\"output\" must name one of the layers, got \"zz\"");
    assertRejected(graph("b", "[{\"type\": \"Dense\", \"name\": \"a\", \"units\": 4, \"inputs\": [\"input\"]},"
        + "{\"type\": \"Dense\", \"name\": \"b\", \"units\": 4, \"inputs\": [\"input\"]}]"),
        "layers [a] do not lead to the output 'b'");
    assertRejected(graph("b", "[{\"type\": \"Dense\", \"units\": 4, \"inputs\": [\"input\"]}]"),
        "layers[0]: a functional architecture needs a unique \"name\" per layer (and not \"input\"), got null");
    assertRejected(withLayers("[]").replace("\"version\": 1,", "\"version\": 1, \"kind\": \"tree\","),
        "\"kind\" must be \"sequential\" or \"functional\", got \"tree\"");
    assertRejected(graph("s", "[{\"type\": \"Dense\", \"name\": \"a\", \"units\": 3, \"inputs\": [\"input\"]},"
        + "{\"type\": \"Add\", \"name\": \"s\", \"inputs\": [\"a\", \"input\"]}]"),
        "layer 's' (Add): all inputs must have the same shape, got [(3,), (4,)]");
  }

  private static String withLayers(String layers) {
    return "{\"format\": \"striate-architecture\", \"version\": 1, \"input_shape\": [4], \"layers\": " + layers + "}";
  }

  private Model read(String text) throws Exception {
    Path file = dir.resolve("arch.json");
    Files.writeString(file, text);
    return ArchitectureJson.read(file);
  }

  private void assertRejected(String text, String expected) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(text));
    String file = dir.resolve("arch.json").toString();
    assertEquals(List.of(file + (expected.startsWith("byte ") ? ", " : ": ") + expected), List.of(e.getMessage()));
  }
}
