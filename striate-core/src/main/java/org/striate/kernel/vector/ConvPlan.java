package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.ROWS_MULTIPLE;

import java.util.Arrays;
import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;

/**
 * The offset tables and packed weights one convolution call needs, computed once by the calling thread and
 * then only read (see {@link ConvMicroKernel} for how the tables address the im2col matrix).
 *
 * <p>Windows are addressed in a <em>source image</em>: the input image itself when the geometry has no
 * padding, otherwise a copy of it framed by zeros ({@link #pad}), so that no window ever leaves its source and
 * the kernels need no bounds tests. Source pixel {@code (y, x)} is input pixel {@code (y - padTop, x -
 * padLeft)}; a negative {@code padBottom} or {@code padRight} (transposed geometries) needs no frame, since no
 * window reaches those rows.
 *
 * <p>With {@code K = kernelH * kernelW * inChannels / groups} and {@code P = outH * outW}:
 * {@code taps[k]} is the offset of im2col column {@code k = (kh * kernelW + kw) * cg + c} from its window's
 * origin, and {@code windows[q]} the offset of output pixel {@code q}'s window origin in the source image.
 * Both tables are padded to a multiple of {@link ConvMicroKernel#ROWS_MULTIPLE} by repeating their last entry, so
 * a kernel may read whole tiles past the end; those rows are computed and dropped.
 */
final class ConvPlan {
  final ConvGeometry geo;
  final int cin;
  final int cg;
  final int cout;
  final int coutg;
  final int groups;
  /** Columns of the im2col matrix of one group. */
  final int k;
  /** Output pixels of one image. */
  final int pixels;
  final int inImage;
  final int outImage;
  /** Whether windows are read from a zero-framed copy of the input rather than the input itself. */
  final boolean framed;
  final int sourceH;
  final int sourceW;
  /** Floats of one source image. */
  final int sourceImage;
  final int[] taps;
  final int[] windows;

  ConvPlan(ConvSpec spec) {
    geo = spec.geometry();
    cin = spec.inChannels();
    cg = spec.inChannelsPerGroup();
    cout = spec.outChannels();
    coutg = spec.outChannelsPerGroup();
    groups = spec.groups();
    k = geo.kernelArea() * cg;
    pixels = geo.outH() * geo.outW();
    inImage = spec.inputImageSize();
    outImage = spec.outputImageSize();
    framed = geo.padTop() > 0 || geo.padLeft() > 0 || geo.padBottom() > 0 || geo.padRight() > 0;
    sourceH = geo.inH() + (framed ? geo.padTop() + Math.max(geo.padBottom(), 0) : 0);
    sourceW = geo.inW() + (framed ? geo.padLeft() + Math.max(geo.padRight(), 0) : 0);
    sourceImage = sourceH * sourceW * cin;
    taps = new int[roundUp(k, ROWS_MULTIPLE)];
    for (int kh = 0, i = 0; kh < geo.kernelH(); kh++) {
      for (int kw = 0; kw < geo.kernelW(); kw++) {
        int origin = (kh * geo.dilationH() * sourceW + kw * geo.dilationW()) * cin;
        for (int c = 0; c < cg; c++) {
          taps[i++] = origin + c;
        }
      }
    }
    Arrays.fill(taps, k, taps.length, taps[k - 1]);
    windows = new int[roundUp(pixels, ROWS_MULTIPLE)];
    for (int q = 0; q < pixels; q++) {
      int oh = q / geo.outW();
      int ow = q % geo.outW();
      windows[q] = (oh * geo.strideH() * sourceW + ow * geo.strideW()) * cin;
    }
    Arrays.fill(windows, pixels, windows.length, windows[pixels - 1]);
  }

  /**
   * Into {@code buffer[0, count)}: the window offsets of rows {@code f0, f0 + 1, ...} of the whole batch's output
   * pixels, row {@code f = n * pixels + q} at {@code n * inImage + windows[q]}, rows from {@code rows} on repeating
   * the last as the tables' padding does. For inputs read in place ({@code !framed}) only.
   */
  int[] batchWindows(int f0, int count, int rows, int[] buffer) {
    int f = Math.min(f0, rows - 1);
    int n = f / pixels;
    int q = f - n * pixels;
    for (int r = 0; r < count; r++) {
      buffer[r] = n * inImage + windows[q];
      if (f + 1 < rows) {
        f++;
        if (++q == pixels) {
          q = 0;
          n++;
        }
      }
    }
    return buffer;
  }

