package org.striate.kernel;

import java.util.Arrays;
import org.striate.tensor.ConvGeometry;

/**
 * Convolution for {@link ScalarKernels}, as matrix products over im2col tiles.
 *
 * <p>For one image and one group, with {@code P = outH * outW} output pixels and {@code K = kernelH * kernelW
 * * inChannels / groups}, row {@code p} of the im2col matrix {@code col} ({@code P x K}) holds the input values
 * under output pixel {@code p}'s window in the weight's order {@code [kh][kw][c]}, with zeros for padding.
 * Seeing the weight as a {@code K x outChannels} matrix and {@code W_g} as the group's block of columns:
 *
 * <pre>
 *   forward:          out_g    = col · W_g + bias_g
 *   backward input:   gradCol  = gradOut_g · W_g^T, then added back onto the input pixels (col2im)
 *   backward weight:  gradW_g += col^T · gradOut_g
 * </pre>
 *
 * All three go through {@link #multiplyAdd}, whose innermost loop is an axpy the JIT vectorizes; for that, the
 * rows it reads and writes are kept as separate arrays (weight rows, filter rows, output-gradient rows,
 * accumulator rows), copied once per call or per tile. {@code col} is built for tiles of output pixels, about
 * {@link #TILE_FLOATS} floats, so it stays in cache and its size does not grow with the image. A 1x1 kernel
 * with stride 1 and no padding needs no im2col: the input is its own {@code col}.
 *
 * <p>Images are split into contiguous blocks, one per thread; each thread allocates its scratch once per call
 * and reuses it for all its images. Forward and backward-input write disjoint images, so their results do not
 * depend on the thread count. Backward-weight sums each thread's images into its own partial gradient, then
 * adds the partials to the caller's gradient in thread order: bit-identical for a fixed thread count.
 */
final class ScalarConvolution {
  /** The most floats an im2col tile holds (64 KiB), so a tile and its weights fit in the L2 cache. */
  static final int TILE_FLOATS = 16 * 1024;

  /** Rows of a product computed together, so that each row of the right-hand matrix serves several. */
  static final int ROW_BLOCK = 4;

  private final Parallel parallel;

  ScalarConvolution(Parallel parallel) {
    this.parallel = parallel;
  }

  void forward(ConvSpec spec, int batch, float[] input, float[] weight, float[] bias, float[] output) {
    Layout l = new Layout(spec);
    float[][] weightRows = l.weightRows(weight);
    parallel.forRange(batch, (chunk, from, to) -> {
      float[] col = l.identity ? null : new float[l.tileRows * l.k];
      float[][] out = new float[l.tileRows][l.coutg];
      for (int n = from; n < to; n++) {
        int inBase = n * spec.inputImageSize();
        int outBase = n * spec.outputImageSize();
        for (int g = 0; g < l.groups; g++) {
          for (int r0 = 0; r0 < l.pixels; r0 += l.tileRows) {
            int rows = Math.min(l.tileRows, l.pixels - r0);
            for (int r = 0; r < rows; r++) {
              if (bias == null) {
                Arrays.fill(out[r], 0f);
              } else {
                System.arraycopy(bias, g * l.coutg, out[r], 0, l.coutg);
              }
            }
            if (l.identity) {
              multiplyAdd(rows, l.coutg, l.k, input, inBase + r0 * l.cin + g * l.cg, l.cin, 1,
                  weightRows, g * l.k, out, 0);
            } else {
              l.im2col(input, inBase, g, r0, rows, col);
              multiplyAdd(rows, l.coutg, l.k, col, 0, l.k, 1, weightRows, g * l.k, out, 0);
            }
            for (int r = 0; r < rows; r++) {
              System.arraycopy(out[r], 0, output, outBase + (r0 + r) * l.cout + g * l.coutg, l.coutg);
            }
          }
        }
      }
    });
  }

  void backwardInput(ConvSpec spec, int batch, float[] gradOutput, float[] weight, float[] gradInput) {
    Layout l = new Layout(spec);
    float[][] filterRows = l.filterRows(weight);
    parallel.forRange(batch, (chunk, from, to) -> {
      float[][] gradCol = new float[l.tileRows][l.k];
      for (int n = from; n < to; n++) {
        int inBase = n * spec.inputImageSize();
        int outBase = n * spec.outputImageSize();
        Arrays.fill(gradInput, inBase, inBase + spec.inputImageSize(), 0f);
        for (int g = 0; g < l.groups; g++) {
          for (int r0 = 0; r0 < l.pixels; r0 += l.tileRows) {
            int rows = Math.min(l.tileRows, l.pixels - r0);
            for (int r = 0; r < rows; r++) {
              Arrays.fill(gradCol[r], 0f);
            }
            multiplyAdd(rows, l.k, l.coutg, gradOutput, outBase + r0 * l.cout + g * l.coutg, l.cout, 1,
                filterRows, g * l.coutg, gradCol, 0);
            for (int r = 0; r < rows; r++) {
              l.col2imAdd(gradCol[r], g, r0 + r, gradInput, inBase);
            }
          }
        }
      }
    });
  }

