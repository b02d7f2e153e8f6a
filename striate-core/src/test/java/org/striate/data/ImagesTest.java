package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.Images.Invert;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

class ImagesTest {
  @TempDir Path dir;

  private static final float EPS = 1e-6f;

  /** An 8-bit grey image, {@code levels} row by row. */
  private static BufferedImage grey(int width, int... levels) {
    BufferedImage image = new BufferedImage(width, levels.length / width, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setPixels(0, 0, width, levels.length / width, levels);
    return image;
  }

  private Path png(String name, BufferedImage image) throws IOException {
    Path file = dir.resolve(name);
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  private static void assertValues(float[] expected, Tensor actual) {
    assertEquals(expected.length, actual.size(), "size of " + actual);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual.data()[i], EPS, "element " + i + " of " + Arrays.toString(actual.data()));
    }
  }

  @Test
  void greyPngKeepsItsStoredLevels() throws IOException {
    Tensor t = Images.load(png("grey.png", grey(2, 0, 128, 200, 255)), Shape.of(2, 2, 1), Invert.NEVER);
    assertEquals(Shape.of(2, 2, 1), t.shape());
    assertValues(new float[] {0f, 128 / 255f, 200 / 255f, 1f}, t);
  }

  @Test
  void sixteenBitGreyIsScaledByItsOwnRange() throws IOException {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    image.getRaster().setPixels(0, 0, 2, 1, new int[] {32768, 65535});
    Tensor t = Images.load(png("grey16.png", image), Shape.of(1, 2, 1), Invert.NEVER);
    assertValues(new float[] {32768 / 65535f, 1f}, t);
  }