  /**
   * The source image of image {@code n} of {@code input}: {@code input} itself, or {@code buffer} (of at least
   * {@link #sourceImage} floats) holding its framed copy. Its first float is at {@link #sourceBase}.
   */
  float[] source(float[] input, int n, float[] buffer) {
    if (!framed) {
      return input;
    }
    pad(input, n, buffer);
    return buffer;
  }

  /** Where image {@code n}'s source image starts in the array {@link #source} returns. */
  int sourceBase(int n) {
    return framed ? 0 : n * inImage;
  }

  /**
   * Where the gradient of image {@code n} of {@code gradInput} is summed: {@code gradInput} itself or {@code
   * buffer}, zeroed, at {@link #sourceBase}; {@link #finish} then moves it into {@code gradInput}.
   */
  float[] target(float[] gradInput, int n, float[] buffer) {
    float[] target = framed ? buffer : gradInput;
    int base = sourceBase(n);
    Arrays.fill(target, base, base + (framed ? sourceImage : inImage), 0f);
    return target;
  }

  /** Crops a framed gradient summed by {@link #target} into image {@code n} of {@code gradInput}. */
  void finish(float[] target, float[] gradInput, int n) {
    if (framed) {
      crop(target, gradInput, n);
    }
  }

  /** Copies image {@code n} of {@code input} into the middle of {@code source}, zeroing the frame. */
  private void pad(float[] input, int n, float[] source) {
    Arrays.fill(source, 0, sourceImage, 0f);
    int rowFloats = geo.inW() * cin;
    for (int y = 0; y < geo.inH(); y++) {
      System.arraycopy(input, n * inImage + y * rowFloats, source,
          ((y + geo.padTop()) * sourceW + geo.padLeft()) * cin, rowFloats);
    }
  }

  /** The adjoint of {@link #pad}: writes the middle of {@code source} over image {@code n} of {@code input}. */
  private void crop(float[] source, float[] input, int n) {
    int rowFloats = geo.inW() * cin;
    for (int y = 0; y < geo.inH(); y++) {
      System.arraycopy(source, ((y + geo.padTop()) * sourceW + geo.padLeft()) * cin, input,
          n * inImage + y * rowFloats, rowFloats);
    }
  }

  /**
   * Group {@code g}'s block of the weight, seen as a {@code K x coutg} matrix, in slivers of {@code cols}
   * columns: element {@code (p, s * cols + j)} at {@code at + ((g * slivers + s) * K + p) * cols + j}, zero past
   * {@code coutg}.
   */
  float[] packWeight(float[] weight, int cols, int slivers, float[] packed, int at) {
    for (int g = 0; g < groups; g++) {
      for (int s = 0; s < slivers; s++) {
        int live = Math.min(cols, coutg - s * cols);
        int dst = at + (g * slivers + s) * k * cols;
        for (int p = 0; p < k; p++, dst += cols) {
          System.arraycopy(weight, p * cout + g * coutg + s * cols, packed, dst, live);
          Arrays.fill(packed, dst + live, dst + cols, 0f);
        }
      }
    }
    return packed;
  }

  /**
   * The bias laid out like {@link #packWeight}'s columns: {@code bias[g * coutg + s * cols + j]} at {@code (g *
   * slivers + s) * cols + j}, zero past {@code coutg}; null for a null bias.
   */
  float[] packBias(float[] bias, int cols, int slivers) {
    if (bias == null) {
      return null;
    }
    float[] packed = new float[groups * slivers * cols];
    for (int g = 0; g < groups; g++) {
      for (int s = 0; s < slivers; s++) {
        int live = Math.min(cols, coutg - s * cols);
        System.arraycopy(bias, g * coutg + s * cols, packed, (g * slivers + s) * cols, live);
      }
    }
    return packed;
  }