  /**
   * {@code gradWeight += col^T · gradPre} and {@code gradBias += column sums of gradPre}, where {@code gradPre} is
   * {@code gradOutput} taken back through {@code f} (output {@code output}) row by row as it is read.
   */
  void backwardWeight(ConvSpec spec, int batch, float[] input, float[] gradOutput, Pointwise f, float alpha,
      float[] output, float[] gradWeight, float[] gradBias) {
    Layout l = new Layout(spec);
    int chunks = parallel.chunks(batch);
    float[][][] partialWeight = new float[chunks][][];
    float[][][] partialBias = new float[chunks][][];
    parallel.forRange(batch, (chunk, from, to) -> {
      float[] col = l.identity ? null : new float[l.tileRows * l.k];
      float[][] gradOutRows = new float[l.tileRows][l.coutg];
      float[][] gw = new float[l.groups * l.k][l.coutg]; // row g * k + p: group g's weight row p
      float[][] gb = new float[l.groups][l.coutg];
      for (int n = from; n < to; n++) {
        int inBase = n * spec.inputImageSize();
        int outBase = n * spec.outputImageSize();
        for (int g = 0; g < l.groups; g++) {
          for (int r0 = 0; r0 < l.pixels; r0 += l.tileRows) {
            int rows = Math.min(l.tileRows, l.pixels - r0);
            float[] gbg = gb[g];
            for (int r = 0; r < rows; r++) {
              float[] row = gradOutRows[r];
              ScalarKernels.pointwiseGradient(f, alpha, output, output, gradOutput,
                  outBase + (r0 + r) * l.cout + g * l.coutg, row, 0, l.coutg);
              for (int j = 0; j < l.coutg; j++) {
                gbg[j] += row[j];
              }
            }
            if (l.identity) {
              multiplyAdd(l.k, l.coutg, rows, input, inBase + r0 * l.cin + g * l.cg, 1, l.cin,
                  gradOutRows, 0, gw, g * l.k);
            } else {
              l.im2col(input, inBase, g, r0, rows, col);
              multiplyAdd(l.k, l.coutg, rows, col, 0, 1, l.k, gradOutRows, 0, gw, g * l.k);
            }
          }
        }
      }
      partialWeight[chunk] = gw;
      partialBias[chunk] = gb;
    });
    addInOrder(partialWeight, l.k, l, gradWeight);
    if (gradBias != null) {
      addInOrder(partialBias, 1, l, gradBias);
    }
  }

  /**
   * Adds the threads' partial gradients to {@code total}, always in thread order. Row {@code q} of each part is
   * row {@code q % rowsPerGroup} of group {@code q / rowsPerGroup}'s block of {@code outChannels / groups}
   * columns in {@code total}, whose rows have {@code outChannels} elements.
   */
  private void addInOrder(float[][][] parts, int rowsPerGroup, Layout l, float[] total) {
    parallel.forRange(parts[0].length, (chunk, from, to) -> {
      for (int q = from; q < to; q++) {
        int offset = (q % rowsPerGroup) * l.cout + (q / rowsPerGroup) * l.coutg;
        for (int j = 0; j < l.coutg; j++) {
          float sum = total[offset + j];
          for (float[][] part : parts) {
            sum += part[q][j];
          }
          total[offset + j] = sum;
        }
      }
    });
  }

  /**
   * {@code c[cFirst + i][j] += sum over p < k of A(i, p) * b[bFirst + p][j]} for {@code i < m}, {@code j < n},
   * where {@code A(i, p) = a[aOff + i * rowStride + p * colStride]}.
   *
   * <p>Rows of {@code B} and {@code C} are separate arrays on purpose: indexed by the loop variable alone, the
   * JIT can prove that the inner loop's loads and stores do not overlap and vectorizes it. With two different
   * row offsets into flat arrays it cannot (the arrays might be the same one), and HotSpot's C2 on JDK 17 and
   * 25 leaves the loop scalar, about 7 times slower. Rows of {@code C} go in blocks of {@link #ROW_BLOCK}, so
   * each row of {@code B} is loaded once per block.
   */
  static void multiplyAdd(
      int m, int n, int k, float[] a, int aOff, int rowStride, int colStride, float[][] b, int bFirst,
      float[][] c, int cFirst) {
    int i = 0;
    for (; i + ROW_BLOCK <= m; i += ROW_BLOCK) {
      float[] c0 = c[cFirst + i];
      float[] c1 = c[cFirst + i + 1];
      float[] c2 = c[cFirst + i + 2];
      float[] c3 = c[cFirst + i + 3];
      int ai = aOff + i * rowStride;
      for (int p = 0; p < k; p++) {
        int ap = ai + p * colStride;
        float a0 = a[ap];
        float a1 = a[ap + rowStride];
        float a2 = a[ap + 2 * rowStride];
        float a3 = a[ap + 3 * rowStride];
        float[] bp = b[bFirst + p];
        for (int j = 0; j < n; j++) {
          float bj = bp[j];
          c0[j] += a0 * bj;
          c1[j] += a1 * bj;
          c2[j] += a2 * bj;
          c3[j] += a3 * bj;
        }
      }
    }
    for (; i < m; i++) {
      float[] ci = c[cFirst + i];
      for (int p = 0; p < k; p++) {
        float ap = a[aOff + i * rowStride + p * colStride];
        float[] bp = b[bFirst + p];
        for (int j = 0; j < n; j++) {
          ci[j] += ap * bp[j];
        }
      }
    }
  }

