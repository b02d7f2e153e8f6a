package org.striate.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Turns image files (PNG, JPEG, BMP, GIF) into model inputs of shape {@code (H, W, C)} with values in
 * [0, 1].
 *
 * <p>The conversion, in order:
 * <ol>
 *   <li>Decode. Grey images keep their stored levels ({@code level / maxLevel}, 8 or 16 bits); colour and
 *       palette images are read as sRGB.
 *   <li>Composite over white: {@code v * alpha + (1 - alpha)}, so a transparent background is white.
 *   <li>Channels: {@code C = 1} takes the luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as PIL's
 *       {@code convert("L")}); {@code C = 3} keeps RGB (a grey image is repeated in the three channels).
 *   <li>Resize to {@code H x W}, each axis on its own, ignoring the aspect ratio (as Keras'
 *       {@code load_img(target_size=...)}): an axis that shrinks is area-averaged (each output pixel is the
 *       mean of the input area it covers, counting partly covered pixels by their covered fraction); an axis
 *       that grows or stays is interpolated bilinearly with pixel centres aligned (PyTorch
 *       {@code align_corners=False}, sampling positions clamped to the edge).
 *   <li>Invert ({@code v -> 1 - v}) according to {@link Invert}.
 * </ol>
 */
public final class Images {
  private static final float LIGHT = 0.5f;

  private Images() {}

  /**
   * Whether to invert the image. MNIST digits are white on black, while a scanned or drawn digit is usually
   * dark on white; inverting makes the two match.
   */
  public enum Invert {
    /** Keep the values. */
    NEVER,
    /** Always invert. */
    ALWAYS,
    /**
     * Invert when the image's border is mostly light: when more than half of the pixels on its outer edge
     * (one pixel wide, at the original resolution, after compositing over white) have a luma above 0.5.
     */
    AUTO
  }

  /**
   * Loads one image as a tensor of shape {@code inputShape = (H, W, C)}.
   *
   * @throws IllegalArgumentException if {@code inputShape} is not {@code (H, W, C)} with {@code C} 1 or 3
   * @throws FileNotFoundException if the file does not exist, is a directory or cannot be read
   * @throws FileFormatException if the file is not an image in a supported format or cannot be decoded
   */
  public static Tensor load(Path file, Shape inputShape, Invert invert) throws IOException {
    checkShape(inputShape);
    return fromImage(read(file), inputShape, invert);
  }