  @Test
  void colourBecomesLumaOrStaysRgb() throws IOException {
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 4, 1, new int[] {0xff0000, 0x00ff00, 0x0000ff, 0x336699}, 0, 4);
    Path file = png("rgb.png", image);
    float r = 0x33 / 255f;
    float g = 0x66 / 255f;
    float b = 0x99 / 255f;
    assertValues(new float[] {0.299f, 0.587f, 0.114f, 0.299f * r + 0.587f * g + 0.114f * b},
        Images.load(file, Shape.of(1, 4, 1), Invert.NEVER));
    assertValues(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, r, g, b}, Images.load(file, Shape.of(1, 4, 3), Invert.NEVER));
  }

  @Test
  void greyIsRepeatedInThreeChannels() throws IOException {
    Tensor t = Images.load(png("g.png", grey(2, 51, 204)), Shape.of(1, 2, 3), Invert.NEVER);
    float a = 51 / 255f;
    float c = 204 / 255f;
    assertValues(new float[] {a, a, a, c, c, c}, t);
  }

  @Test
  void transparencyIsCompositedOverWhite() throws IOException {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 3, 1, new int[] {0x00000000, 0x80000000, 0xff000000}, 0, 3);
    Tensor t = Images.load(png("alpha.png", image), Shape.of(1, 3, 1), Invert.NEVER);
    assertValues(new float[] {1f, 1f - 128 / 255f, 0f}, t);
  }

  @Test
  void greyWithAlphaIsCompositedOverWhite() throws IOException {
    ComponentColorModel model = new ComponentColorModel(
        ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = model.createCompatibleWritableRaster(2, 1);
    raster.setPixels(0, 0, 2, 1, new int[] {100, 255, 100, 51}); // (grey, alpha) pairs
    Path file = png("grey-alpha.png", new BufferedImage(model, raster, false, null));
    float a = 51 / 255f;
    assertValues(new float[] {100 / 255f, 100 / 255f * a + 1f - a},
        Images.load(file, Shape.of(1, 2, 1), Invert.NEVER));
  }

  @Test
  void shrinkingAveragesAreas() throws IOException {
    int[] levels = {
      0, 10, 20, 30,
      40, 50, 60, 70,
      80, 90, 100, 110,
      120, 130, 140, 150};
    Tensor t = Images.load(png("4x4.png", grey(4, levels)), Shape.of(2, 2, 1), Invert.NEVER);
    assertValues(new float[] {
        (0 + 10 + 40 + 50) / 4f / 255f, (20 + 30 + 60 + 70) / 4f / 255f,
        (80 + 90 + 120 + 130) / 4f / 255f, (100 + 110 + 140 + 150) / 4f / 255f}, t);
  }

  @Test
  void shrinkingByAFractionWeighsPartlyCoveredPixels() throws IOException {
    // 3 -> 2: output 0 covers input [0, 1.5), output 1 covers [1.5, 3)
    Tensor t = Images.load(png("3x1.png", grey(3, 30, 90, 240)), Shape.of(1, 2, 1), Invert.NEVER);
    assertValues(new float[] {(30 + 0.5f * 90) / 1.5f / 255f, (0.5f * 90 + 240) / 1.5f / 255f}, t);
  }

  @Test
  void enlargingInterpolatesBilinearly() throws IOException {
    // 2 -> 4, pixel centres aligned: positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    Tensor t = Images.load(png("2x1.png", grey(1, 40, 200)), Shape.of(4, 1, 1), Invert.NEVER);
    float v0 = 40 / 255f;
    float v1 = 200 / 255f;
    assertValues(new float[] {v0, 0.75f * v0 + 0.25f * v1, 0.25f * v0 + 0.75f * v1, v1}, t);
  }

  @Test
  void shrinkingOneAxisWhileEnlargingTheOther() throws IOException {
    // 2 rows x 4 columns -> 4 rows x 2 columns
    int[] levels = {0, 20, 100, 120, 200, 220, 40, 60};
    Tensor t = Images.load(png("2x4.png", grey(4, levels)), Shape.of(4, 2, 1), Invert.NEVER);
    float top0 = 10 / 255f;
    float top1 = 110 / 255f;
    float bottom0 = 210 / 255f;
    float bottom1 = 50 / 255f;
    assertValues(new float[] {
        top0, top1,
        0.75f * top0 + 0.25f * bottom0, 0.75f * top1 + 0.25f * bottom1,
        0.25f * top0 + 0.75f * bottom0, 0.25f * top1 + 0.75f * bottom1,
        bottom0, bottom1}, t);
  }

  @Test
  void invertOptions() throws IOException {
    Path file = png("g.png", grey(2, 0, 51, 204, 255));
    Shape shape = Shape.of(2, 2, 1);
    assertValues(new float[] {1f, 1f - 51 / 255f, 1f - 204 / 255f, 0f}, Images.load(file, shape, Invert.ALWAYS));
  }

  @Test
  void autoInvertsADarkDigitOnALightBorderOnly() throws IOException {
    int[] darkOnLight = new int[25];
    Arrays.fill(darkOnLight, 250);
    darkOnLight[12] = 0;
    Tensor inverted = Images.load(png("paper.png", grey(5, darkOnLight)), Shape.of(5, 5, 1), Invert.AUTO);
    assertEquals(1f - 250 / 255f, inverted.get(0, 0, 0), EPS);
    assertEquals(1f, inverted.get(2, 2, 0), EPS);

    int[] lightOnDark = new int[25];
    lightOnDark[12] = 255;
    Tensor kept = Images.load(png("mnist-like.png", grey(5, lightOnDark)), Shape.of(5, 5, 1), Invert.AUTO);
    assertEquals(0f, kept.get(0, 0, 0), EPS);
    assertEquals(1f, kept.get(2, 2, 0), EPS);
  }

  @Test
  void autoNeedsMoreThanHalfOfTheBorderLight() {
    // a 3x3 border has 8 pixels: 4 light is not enough, 5 is
    float[] four = {1, 1, 1, 0, 0, 1, 0, 0, 0};
    float[] five = {1, 1, 1, 1, 0, 1, 0, 0, 0};
    assertFalse(Images.hasLightBorder(four, 3, 3));
    assertTrue(Images.hasLightBorder(five, 3, 3));
  }

  @Test
  void readsJpeg() throws IOException {
    int[] levels = new int[64];
    Arrays.fill(levels, 128);
    Path file = dir.resolve("flat.jpg");
    ImageIO.write(grey(8, levels), "jpeg", file.toFile());
    Tensor t = Images.load(file, Shape.of(4, 4, 1), Invert.NEVER);
    for (float v : t.data()) {
      assertEquals(128 / 255f, v, 2 / 255f); // lossy, but a flat image survives within a level or two
    }
  }

  @Test
  void loadBatchStacksImagesInOrder() throws IOException {
    Path first = png("a.png", grey(1, 0));
    Path second = png("b.png", grey(1, 255));
    Tensor batch = Images.loadBatch(List.of(first, second, first), Shape.of(1, 1, 1), Invert.NEVER);
    assertEquals(Shape.of(3, 1, 1, 1), batch.shape());
    assertValues(new float[] {0f, 1f, 0f}, batch);
  }

  @Test
  void unreadableFilesAreNamed() throws IOException {
    Shape shape = Shape.of(28, 28, 1);
    Path missing = dir.resolve("missing.png");
    FileNotFoundException absent =
        assertThrows(FileNotFoundException.class, () -> Images.load(missing, shape, Invert.AUTO));
    assertEquals(missing + ": no such file", absent.getMessage());

    FileNotFoundException folder =
        assertThrows(FileNotFoundException.class, () -> Images.load(dir, shape, Invert.AUTO));
    assertEquals(dir + ": is a directory, not an image", folder.getMessage());

    Path text = Files.writeString(dir.resolve("notes.png"), "not an image", StandardCharsets.UTF_8);
    FileFormatException notImage =
        assertThrows(FileFormatException.class, () -> Images.load(text, shape, Invert.AUTO));
    assertEquals(
        text + ": not a PNG, JPEG, BMP or GIF image (no image decoder recognises its contents)",
        notImage.getMessage());
  }

  @Test
  void corruptPngIsReportedWithTheDecoderReason() throws IOException {
    byte[] valid = Files.readAllBytes(png("whole.png", grey(2, 1, 2, 3, 4)));
    Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(valid, 20));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> Images.load(cut, Shape.of(2, 2, 1), Invert.NEVER));
    assertEquals(IIOException.class, e.getCause().getClass());
    assertEquals(cut + ": cannot decode the image: " + e.getCause().getMessage(), e.getMessage());
  }

  @Test
  void rejectsShapesThatAreNotHeightWidthChannels() {
    BufferedImage image = grey(1, 0);
    IllegalArgumentException four = assertThrows(
        IllegalArgumentException.class, () -> Images.fromImage(image, Shape.of(28, 28, 4), Invert.NEVER));
    assertEquals(
        "Images: channels must be 1 (grayscale) or 3 (RGB), got 4 in input shape (28, 28, 4)", four.getMessage());
    IllegalArgumentException flat = assertThrows(
        IllegalArgumentException.class, () -> Images.fromImage(image, Shape.of(28, 28), Invert.NEVER));
    assertEquals("Images: input shape must be (height, width, channels), got (28, 28)", flat.getMessage());
    IllegalArgumentException none = assertThrows(
        IllegalArgumentException.class, () -> Images.fromImage(image, Shape.of(1, 1, 1), null));
    assertEquals("Images: invert must not be null (use Invert.NEVER), got null", none.getMessage());
  }
}
