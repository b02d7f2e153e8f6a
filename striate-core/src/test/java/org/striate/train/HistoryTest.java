package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  private static final History HISTORY = new History(List.of(
      new EpochResult(1, 0.5, 0.8, 0.4, 0.85, 2.0, 1000.0),
      new EpochResult(2, 0.25, Double.NaN, Double.NaN, Double.NaN, 1.5, 1200.0)));

  @Test
  void jsonHasTheDocumentedKeysAndNullForMissingValues() throws IOException {
    JsonNode root = new ObjectMapper().readTree(HISTORY.toJson(OptionalDouble.of(0.97)));
    JsonNode first = root.get("epochs").get(0);
    assertEquals(List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds", "images_per_second"),
        iterate(first.fieldNames()));
    assertEquals(1, first.get("epoch").asInt());
    assertEquals(0.5, first.get("loss").asDouble());
    assertEquals(0.8, first.get("accuracy").asDouble());
    assertEquals(0.4, first.get("val_loss").asDouble());
    assertEquals(0.85, first.get("val_accuracy").asDouble());
    assertEquals(2.0, first.get("seconds").asDouble());
    assertEquals(1000.0, first.get("images_per_second").asDouble());
    JsonNode second = root.get("epochs").get(1);
    assertTrue(second.get("accuracy").isNull() && second.get("val_loss").isNull());
    assertEquals(0.97, root.get("test_accuracy").asDouble());
    assertFalse(new ObjectMapper().readTree(HISTORY.toJson(OptionalDouble.empty())).has("test_accuracy"));
  }

  private static List<String> iterate(java.util.Iterator<String> names) {
    List<String> out = new java.util.ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }

  @Test
  void writesAtomicallyOverAnExistingFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("metrics.json");
    Files.writeString(file, "old");
    HISTORY.writeJson(file, OptionalDouble.empty());
    assertEquals(HISTORY.toJson(OptionalDouble.empty()) + "\n", Files.readString(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void accessors() {
    assertArrayEquals(new double[] {0.5, 0.25}, HISTORY.losses());
    assertEquals(2, HISTORY.last().epoch());
    assertTrue(HISTORY.epochs().get(0).hasValidation());
    assertEquals("history: no epochs recorded",
        assertThrows(IllegalStateException.class, () -> new History(List.of()).last()).getMessage());
  }
}
