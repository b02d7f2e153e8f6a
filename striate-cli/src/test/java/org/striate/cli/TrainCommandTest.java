package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.striate.io.ModelFile;
import org.striate.nn.Model;

class TrainCommandTest {
  @TempDir Path dir;

  @Test
  void trainsSavesAndWritesMetrics() throws Exception {
    Path data = TinyMnist.write(dir.resolve("data"), 300, 100);
    Path model = dir.resolve("out/model.safetensors");
    Files.createDirectories(model.getParent());
    Path metrics = dir.resolve("metrics.json");
    Cli r = Cli.run("train", "--data", data.toString(), "--epochs", "2", "--batch-size", "32", "--threads", "2",
        "--validation-split", "0.1", "--out", model.toString(), "--metrics", metrics.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Training mnist-convnet (34,826 parameters) on MNIST-format data in " + data
        + ": 300 training and 100 test images; 2 epochs, batch 32, adam lr 0.001, 2 threads, seed 42"), r.out());
    assertTrue(r.out().contains("epoch 2/2 [==============================] 9/9 loss "), r.out());
    assertTrue(r.out().contains("  validation: loss "), r.out());
    assertTrue(r.out().contains("Test accuracy: "), r.out());
    Model saved = ModelFile.load(model);
    assertEquals(34_826, saved.parameterCount());
    JsonNode json = new ObjectMapper().readTree(metrics.toFile());
    assertEquals(2, json.get("epochs").size());
    assertEquals(2, json.get("epochs").get(1).get("epoch").asInt());
    assertTrue(json.get("epochs").get(1).get("val_accuracy").isNumber());
    double accuracy = json.get("test_accuracy").asDouble();
    assertTrue(accuracy > 0.5, "the bars are easy to tell apart; test accuracy " + accuracy);
    assertFalse(r.hasStackTrace());
  }

  @Test
  void sameSeedGivesTheSameModelBitForBit() throws Exception {
    Path data = TinyMnist.write(dir.resolve("data"), 200, 20);
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    for (Path out : new Path[] {a, b}) {
      Cli r = Cli.run("train", "--data", data.toString(), "--model", "lenet5", "--epochs", "1", "--threads", "2",
          "--seed", "7", "--out", out.toString());
      assertEquals(0, r.exitCode(), r.err());
    }
    assertEquals(-1L, Files.mismatch(a, b));
  }

  @Test
  void aBuiltInIsBuiltForTheDataOrSaysWhyItCannotBe() throws Exception {
    Path data = TinyMnist.write(dir.resolve("data"), 40, 10);
    Path out = dir.resolve("resnet.safetensors");
    Cli r = Cli.run("train", "--data", data.toString(), "--model", "mnist-resnet", "--epochs", "1", "--batch-size",
        "20", "--threads", "1", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Training mnist-resnet (78,426 parameters)"), r.out());
    assertEquals(10, ModelFile.load(out).outputShape().dim(0));
    Cli big = Cli.run("train", "--data", data.toString(), "--model", "resnet18");
    assertEquals(1, big.exitCode());
    assertEquals("striate train: resnet18: input height and width must be at least 32, got (28, 28, 1)",
        big.firstErrorLine());
    assertFalse(big.hasStackTrace());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--epochs|0|--epochs must be at least 1, got 0",
    "--batch-size|-5|--batch-size must be at least 1, got -5",
    "--lr|0|--lr must be a positive number, got 0.0",
    "--lr|NaN|--lr must be a positive number, got NaN",
    "--validation-split|1|--validation-split must be in [0, 1), got 1.0",
    "--threads|0|--threads must be at least 1, got 0",
    "--optimizer|rmsprop|Invalid value for option '--optimizer': expected one of [sgd, adam, adamw] "
        + "(case-sensitive) but was 'rmsprop'",
    "--epochs|three|Invalid value for option '--epochs': 'three' is not an int",
    "--model|resnet|--model must be a built-in model [mnist-convnet, lenet5, mnist-resnet, vgg16, resnet18, "
        + "resnet50, mobilenet-v1, unet-small], an architecture .json file or a saved model file, got 'resnet' "
        + "(no such model or file)",
  })
  void badArgumentsPrintOneLineAndTheUsage(String option, String value, String message) {
    Cli r = Cli.run("train", option, value);
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("striate train: " + message, r.firstErrorLine());
    assertTrue(r.err().contains("Usage: striate train"), r.err());
    assertFalse(r.hasStackTrace());
  }

  @Test
  void missingDataDirectoryIsAUsageError() {
    Cli r = Cli.run("train", "--data", dir.resolve("nowhere").toString());
    assertEquals(2, r.exitCode());
    assertEquals("striate train: --data must be 'mnist' or a directory with the MNIST IDX files, got '"
        + dir.resolve("nowhere") + "' (no such directory)", r.firstErrorLine());
  }

  @Test
  void directoryWithoutTheFilesFailsWithOneLine() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Cli r = Cli.run("train", "--data", empty.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.firstErrorLine().startsWith("striate train: MNIST: not found in " + empty), r.err());
    assertEquals(r.firstErrorLine() + "\n", r.err());
  }
}
