package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.kernel.ScalarKernels;
import org.striate.nn.Activation;
import org.striate.nn.Context;
import org.striate.nn.Dense;
import org.striate.nn.Initializer;
import org.striate.nn.Layer;
import org.striate.nn.Parameter;
import org.striate.nn.Model;
import org.striate.nn.Sequential;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class ModelFileTest {
  @TempDir Path dir;

  /** Parameters drawn from seed 7, not the seed 0 a freshly built model gets, so loading must restore them. */
  static Sequential model() {
    return new Sequential(Shape.of(2, 3, 4),
        new Dense(5, Activation.TANH),
        Dense.builder(3).useBias(false).build(),
        Dense.builder(2).activation(Activation.SOFTMAX).name("out").build()).initialize(7);
  }

  @Test
  void saveThenLoadGivesBitIdenticalParametersAndPredictions() throws Exception {
    Sequential model = model();
    float[] bias = model.layer("out").parameters().get(1).value().data();
    // Values a decimal or lossy round trip would change.
    bias[0] = Float.intBitsToFloat(0x7fc12345);
    bias[1] = -0.0f;
    Path file = dir.resolve("model.stz");
    ModelFile.save(model, file);
    Model loaded = ModelFile.load(file);

    assertEquals(ArchitectureJson.toJson(model), ArchitectureJson.toJson(loaded));
    List<Parameter> saved = model.parameters();
    List<Parameter> back = loaded.parameters();
    assertEquals(saved.size(), back.size());
    for (int i = 0; i < saved.size(); i++) {
      assertEquals(saved.get(i).shape(), back.get(i).shape());
      assertArrayEquals(bits(saved.get(i).value().data()), bits(back.get(i).value().data()), saved.get(i).name());
    }
    bias[0] = 0.25f; // a NaN bias would make every prediction NaN
    loaded.layer("out").parameters().get(1).value().data()[0] = 0.25f;
    Tensor x = random(Shape.of(11, 2, 3, 4), 3);
    assertArrayEquals(bits(model.predict(x, new ScalarKernels(1), 8).data()),
        bits(loaded.predict(x, new ScalarKernels(1), 8).data()));
  }

  @Test
  void fileHasTheSafetensorsLayoutWithTheDocumentedMetadata() throws Exception {
    Sequential model = model();
    Path file = dir.resolve("model.stz");
    ModelFile.save(model, file);
    byte[] bytes = Files.readAllBytes(file);

    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
    String headerText = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    String json = headerText.stripTrailing();
    assertTrue(json.endsWith("}") && headerText.substring(json.length()).chars().allMatch(c -> c == ' '),
        "the JSON, then spaces up to the data");
    JsonNode header = new ObjectMapper().readTree(headerText);
    JsonNode meta = header.get("__metadata__");
    assertEquals("striate", meta.get("format").textValue());
    assertEquals("1", meta.get("format_version").textValue());
    assertEquals(ArchitectureJson.toJson(model), meta.get("architecture").textValue());
    String stored = meta.get("sha256").textValue();
    int digitsAt = ModelFiles.indexOf(bytes, ("\"" + stored + "\"").getBytes(StandardCharsets.US_ASCII)) + 1;
    assertEquals(ModelFiles.checksum(bytes, digitsAt), stored);

    List<String> names = new ArrayList<>();
    header.fieldNames().forEachRemaining(names::add);
    assertEquals(
        List.of("__metadata__", "dense/kernel", "dense/bias", "dense_1/kernel", "out/kernel", "out/bias"), names);
    long expectedBegin = 0;
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n), bytes.length - (int) (8 + n)).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    for (Parameter p : model.parameters()) {
      String name = names.get(1 + model.parameters().indexOf(p));
      JsonNode entry = header.get(name);
      assertEquals("F32", entry.get("dtype").textValue());
      assertArrayEquals(p.shape().dims(), new ObjectMapper().convertValue(entry.get("shape"), int[].class), name);
      assertEquals(expectedBegin, entry.get("data_offsets").get(0).longValue(), name);
      long end = entry.get("data_offsets").get(1).longValue();
      assertEquals(expectedBegin + 4L * p.value().size(), end, name);
      float[] fromFile = new float[p.value().size()];
      data.position((int) expectedBegin);
      data.asFloatBuffer().get(fromFile);
      assertArrayEquals(bits(p.value().data()), bits(fromFile), name);
      expectedBegin = end;
    }
    assertEquals(bytes.length - 8 - n, expectedBegin, "no bytes after the last tensor");
  }

  @Test
  void loadsAFileLaidOutAsPythonSafetensorsWritesIt() throws Exception {
    // safetensors sorts tensors by name, writes compact JSON, and may put the data in that order.
    Sequential shape = new Sequential(Shape.of(2), new Dense(3));
    float[] kernel = {1.5f, -2f, 3.25f, 0.5f, -0.125f, 8f};
    float[] bias = {0.1f, 0.2f, 0.3f};
    Map<String, Object> header = ModelFiles.header(ArchitectureJson.toJson(shape));
    header.put("dense/bias", ModelFiles.tensor("F32", List.of(3), 0, 12));
    header.put("dense/kernel", ModelFiles.tensor("F32", List.of(2, 3), 12, 36));
    byte[] data = new byte[36];
    System.arraycopy(ModelFiles.littleEndian(bias), 0, data, 0, 12);
    System.arraycopy(ModelFiles.littleEndian(kernel), 0, data, 12, 24);
    Path file = dir.resolve("from_python.safetensors");
    Files.write(file, ModelFiles.file(header, data));

    Model loaded = ModelFile.load(file);
    assertArrayEquals(kernel, loaded.layer("dense").parameters().get(0).value().data());
    assertArrayEquals(bias, loaded.layer("dense").parameters().get(1).value().data());
    Tensor y = loaded.predict(Tensor.of(Shape.of(1, 2), 1f, 2f), new ScalarKernels(1), 8);
    assertArrayEquals(new float[] {1.5f + 1f + 0.1f, -2f - 0.25f + 0.2f, 3.25f + 16f + 0.3f}, y.data(), 1e-6f);
  }

  @Test
  void savingOverAnExistingFileReplacesItAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("model.stz");
    ModelFile.save(model(), file);
    Sequential other = new Sequential(Shape.of(4), new Dense(2)).initialize(99);
    ModelFile.save(other, file);
    assertEquals(ArchitectureJson.toJson(other), ArchitectureJson.toJson(ModelFile.load(file)));
    float[] kernel = ModelFile.load(file).parameters().get(0).value().data();
    assertArrayEquals(other.parameters().get(0).value().data(), kernel);
    assertEquals(List.of(file), list(dir));
  }

  @Test
  void aFailedSaveLeavesTheTargetAsItWasAndNoTemporaryFile() throws Exception {
    // A non-empty directory cannot be replaced: the rename fails after the temporary file is complete.
    Path target = dir.resolve("model.stz");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep.txt"), "old");
    assertThrows(java.io.IOException.class, () -> ModelFile.save(model(), target));
    assertEquals(List.of(target), list(dir));
    assertEquals("old", Files.readString(target.resolve("keep.txt")));

    // A parent that is a regular file: nothing can be created.
    Path parent = dir.resolve("plain.txt");
    Files.writeString(parent, "old");
    assertThrows(java.io.IOException.class, () -> ModelFile.save(model(), parent.resolve("model.stz")));
    assertEquals("old", Files.readString(parent));
    assertEquals(List.of(target, parent), list(dir));
  }

  @Test
  void refusesToSaveTwoParametersWithTheSameTensorName() {
    Sequential model = new Sequential(Shape.of(4), new TwoParametersNamedW());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFile.save(model, dir.resolve("model.stz")));
    assertEquals("ModelFile: tensor names <layer>/<parameter> must be unique, got 'two_parameters_named_w/w' twice",
        e.getMessage());
  }

  /** A layer no real layer resembles: two parameters with one name, which no file can hold apart. */
  private static final class TwoParametersNamedW extends Layer {
    TwoParametersNamedW() {
      super(null);
    }

    @Override
    public String type() {
      return "TwoParametersNamedW";
    }

    @Override
    protected Shape computeOutputShape(Shape input) {
      return input;
    }

    @Override
    protected void createParameters(Shape input, SplittableRandom random) {
      addParameter("w", Shape.of(1), Initializer.ZEROS, random);
      addParameter("w", Shape.of(1), Initializer.ZEROS, random);
    }

    @Override
    public Tensor forward(Tensor input, Context ctx) {
      return input;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Context ctx) {
      return gradOutput;
    }

    @Override
    protected void addConfig(Map<String, Object> config) {}
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }

  static Tensor random(Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextDouble(-1, 1);
    }
    return t;
  }
}