  /** The sizes of one convolution, computed once per call, and its im2col and col2im. */
  private static final class Layout {
    final ConvGeometry geo;
    final int cin;
    final int cg;
    final int cout;
    final int coutg;
    final int groups;
    final int k;
    final int pixels;
    final int tileRows;
    /** True when im2col would copy the input unchanged (1x1 kernel, stride 1, no padding). */
    final boolean identity;

    Layout(ConvSpec spec) {
      geo = spec.geometry();
      cin = spec.inChannels();
      cg = spec.inChannelsPerGroup();
      cout = spec.outChannels();
      coutg = spec.outChannelsPerGroup();
      groups = spec.groups();
      k = geo.kernelArea() * cg;
      pixels = geo.outH() * geo.outW();
      tileRows = Math.min(pixels, Math.max(ROW_BLOCK, TILE_FLOATS / k / ROW_BLOCK * ROW_BLOCK));
      identity = geo.kernelH() == 1 && geo.kernelW() == 1 && geo.strideH() == 1 && geo.strideW() == 1
          && geo.padTop() == 0 && geo.padLeft() == 0 && geo.padBottom() == 0 && geo.padRight() == 0;
    }

    /** Row {@code g * k + p} is row {@code p} of group {@code g}'s columns of the weight ({@code coutg} floats). */
    float[][] weightRows(float[] weight) {
      float[][] rows = new float[groups * k][];
      for (int q = 0; q < rows.length; q++) {
        int from = (q % k) * cout + (q / k) * coutg;
        rows[q] = Arrays.copyOfRange(weight, from, from + coutg);
      }
      return rows;
    }

    /** Row {@code o} is filter {@code o}: its {@code k} weights in {@code [kh][kw][c]} order. */
    float[][] filterRows(float[] weight) {
      float[][] rows = new float[cout][k];
      for (int p = 0; p < k; p++) {
        for (int o = 0; o < cout; o++) {
          rows[o][p] = weight[p * cout + o];
        }
      }
      return rows;
    }

    /** Fills rows {@code [0, rows)} of {@code col} for output pixels {@code [r0, r0 + rows)} of group {@code g}. */
    void im2col(float[] input, int inBase, int g, int r0, int rows, float[] col) {
      int dst = 0;
      for (int r = r0; r < r0 + rows; r++) {
        int oh = r / geo.outW();
        int ow = r % geo.outW();
        for (int kh = 0; kh < geo.kernelH(); kh++) {
          int ih = oh * geo.strideH() - geo.padTop() + kh * geo.dilationH();
          if (ih < 0 || ih >= geo.inH()) {
            Arrays.fill(col, dst, dst + geo.kernelW() * cg, 0f);
            dst += geo.kernelW() * cg;
            continue;
          }
          for (int kw = 0; kw < geo.kernelW(); kw++) {
            int iw = ow * geo.strideW() - geo.padLeft() + kw * geo.dilationW();
            if (iw < 0 || iw >= geo.inW()) {
              Arrays.fill(col, dst, dst + cg, 0f);
            } else if (cg == 1) { // one channel per group: a first layer, or depthwise
              col[dst] = input[inBase + (ih * geo.inW() + iw) * cin + g];
            } else {
              System.arraycopy(input, inBase + (ih * geo.inW() + iw) * cin + g * cg, col, dst, cg);
            }
            dst += cg;
          }
        }
      }
    }

    /** The adjoint of {@link #im2col} for one row: adds {@code gradColRow} onto output pixel {@code r}'s inputs. */
    void col2imAdd(float[] gradColRow, int g, int r, float[] gradInput, int inBase) {
      int oh = r / geo.outW();
      int ow = r % geo.outW();
      int src = 0;
      for (int kh = 0; kh < geo.kernelH(); kh++) {
        int ih = oh * geo.strideH() - geo.padTop() + kh * geo.dilationH();
        if (ih < 0 || ih >= geo.inH()) {
          src += geo.kernelW() * cg;
          continue;
        }
        for (int kw = 0; kw < geo.kernelW(); kw++) {
          int iw = ow * geo.strideW() - geo.padLeft() + kw * geo.dilationW();
          if (iw >= 0 && iw < geo.inW()) {
            int dst = inBase + (ih * geo.inW() + iw) * cin + g * cg;
            for (int c = 0; c < cg; c++) {
              gradInput[dst + c] += gradColRow[src + c];
            }
          }
          src += cg;
        }
      }
    }
  }
}