  /**
   * The bias of a one-group convolution repeated for {@code rows} output pixels and a vector more: {@code
   * bias[i % cout]} at {@code i}, for compact tiles; null for a null bias.
   */
  float[] repeatBias(float[] bias, int rows) {
    if (bias == null) {
      return null;
    }
    float[] repeated = new float[rows * cout + ConvMicroKernel.L];
    for (int i = 0; i < repeated.length; i++) {
      repeated[i] = bias[i % cout];
    }
    return repeated;
  }

  /**
   * How many im2col columns each sliver of {@link #packWeightTransposed} covers: {@code cols}, or one kernel row
   * ({@code kernelW * cg} columns, its taps' channels side by side in the source) when that lies between one
   * vector and {@code cols}. Then no vector of a tile straddles two kernel rows, whose columns lie apart in the
   * source, so col2im adds every vector at once (lenet5's 6 -> 16 layer: 30 columns a row, where slivers of 32
   * left half the vectors to scalar code).
   */
  int sliverSpan(int cols) {
    int row = geo.kernelW() * cg;
    return row > ConvMicroKernel.L && row < cols ? row : cols;
  }

  /**
   * Group {@code g}'s block of the weight transposed, a {@code coutg x K} matrix, in slivers of {@code span <=
   * cols} of its columns, each padded to {@code cols} ({@code lastCols <= cols} for the last): element {@code (o,
   * s * span + j)} at {@code at + ((g * slivers + s) * coutg + o) * cols + j} ({@code o * lastCols + j} for the
   * last), zero for {@code j} past the sliver's live columns.
   */
  float[] packWeightTransposed(float[] weight, int cols, int span, int slivers, int lastCols, float[] packed,
      int at) {
    for (int g = 0; g < groups; g++) {
      for (int s = 0; s < slivers; s++) {
        int live = Math.min(span, k - s * span);
        int base = at + (g * slivers + s) * coutg * cols;
        int stride = s == slivers - 1 ? lastCols : cols;
        for (int o = 0; o < coutg; o++) {
          int dst = base + o * stride;
          for (int j = 0; j < live; j++) {
            packed[dst + j] = weight[(s * span + j) * cout + g * coutg + o];
          }
          Arrays.fill(packed, dst + live, dst + stride, 0f);
        }
      }
    }
    return packed;
  }

  /**
   * For slivers of {@code span} columns padded to {@code cols} ({@link #sliverSpan}), {@code contiguous[s * (cols
   * / lanes) + c]} tells whether the live columns among {@code [c * lanes, (c + 1) * lanes)} of sliver {@code s}
   * are consecutive floats of the source (one tap's channels, or channels running on into the next pixel), so
   * that a vector can add them at once; false for a chunk with no live column.
   */
  boolean[] contiguousChunks(int span, int cols, int lanes) {
    int perSliver = cols / lanes;
    int slivers = (k + span - 1) / span;
    boolean[] contiguous = new boolean[slivers * perSliver];
    for (int s = 0; s < slivers; s++) {
      int live = Math.min(span, k - s * span);
      for (int c = 0; c < perSliver; c++) {
        int first = s * span + c * lanes;
        int n = Math.min(lanes, live - c * lanes);
        // taps increase strictly, so a difference of n - 1 means every step is 1
        contiguous[s * perSliver + c] = n > 0 && taps[first + n - 1] - taps[first] == n - 1;
      }
    }
    return contiguous;
  }

  /**
   * Whether im2col columns {@code k0} to {@code k0 + n - 1} all exist and are consecutive floats of the source
   * (taps within one kernel row, or one tap's channels). The taps increase strictly, so a difference of {@code n -
   * 1} means every step is 1; a run into the padding past {@link #k} must be refused first, since a jump before it
   * can make the same difference (taps 6, 8, 9, 10 and the repeated 10).
   */
  boolean tapsRun(int k0, int n) {
    return k0 + n <= k && taps[k0 + n - 1] - taps[k0] == n - 1;
  }

  /** {@code 0, rowStride, 2 * rowStride, ...}: the row offsets of a row-major matrix, padded like the tables. */
  static int[] rowOffsets(int rows, int rowStride) {
    int[] offsets = new int[roundUp(rows, ROWS_MULTIPLE)];
    for (int r = 0; r < offsets.length; r++) {
      offsets[r] = Math.min(r, rows - 1) * rowStride;
    }
    return offsets;
  }

  static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
