package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ArchitectureJson;
import org.striate.nn.Add;
import org.striate.nn.Conv2D;
import org.striate.nn.Functional;
import org.striate.nn.Node;

class RfCommandTest {
  @TempDir Path dir;

  @Test
  void rectangleOfAUnitInside() {
    Cli r = Cli.run("rf", "mnist-convnet", "--layer", "conv2d_1", "--at", "5,5");
    assertEquals(0, r.exitCode(), r.err());
    // Two 3x3 convolutions around a 2x2 pooling: r = 3 + (2 - 1) + (3 - 1) * 2 = 8, stride 2, no padding.
    assertEquals("layer 'conv2d_1' (Conv2D), output (11, 11, 64), input (28, 28, 1)\n"
        + "receptive field 8, effective stride 2, effective padding 0\n"
        + "unit (5, 5) sees input rows 10..17 and columns 10..17 (inside the image)\n", r.out());
  }

  @Test
  void paddingIsShownAsClipping() {
    Cli r = Cli.run("rf", "lenet5", "--layer", "conv2d", "--at", "0,27");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().endsWith("unit (0, 27) sees input rows -2..2 and columns 25..29; inside the 28x28 image: "
        + "rows 0..2, columns 25..27, the rest is padding\n"), r.out());
  }

  @Test
  void layersAfterFlattenSeeEverything() {
    Cli r = Cli.run("rf", "lenet5", "--layer", "dense_1");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().endsWith("every output unit sees the whole input: rows 0..27, columns 0..27\n"), r.out());
  }

  @Test
  void branchesWithDifferentStridesHaveNoRectangle() throws Exception {
    Node input = Node.input(8, 8, 1);
    Node strided = Conv2D.builder(2).kernelSize(1, 1).strides(2, 2).build().apply(input);
    Node wide = new Conv2D(2, 5).apply(input);
    Path json = dir.resolve("branches.json");
    ArchitectureJson.write(new Functional(input, new Add("join").apply(strided, wide)), json);
    Cli r = Cli.run("rf", json.toString(), "--layer", "join");
    assertEquals(1, r.exitCode());
    assertEquals("striate rf: layer 'join' joins branches whose strides differ, so its units' receptive fields are "
        + "not aligned to one rectangle size and stride", r.firstErrorLine());
    assertFalse(r.hasStackTrace());
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertEquals("striate rf: --at must be two non-negative integers Y,X such as 3,4, got '3'",
        Cli.run("rf", "lenet5", "--layer", "conv2d", "--at", "3").firstErrorLine());
    assertEquals("striate rf: --at must be inside the layer's output of 11x11 (rows 0..10, columns 0..10), got 11,0",
        Cli.run("rf", "mnist-convnet", "--layer", "conv2d_1", "--at", "11,0").firstErrorLine());
    Cli unknown = Cli.run("rf", "lenet5", "--layer", "fc9");
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.firstErrorLine().startsWith("striate rf: --layer: layer name must be one of [conv2d, "),
        unknown.err());
    assertEquals("striate rf: Missing required option: '--layer=NAME'", Cli.run("rf", "lenet5").firstErrorLine());
  }
}
