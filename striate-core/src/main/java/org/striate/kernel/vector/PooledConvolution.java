package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;
import static org.striate.kernel.vector.ConvPlan.ceilDiv;

import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Pointwise;
import org.striate.tensor.ConvGeometry;

/**
 * A convolution whose output only max pooling reads, pooled as it is computed ({@link
 * VectorConvolution#forwardThroughMaxPool}), so that the output is never written out and read back (11 MB a batch
 * for mnist-convnet's first layer). The unit of work is a <em>band</em>: the output rows under one or more pooled
 * rows of one image ({@link #bandRows}), which go through the tile kernels into a buffer of the thread's own,
 * finished with bias and activation as {@link TileMerge} finishes them, and are pooled from there. The results are those of {@link VectorConvolution#forward} and then {@link VectorPooling#maxForward}, to
 * the bit: the tile kernels form each output's sum in the same order wherever a tile starts, and the windows are
 * swept in the same order (ties to the first, NaN wins), the winners recorded as indices into the output that
 * was not written.
 *
 * <p>Threads: spans of the bands of all images, each written by one thread in a fixed order, so the results do
 * not depend on the thread count.
 */
final class PooledConvolution {
  private static final VectorSpecies<Integer> INDEX = SPECIES.withLanes(int.class);
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  /** The most floats of output a band may hold: 32 KiB, which leaves room in a 48 KiB L1 cache. */
  static final int BAND_FLOATS = 8192;

  private PooledConvolution() {}

  /**
   * Whether {@code spec}'s forward pass runs through the tile kernels of {@link VectorConvolution} (one group,
   * not a depthwise or {@link ShallowConvolution} layer), its channels are whole vectors, and {@code pool} reads
   * its output as it is in windows that tile it without gaps, overlap or padding (stride equal to the window, no
   * dilation), the rows and columns past the last window left out.
   */
  static boolean handles(ConvSpec spec, ConvGeometry pool) {
    ConvGeometry conv = spec.geometry();
    return spec.groups() == 1 && !DepthwiseConvolution.handles(spec) && !ShallowConvolution.handles(spec)
        && spec.outChannels() % L == 0 && pool.inH() == conv.outH() && pool.inW() == conv.outW()
        && pool.strideH() == pool.kernelH() && pool.strideW() == pool.kernelW() && pool.dilationH() == 1
        && pool.dilationW() == 1 && pool.padTop() == 0 && pool.padLeft() == 0
        && pool.outH() * pool.kernelH() <= pool.inH() && pool.outW() * pool.kernelW() <= pool.inW();
  }

