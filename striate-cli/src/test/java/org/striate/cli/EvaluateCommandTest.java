package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ModelFile;
import org.striate.nn.Architectures;

class EvaluateCommandTest {
  @TempDir Path dir;

  @Test
  void printsAccuracyAndTheConfusionMatrix() throws Exception {
    Path data = TinyMnist.write(dir.resolve("data"), 10, 50);
    Path model = dir.resolve("m.safetensors");
    ModelFile.save(Architectures.mnistConvnet(), model);
    Cli r = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--threads", "1");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("(rows: true class, columns: predicted class)"), r.out());
    assertTrue(r.out().matches("(?s)loss \\d+\\.\\d{4}, accuracy \\d\\.\\d{4} \\(\\d+ of 50\\).*"), r.out());
  }

  @Test
  void aBuiltInNameHasNoWeights() {
    Cli r = Cli.run("evaluate", "--model", "lenet5");
    assertEquals(2, r.exitCode());
    assertEquals("striate evaluate: --model must be a saved model file (from 'striate train --out'), got 'lenet5', "
        + "which is a built-in architecture without trained weights", r.firstErrorLine());
  }

  @Test
  void missingModelOptionIsAUsageError() {
    Cli r = Cli.run("evaluate");
    assertEquals(2, r.exitCode());
    assertEquals("striate evaluate: Missing required option: '--model=MODEL'", r.firstErrorLine());
  }

  @Test
  void truncatedModelFileFailsWithOneLine() throws Exception {
    Path model = dir.resolve("m.safetensors");
    ModelFile.save(Architectures.lenet5(), model);
    byte[] bytes = Files.readAllBytes(model);
    Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    Cli r = Cli.run("evaluate", "--model", model.toString(), "--data", dir.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.firstErrorLine().startsWith("striate evaluate: " + model), r.err());
    assertTrue(r.firstErrorLine().contains("truncated"), r.err());
    assertFalse(r.hasStackTrace());
  }
}