  /**
   * Loads several images as one batch of shape {@code (files.size(), H, W, C)}.
   *
   * @throws IllegalArgumentException if {@code files} is empty or {@code inputShape} is not valid
   * @throws IOException as {@link #load}, for the first file that fails
   */
  public static Tensor loadBatch(List<Path> files, Shape inputShape, Invert invert) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Images: files must not be empty, got []");
    }
    checkShape(inputShape);
    int size = inputShape.size();
    float[] batch = new float[files.size() * size];
    for (int i = 0; i < files.size(); i++) {
      System.arraycopy(load(files.get(i), inputShape, invert).data(), 0, batch, i * size, size);
    }
    return new Tensor(inputShape.withBatch(files.size()), batch);
  }

  /**
   * Converts a decoded image to a tensor of shape {@code inputShape = (H, W, C)}.
   *
   * @throws IllegalArgumentException if {@code inputShape} is not {@code (H, W, C)} with {@code C} 1 or 3
   */
  public static Tensor fromImage(BufferedImage image, Shape inputShape, Invert invert) {
    checkShape(inputShape);
    if (invert == null) {
      throw new IllegalArgumentException("Images: invert must not be null (use Invert.NEVER), got null");
    }
    int h = inputShape.dim(0);
    int w = inputShape.dim(1);
    int channels = inputShape.dim(2);
    int sourceH = image.getHeight();
    int sourceW = image.getWidth();
    float[][] source = compositedPlanes(image); // {grey} or {red, green, blue}, each sourceH x sourceW
    float[] luma = source.length == 1 ? source[0] : luma(source);
    boolean inverted = invert == Invert.ALWAYS || (invert == Invert.AUTO && hasLightBorder(luma, sourceH, sourceW));
    float[][] planes = channels == 1 ? new float[][] {luma} : source;
    Resampler rows = new Resampler(sourceH, h);
    Resampler columns = new Resampler(sourceW, w);
    float[] out = new float[h * w * channels];
    for (int c = 0; c < channels; c++) {
      float[] plane = resize(planes[Math.min(c, planes.length - 1)], sourceH, sourceW, rows, columns);
      for (int i = 0; i < h * w; i++) {
        out[i * channels + c] = inverted ? 1f - plane[i] : plane[i];
      }
    }
    return new Tensor(inputShape, out);
  }

  private static void checkShape(Shape inputShape) {
    if (inputShape.rank() != 3) {
      throw new IllegalArgumentException(
          "Images: input shape must be (height, width, channels), got " + inputShape);
    }
    int channels = inputShape.dim(2);
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "Images: channels must be 1 (grayscale) or 3 (RGB), got " + channels + " in input shape " + inputShape);
    }
  }

  private static BufferedImage read(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new FileNotFoundException(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new FileNotFoundException(file + ": is a directory, not an image");
    }
    if (!Files.isReadable(file)) {
      throw new FileNotFoundException(file + ": not readable (permission denied)");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      // decoders report damaged data with IIOException, and some with unchecked exceptions
      throw new FileFormatException(file, "cannot decode the image: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new FileFormatException(
          file, "not a PNG, JPEG, BMP or GIF image (no image decoder recognises its contents)");
    }
    return image;
  }

  /** The image's colour planes composited over white: one grey plane, or red, green and blue. */
  private static float[][] compositedPlanes(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel model = image.getColorModel();
    Raster raster = image.getRaster();
    boolean integerSamples = raster.getTransferType() == DataBuffer.TYPE_BYTE
        || raster.getTransferType() == DataBuffer.TYPE_USHORT || raster.getTransferType() == DataBuffer.TYPE_INT;
    if (model instanceof ComponentColorModel && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && model.getNumColorComponents() == 1 && integerSamples) {
      // getRGB would pass grey levels through a gamma conversion (128 becomes 188); the stored levels are
      // what every other tool reads.
      float[] grey = raster.getSamples(0, 0, w, h, 0, new float[w * h]);
      float scale = 1f / ((1L << model.getComponentSize(0)) - 1);
      float[] alpha = null;
      float alphaScale = 1f;
      if (model.hasAlpha()) {
        alpha = raster.getSamples(0, 0, w, h, 1, new float[w * h]);
        alphaScale = 1f / ((1L << model.getComponentSize(1)) - 1);
      }
      for (int i = 0; i < grey.length; i++) {
        float a = alpha == null ? 1f : alpha[i] * alphaScale;
        grey[i] = composite(grey[i] * scale, a, model.isAlphaPremultiplied());
      }
      return new float[][] {grey};
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w); // sRGB, not premultiplied
    float[][] rgb = new float[3][w * h];
    for (int i = 0; i < argb.length; i++) {
      float a = (argb[i] >>> 24) / 255f;
      rgb[0][i] = composite(((argb[i] >> 16) & 0xff) / 255f, a, false);
      rgb[1][i] = composite(((argb[i] >> 8) & 0xff) / 255f, a, false);
      rgb[2][i] = composite((argb[i] & 0xff) / 255f, a, false);
    }
    return rgb;
  }

  private static float composite(float value, float alpha, boolean premultiplied) {
    return (premultiplied ? value : value * alpha) + (1f - alpha);
  }

  private static float[] luma(float[][] rgb) {
    float[] y = new float[rgb[0].length];
    for (int i = 0; i < y.length; i++) {
      y[i] = 0.299f * rgb[0][i] + 0.587f * rgb[1][i] + 0.114f * rgb[2][i];
    }
    return y;
  }

  /** Whether more than half of the pixels on the outer edge of an {@code h x w} plane are above 0.5. */
  static boolean hasLightBorder(float[] luma, int h, int w) {
    int light = 0;
    int total = 0;
    for (int y = 0; y < h; y++) {
      boolean edgeRow = y == 0 || y == h - 1;
      for (int x = 0; x < w; x += edgeRow || w == 1 ? 1 : w - 1) {
        total++;
        if (luma[y * w + x] > LIGHT) {
          light++;
        }
      }
    }
    return 2 * light > total;
  }

  private static float[] resize(float[] plane, int h, int w, Resampler rows, Resampler columns) {
    float[] wide = new float[h * columns.outputs()];
    for (int y = 0; y < h; y++) {
      columns.apply(plane, y * w, 1, wide, y * columns.outputs(), 1);
    }
    float[] out = new float[rows.outputs() * columns.outputs()];
    for (int x = 0; x < columns.outputs(); x++) {
      rows.apply(wide, x, columns.outputs(), out, x, columns.outputs());
    }
    return out;
  }

  /**
   * Resampling weights along one axis of {@code inputs} pixels to {@code outputs} pixels: output {@code j}
   * is {@code sum_k weights[j][k] * input[first[j] + k]}.
   */
  static final class Resampler {
    private final int[] first;
    private final float[][] weights;

    Resampler(int inputs, int outputs) {
      first = new int[outputs];
      weights = new float[outputs][];
      double scale = (double) inputs / outputs;
      for (int j = 0; j < outputs; j++) {
        if (outputs < inputs) {
          // area: output j covers input interval [j * scale, (j + 1) * scale)
          double lo = j * scale;
          double hi = Math.min(inputs, (j + 1) * scale);
          first[j] = (int) Math.floor(lo);
          int last = (int) Math.ceil(hi) - 1;
          weights[j] = new float[last - first[j] + 1];
          for (int i = first[j]; i <= last; i++) {
            weights[j][i - first[j]] = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / scale);
          }
        } else {
          // bilinear: output centre j + 0.5 maps to input position (j + 0.5) * scale - 0.5
          double position = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), inputs - 1);
          first[j] = (int) Math.floor(position);
          float fraction = (float) (position - first[j]);
          weights[j] = first[j] + 1 < inputs ? new float[] {1f - fraction, fraction} : new float[] {1f};
        }
      }
    }

    int outputs() {
      return first.length;
    }

    /** Resamples one line: input at {@code in[inOffset + i * inStride]}, output likewise. */
    void apply(float[] in, int inOffset, int inStride, float[] out, int outOffset, int outStride) {
      for (int j = 0; j < first.length; j++) {
        float[] wj = weights[j];
        int base = inOffset + first[j] * inStride;
        float sum = 0f;
        for (int k = 0; k < wj.length; k++) {
          sum += wj[k] * in[base + k * inStride];
        }
        out[outOffset + j * outStride] = sum;
      }
    }
  }
}