  static void forward(VectorConvolution.Split run, ConvPlan plan, VectorConvolution.Packed w, int batch,
      float[] input, Pointwise f, float alpha, ConvGeometry pool, float[] pooled, int[] argmax) {
    int cout = plan.cout;
    int convW = plan.geo.outW();
    int stripPixels = pool.kernelH() * convW; // under one pooled row
    int rowsPer = ConvMicroKernel.rows(w.cols());
    int bandRows = bandRows(pool.outH(), stripPixels, cout, rowsPer);
    int bands = ceilDiv(pool.outH(), bandRows);
    // A band's last tile may run past the image and past the plan's table of window offsets, whose padding
    // covers whole tiles from the image's start: then a copy padded further (not made otherwise: it is garbage).
    int[] windows = plan.windows.length >= plan.pixels + rowsPer ? plan.windows : paddedWindows(plan, rowsPer);
    int[] taps = new int[pool.kernelArea()];
    for (int kh = 0; kh < pool.kernelH(); kh++) {
      for (int kw = 0; kw < pool.kernelW(); kw++) {
        taps[kh * pool.kernelW() + kw] = (kh * convW + kw) * cout;
      }
    }
    int pooledRow = pool.outW() * cout;
    run.spans(batch * bands, (from, to) -> {
      Scratch s = SCRATCH.get();
      float[] band = s.band(bandRows * stripPixels * cout);
      for (int u = from; u < to; u++) {
        int n = u / bands;
        int ph0 = u % bands * bandRows;
        int rows = Math.min(bandRows, pool.outH() - ph0);
        int q0 = ph0 * stripPixels;
        int q1 = q0 + rows * stripPixels;
        float[] src = plan.source(input, n, s.conv.source(plan.sourceImage));
        int base = plan.sourceBase(n);
        for (int sl = 0; sl < w.slivers(); sl++) {
          int bi = PanelAlignment.LEAD + sl * plan.k * w.cols();
          int chan = sl * w.cols();
          int liveCols = Math.min(w.cols(), cout - chan);
          for (int q = q0; q < q1; q += rowsPer) {
            int liveRows = Math.min(rowsPer, q1 - q);
            ConvMicroKernel.tile(w.cols(), plan.k, src, base, windows, q, plan.taps, 0, w.weight(), bi, s.conv.tile,
                w.compact() ? cout : w.cols());
            if (w.compact()) {
              TileMerge.storeCompact(s.conv.tile, 0, liveRows * cout, w.bias(), f, alpha, band, (q - q0) * cout);
            } else {
              TileMerge.store(s.conv.tile, w.cols(), liveRows, liveCols, w.bias(), chan, f, alpha, band,
                  (q - q0) * cout + chan, cout);
            }
          }
        }
        for (int r = 0; r < rows; r++) {
          int strip = r * stripPixels * cout;
          int stripStart = n * plan.outImage + q0 * cout + strip;
          int o = (n * pool.outH() + ph0 + r) * pooledRow;
          for (int pw = 0; pw < pool.outW(); pw++, o += cout) {
            int window = strip + pw * pool.kernelW() * cout;
            for (int c = 0; c < cout; c += L) {
              if (argmax == null) {
                VectorPooling.maxValues(band, window + c, taps, 0, taps.length, pooled, o + c);
              } else {
                VectorPooling.maxWinners(band, window + c, taps, 0, taps.length, pooled, argmax, o + c);
                // from indices into the band to indices into the output
                IntVector.fromArray(INDEX, argmax, o + c).add(stripStart - strip).intoArray(argmax, o + c);
              }
            }
          }
        }
      }
    });
  }

  /** {@code plan}'s window offsets, the last repeated to cover a tile of {@code rowsPer} rows from the last pixel. */
  private static int[] paddedWindows(ConvPlan plan, int rowsPer) {
    int[] windows = Arrays.copyOf(plan.windows, plan.pixels + rowsPer);
    Arrays.fill(windows, plan.pixels, windows.length, plan.windows[plan.pixels - 1]);
    return windows;
  }

  /**
   * Pooled rows per band: those whose output rows, in the bands of one image, leave the fewest tile rows computed
   * and dropped, the fewest rows of those, within {@link #BAND_FLOATS}. One pooled row a band left 13.6% of
   * mnist-convnet's second layer computed and dropped (22 pixels in tiles of 5) and 20% of lenet5's (20 in 12).
   */
  static int bandRows(int pooledH, int stripPixels, int cout, int rowsPer) {
    int best = 1;
    long fewest = Long.MAX_VALUE;
    for (int r = 1; r <= pooledH && (r == 1 || (long) r * stripPixels * cout <= BAND_FLOATS); r++) {
      long computed = (long) (pooledH / r) * tileRows(r * stripPixels, rowsPer)
          + tileRows(pooledH % r * stripPixels, rowsPer);
      if (computed < fewest) {
        fewest = computed;
        best = r;
      }
    }
    return best;
  }

  private static long tileRows(int pixels, int rowsPer) {
    return (long) ceilDiv(pixels, rowsPer) * rowsPer;
  }

  /** One thread's buffers; they grow to the largest size asked for and are then reused. */
  private static final class Scratch {
    final ConvScratch conv = new ConvScratch();
    private float[] band = new float[0];

    float[] band(int size) {
      band = ConvScratch.atLeast(band, size);
      return band;
    }
  }
}
