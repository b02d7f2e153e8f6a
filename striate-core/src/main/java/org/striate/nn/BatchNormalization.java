package org.striate.nn;

import java.util.Map;
import java.util.SplittableRandom;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Batch normalisation over the last axis (the channels of NHWC images, the features of an {@code (N, features)}
 * batch), with Keras's arguments and defaults and PyTorch's arithmetic. Per channel {@code c}:
 *
 * <pre>
 *   y = gamma[c] * (x - mean[c]) / sqrt(var[c] + epsilon) + beta[c]
 * </pre>
 *
 * <p>In a {@link Context#training training} context, {@code mean} and {@code var} are the statistics of the batch:
 * over all {@code m} values of the channel (every example, and every pixel of an image), the mean and the biased
 * variance {@code sum((x - mean)^2) / m}. Each training forward pass then updates the moving averages:
 *
 * <pre>
 *   moving_mean     = momentum * moving_mean     + (1 - momentum) * mean
 *   moving_variance = momentum * moving_variance + (1 - momentum) * var * m / (m - 1)
 * </pre>
 *
 * {@code momentum} is Keras's: 0.99 keeps 99% of the old value (PyTorch's {@code momentum} is {@code 1 - } this).
 * The moving variance takes the <b>unbiased</b> batch variance, {@code var * m / (m - 1)}, as PyTorch does; Keras
 * takes the biased one. For 4 images of 8x8 pixels ({@code m = 256}) the two differ by 0.4%. So training needs
 * {@code m >= 2}.
 *
 * <p>Otherwise ({@link Context#inference}, {@link Context#inferenceWithGradients}), {@code mean} and {@code var}
 * are the moving averages, which the layer then only reads: inference from several threads is safe, and
 * repeated inference gives the same result. A model must not serve inference while it trains.
 *
 * <p>Backward, with {@code xhat = (x - mean) / sqrt(var + epsilon)} and {@code g} the output gradient: after a
 * training pass, through the batch statistics,
 * {@code dx = gamma / sqrt(var + epsilon) * (g - mean_m(g) - xhat * mean_m(g * xhat))}; with moving statistics,
 * the affine map {@code dx = gamma / sqrt(var + epsilon) * g}. Both add {@code sum(g * xhat)} to gamma's gradient
 * and {@code sum(g)} to beta's.
 *
 * <p>Shapes: input and output {@code (N, ..., C)}, any rank of at least 2 counting the batch; {@code gamma},
 * {@code beta}, {@code moving_mean} and {@code moving_variance} are {@code (C)}. Without {@code scale} there is no
 * gamma (it is 1), without {@code center} no beta (it is 0). The moving averages are non-trainable parameters
 * ({@link Parameter#trainable()} false): saved with the model, never given to an optimizer, with no gradient.
 */
public final class BatchNormalization extends Layer {
  private final double momentum;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final Initializer betaInitializer;
  private final Initializer gammaInitializer;
  private final Initializer movingMeanInitializer;
  private final Initializer movingVarianceInitializer;

  private Parameter gamma; // (channels), null without scale
  private Parameter beta; // (channels), null without center
  private Parameter movingMean; // (channels), non-trainable
  private Parameter movingVariance; // (channels), non-trainable

  /** Keras's defaults: momentum 0.99, epsilon 1e-3, with gamma and beta. */
  public BatchNormalization() {
    this(builder());
  }

  private BatchNormalization(Builder b) {
    super(b.name);
    if (!(b.momentum >= 0 && b.momentum <= 1)) {
      throw new IllegalArgumentException("BatchNormalization: momentum must be in [0, 1], got " + b.momentum);
    }
    if (!(b.epsilon > 0 && b.epsilon < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("BatchNormalization: epsilon must be positive and finite, got " + b.epsilon);
    }
    Spatial.requireNonNull("BatchNormalization", "beta_initializer", b.betaInitializer, "the default is zeros");
    Spatial.requireNonNull("BatchNormalization", "gamma_initializer", b.gammaInitializer, "the default is ones");
    Spatial.requireNonNull(
        "BatchNormalization", "moving_mean_initializer", b.movingMeanInitializer, "the default is zeros");
    Spatial.requireNonNull(
        "BatchNormalization", "moving_variance_initializer", b.movingVarianceInitializer, "the default is ones");
    this.momentum = b.momentum;
    this.epsilon = b.epsilon;
    this.center = b.center;
    this.scale = b.scale;
    this.betaInitializer = b.betaInitializer;
    this.gammaInitializer = b.gammaInitializer;
    this.movingMeanInitializer = b.movingMeanInitializer;
    this.movingVarianceInitializer = b.movingVarianceInitializer;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String type() {
    return "BatchNormalization";
  }

  public double momentum() {
    return momentum;
  }

  public double epsilon() {
    return epsilon;
  }

  /** Whether the layer adds beta. */
  public boolean center() {
    return center;
  }

  /** Whether the layer multiplies by gamma. */
  public boolean scale() {
    return scale;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() == 0) {
      throw new IllegalArgumentException("input must have at least one axis (the channels), got " + input);
    }
    return input;
  }

  @Override
  protected void createParameters(Shape input, SplittableRandom random) {
    Shape channels = Shape.of(input.dim(-1));
    gamma = scale ? addParameter("gamma", channels, gammaInitializer, random) : null;
    beta = center ? addParameter("beta", channels, betaInitializer, random) : null;
    movingMean = addState("moving_mean", channels, movingMeanInitializer, random);
    movingVariance = addState("moving_variance", channels, movingVarianceInitializer, random);
  }

  /** The input, and the per-channel mean and {@code 1 / sqrt(var + epsilon)} forward normalised it with. */
  private record Saved(Tensor input, float[] mean, float[] invStd, boolean batchStatistics) {}

  @Override
  public Tensor forward(Tensor input, Context ctx) {
    checkInput(input);
    int channels = inputShape().dim(-1);
    int rows = input.size() / channels;
    float[] x = input.data();
    float[] mean = new float[channels];
    float[] invStd = new float[channels];
    if (ctx.training()) {
      if (rows < 2) {
        throw new IllegalArgumentException("layer '" + name() + "' (BatchNormalization): training needs more than"
            + " one value per channel (batch size times the other axes) for a batch variance, got input "
            + input.shape());
      }
      double[] batchMean = channelMeans(x, rows, channels);
      double[] batchVariance = channelVariances(x, rows, channels, batchMean);
      for (int c = 0; c < channels; c++) {
        mean[c] = (float) batchMean[c];
        invStd[c] = (float) (1 / Math.sqrt(batchVariance[c] + epsilon));
      }
      updateMovingAverages(batchMean, batchVariance, rows);
    } else {
      float[] mm = movingMean.value().data();
      float[] mv = movingVariance.value().data();
      for (int c = 0; c < channels; c++) {
        mean[c] = mm[c];
        invStd[c] = (float) (1 / Math.sqrt(mv[c] + epsilon));
      }
    }
    float[] a = gammaTimes(invStd);
    float[] b = center ? beta.value().data() : new float[channels];
    Tensor output = ctx.buffer(this, "output", input.shape());
    float[] y = output.data();
    for (int r = 0, i = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++, i++) {
        y[i] = (x[i] - mean[c]) * a[c] + b[c];
      }
    }
    ctx.save(this, new Saved(input, mean, invStd, ctx.training()));
    return output;
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx) {
    Saved s = ctx.saved(this);
    float[] x = s.input.data();
    float[] g = gradOutput.data();
    float[] mean = s.mean;
    float[] invStd = s.invStd;
    int channels = mean.length;
    int rows = x.length / channels;
    double[] sumG = new double[channels];
    double[] sumGXhat = new double[channels];
    for (int r = 0, i = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++, i++) {
        sumG[c] += g[i];
        sumGXhat[c] += g[i] * ((x[i] - mean[c]) * invStd[c]);
      }
    }
    if (scale) {
      float[] dGamma = gamma.grad().data();
      for (int c = 0; c < channels; c++) {
        dGamma[c] += (float) sumGXhat[c];
      }
    }
    if (center) {
      float[] dBeta = beta.grad().data();
      for (int c = 0; c < channels; c++) {
        dBeta[c] += (float) sumG[c];
      }
    }
    float[] a = gammaTimes(invStd);
    Tensor gradInput = ctx.buffer(this, "gradInput", s.input.shape());
    float[] dx = gradInput.data();
    if (s.batchStatistics) {
      // The batch mean and variance depend on every x of the channel: their share of the gradient is the
      // mean of g and the mean of g * xhat, removed from each element.
      float[] meanG = new float[channels];
      float[] meanGXhat = new float[channels];
      for (int c = 0; c < channels; c++) {
        meanG[c] = (float) (sumG[c] / rows);
        meanGXhat[c] = (float) (sumGXhat[c] / rows);
      }
      for (int r = 0, i = 0; r < rows; r++) {
        for (int c = 0; c < channels; c++, i++) {
          float xhat = (x[i] - mean[c]) * invStd[c];
          dx[i] = a[c] * (g[i] - meanG[c] - xhat * meanGXhat[c]);
        }
      }
    } else {
      for (int r = 0, i = 0; r < rows; r++) {
        for (int c = 0; c < channels; c++, i++) {
          dx[i] = a[c] * g[i];
        }
      }
    }
    return gradInput;
  }

  /** {@code gamma[c] * invStd[c]}, or {@code invStd} itself without scale. */
  private float[] gammaTimes(float[] invStd) {
    if (!scale) {
      return invStd;
    }
    float[] gammaValue = gamma.value().data();
    float[] a = new float[invStd.length];
    for (int c = 0; c < a.length; c++) {
      a[c] = gammaValue[c] * invStd[c];
    }
    return a;
  }

  private void updateMovingAverages(double[] batchMean, double[] batchVariance, int rows) {
    float[] mm = movingMean.value().data();
    float[] mv = movingVariance.value().data();
    double unbiased = rows / (rows - 1.0);
    for (int c = 0; c < mm.length; c++) {
      mm[c] = (float) (momentum * mm[c] + (1 - momentum) * batchMean[c]);
      mv[c] = (float) (momentum * mv[c] + (1 - momentum) * batchVariance[c] * unbiased);
    }
  }

  private static double[] channelMeans(float[] x, int rows, int channels) {
    double[] sum = new double[channels];
    for (int r = 0, i = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++, i++) {
        sum[c] += x[i];
      }
    }
    for (int c = 0; c < channels; c++) {
      sum[c] /= rows;
    }
    return sum;
  }

  /** The biased variances, in two passes (around the mean) so that a large mean costs no precision. */
  private static double[] channelVariances(float[] x, int rows, int channels, double[] mean) {
    double[] sum = new double[channels];
    for (int r = 0, i = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++, i++) {
        double d = x[i] - mean[c];
        sum[c] += d * d;
      }
    }
    for (int c = 0; c < channels; c++) {
      sum[c] /= rows;
    }
    return sum;
  }

  @Override
  protected void addConfig(Map<String, Object> config) {
    config.put("momentum", momentum);
    config.put("epsilon", epsilon);
    config.put("center", center);
    config.put("scale", scale);
    config.put("beta_initializer", betaInitializer.kerasName());
    config.put("gamma_initializer", gammaInitializer.kerasName());
    config.put("moving_mean_initializer", movingMeanInitializer.kerasName());
    config.put("moving_variance_initializer", movingVarianceInitializer.kerasName());
  }

  static BatchNormalization fromConfig(ConfigReader c) {
    return builder()
        .name(c.getName())
        .momentum(c.getDouble("momentum", 0.99))
        .epsilon(c.getDouble("epsilon", 1e-3))
        .center(c.getBoolean("center", true))
        .scale(c.getBoolean("scale", true))
        .betaInitializer(Initializer.parse(c.getString("beta_initializer", "zeros")))
        .gammaInitializer(Initializer.parse(c.getString("gamma_initializer", "ones")))
        .movingMeanInitializer(Initializer.parse(c.getString("moving_mean_initializer", "zeros")))
        .movingVarianceInitializer(Initializer.parse(c.getString("moving_variance_initializer", "ones")))
        .build();
  }

  /** Settings for a {@link BatchNormalization} layer; the defaults are Keras's. */
  public static final class Builder {
    private String name;
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Initializer betaInitializer = Initializer.ZEROS;
    private Initializer gammaInitializer = Initializer.ONES;
    private Initializer movingMeanInitializer = Initializer.ZEROS;
    private Initializer movingVarianceInitializer = Initializer.ONES;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The weight of the old value in the moving averages, in {@code [0, 1]}; default 0.99 (Keras). */
    public Builder momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Added to the variance before the square root; positive, default 1e-3 (Keras; PyTorch uses 1e-5). */
    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Whether to add a learnt offset beta; default true. */
    public Builder center(boolean center) {
      this.center = center;
      return this;
    }

    /** Whether to multiply by a learnt scale gamma; default true. */
    public Builder scale(boolean scale) {
      this.scale = scale;
      return this;
    }

    public Builder betaInitializer(Initializer init) {
      this.betaInitializer = init;
      return this;
    }

    public Builder gammaInitializer(Initializer init) {
      this.gammaInitializer = init;
      return this;
    }

    public Builder movingMeanInitializer(Initializer init) {
      this.movingMeanInitializer = init;
      return this;
    }

    public Builder movingVarianceInitializer(Initializer init) {
      this.movingVarianceInitializer = init;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is invalid; the message names it and the value received
     */
    public BatchNormalization build() {
      return new BatchNormalization(this);
    }
  }
}
