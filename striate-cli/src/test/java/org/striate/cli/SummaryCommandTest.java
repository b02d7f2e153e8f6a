package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ArchitectureJson;
import org.striate.io.ModelFile;
import org.striate.nn.Architectures;

class SummaryCommandTest {
  @TempDir Path dir;

  @Test
  void builtInModel() {
    Cli r = Cli.run("summary", "mnist-convnet");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("conv2d_1 (Conv2D)"), r.out());
    assertTrue(r.out().contains("Total params: 34,826"), r.out());
  }

  @Test
  void architectureFileAndSavedModel() throws Exception {
    Path json = dir.resolve("lenet.json");
    ArchitectureJson.write(Architectures.lenet5(), json);
    Path saved = dir.resolve("lenet.safetensors");
    ModelFile.save(Architectures.lenet5(), saved);
    for (Path p : new Path[] {json, saved}) {
      Cli r = Cli.run("summary", p.toString());
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains("Total params: 61,706"), r.out());
    }
  }

  @Test
  void unknownModelIsAUsageError() {
    Cli r = Cli.run("summary", "resnet-9000");
    assertEquals(2, r.exitCode());
    assertEquals("striate summary: NAME|FILE must be a built-in model [mnist-convnet, lenet5, mnist-resnet, vgg16, "
        + "resnet18, resnet50, mobilenet-v1, unet-small], an architecture .json file or a saved model file, got "
        + "'resnet-9000' (no such model or file)", r.firstErrorLine());
    assertTrue(r.err().contains("Usage: striate summary"));
  }

  @Test
  void corruptModelFileFailsWithOneLine() throws Exception {
    Path bad = dir.resolve("bad.safetensors");
    Files.write(bad, new byte[] {1, 2, 3});
    Cli r = Cli.run("summary", bad.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.firstErrorLine().startsWith("striate summary: " + bad), r.err());
    assertEquals(r.firstErrorLine() + "\n", r.err());
    assertFalse(r.hasStackTrace());
  }
}
