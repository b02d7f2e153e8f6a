package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ModelFile;
import org.striate.nn.Architectures;

class PredictCommandTest {
  @TempDir Path dir;

  private Path digit(String name) throws Exception {
    BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 56, 56);
    g.setColor(Color.BLACK);
    g.fillRect(24, 8, 8, 40);
    g.dispose();
    Path file = dir.resolve(name);
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  @Test
  void printsTheTopClassesOfEachImage() throws Exception {
    Path model = dir.resolve("m.safetensors");
    ModelFile.save(Architectures.mnistConvnet(), model);
    Path a = digit("a.png");
    Path b = digit("b.png");
    Cli r = Cli.run("predict", "--model", model.toString(), "--top", "2", a.toString(), b.toString());
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(2, lines.length, r.out());
    assertTrue(lines[0].matches(java.util.regex.Pattern.quote(a.toString())
        + ": \\d \\(\\d+\\.\\d\\d%\\)  \\d \\(\\d+\\.\\d\\d%\\)"), lines[0]);
    assertEquals(lines[0].substring(a.toString().length()), lines[1].substring(b.toString().length()));
  }

  @Test
  void topClassesAreSortedByProbability() {
    assertEquals("2 (70.00%)  0 (20.00%)", PredictCommand.topClasses(new float[] {9, .2f, .1f, .7f}, 1, 3, 2));
  }

  @Test
  void notAnImageFailsWithOneLine() throws Exception {
    Path model = dir.resolve("m.safetensors");
    ModelFile.save(Architectures.mnistConvnet(), model);
    Path text = dir.resolve("notes.png");
    Files.writeString(text, "not a picture");
    Cli r = Cli.run("predict", "--model", model.toString(), text.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.firstErrorLine().startsWith("striate predict: " + text), r.err());
    assertEquals(r.firstErrorLine() + "\n", r.err());
    assertFalse(r.hasStackTrace());
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    Path model = dir.resolve("m.safetensors");
    ModelFile.save(Architectures.mnistConvnet(), model);
    Path a = digit("a.png");
    Cli invert = Cli.run("predict", "--model", model.toString(), "--invert", "maybe", a.toString());
    assertEquals(2, invert.exitCode());
    assertEquals("striate predict: --invert must be auto, always or never, got 'maybe'", invert.firstErrorLine());
    Cli top = Cli.run("predict", "--model", model.toString(), "--top", "0", a.toString());
    assertEquals("striate predict: --top must be at least 1, got 0", top.firstErrorLine());
    Cli none = Cli.run("predict", "--model", model.toString());
    assertEquals(2, none.exitCode());
    assertEquals("striate predict: Missing required parameter: 'IMAGE'", none.firstErrorLine());
  }
}
