package org.striate.kernel.vector;

import static org.striate.kernel.vector.ConvMicroKernel.L;
import static org.striate.kernel.vector.ConvMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;
import org.striate.kernel.ConvSpec;
import org.striate.tensor.ConvGeometry;

/**
 * The output gradient of a convolution read by max pooling alone, packed for the weight gradient straight from
 * the pooling's gradient and winners ({@link VectorConvolution#backwardWeightThroughMaxPool}): each element gets
 * what max pooling's backward would have written there ({@link VectorPooling#routeVector}), so the weight
 * gradient is the same to the bit, and the convolution's output gradient is never written and read back (11 MB a
 * batch for mnist-convnet's first layer, and the pooling's backward pass with it).
 */
final class PooledGradient {
  private static final FloatVector ZERO = FloatVector.zero(SPECIES);

  private final PoolingGrid grid;
  private final int channels;
  private final int convW;
  private final int convImage;
  private final int pooledW;
  private final int pooledImage;
  private final float[] gradPooled;
  private final int[] argmax;
  private final float[] rectified;

  PooledGradient(ConvSpec spec, ConvGeometry pool, float[] gradPooled, int[] argmax, float[] rectified) {
    this.channels = spec.outChannels();
    this.grid = new PoolingGrid(pool, channels);
    this.convW = pool.inW();
    this.convImage = spec.outputImageSize();
    this.pooledW = pool.outW();
    this.pooledImage = pool.outH() * pool.outW() * channels;
    this.gradPooled = gradPooled;
    this.argmax = argmax;
    this.rectified = rectified;
  }

  /**
   * Whether the weight gradient of {@code spec} runs through the tile kernels of {@link VectorConvolution} (one
   * group, not a depthwise or {@link ShallowConvolution} layer) and {@code pool} reads its output as it is, with
   * windows that share no pixel, and the channels are whole vectors: then each element of the gradient comes from
   * at most one window, as whole vectors.
   */
  static boolean handles(ConvSpec spec, ConvGeometry pool) {
    ConvGeometry conv = spec.geometry();
    return spec.groups() == 1 && !DepthwiseConvolution.handles(spec) && !ShallowConvolution.handles(spec)
        && pool.inH() == conv.outH() && pool.inW() == conv.outW() && spec.outChannels() % L == 0
        && new PoolingGrid(pool, spec.outChannels()).disjoint();
  }

  /**
   * {@link TileMerge#packRows} of the gradient's {@code rows} pixels from {@code p0} of image {@code n}, channels
   * from {@code chan} ({@code liveCols} of them, a whole number of vectors), into a sliver of {@code cols} from
   * {@code packed[at]}; with {@code sums}, adds each column's total to {@code sums[chan + j]}.
   */
  void pack(int n, int p0, int rows, int chan, int cols, int liveCols, float[] packed, int at, float[] sums) {
    int pooledAt = n * pooledImage + chan;
    int convAt = n * convImage + p0 * channels + chan;
    // the pixel's row and column, stepped rather than divided out: a division a pixel cost as much as the rest
    int ph = grid.rowOwner(p0 / convW);
    int ow = p0 % convW;
    for (int r = 0, d = at, i = convAt; r < rows; r++, d += cols, i += channels) {
      int pw = grid.columnOwner(ow);
      int v = 0;
      if (ph >= 0 && pw >= 0) {
        int o = pooledAt + (ph * pooledW + pw) * channels;
        for (; v < liveCols; v += L) {
          VectorPooling.routeVector(gradPooled, argmax, rectified, o + v, i + v, packed, d + v);
        }
      }
      for (; v < cols; v += L) {
        ZERO.intoArray(packed, d + v);
      }
      if (++ow == convW) {
        ow = 0;
        ph = r + 1 < rows ? grid.rowOwner((p0 + r + 1) / convW) : -1;
      }
    }
    if (sums != null) {
      for (int v = 0; v < liveCols; v += L) {
        TileMerge.addColumnTotals(packed, at, rows, cols, v, L, sums, chan + v);
      }
    }
  }
}
