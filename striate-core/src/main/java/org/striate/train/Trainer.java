package org.striate.train;

import java.util.List;
import java.util.SplittableRandom;
import org.striate.data.Dataset;
import org.striate.kernel.Kernels;
import org.striate.loss.Loss;
import org.striate.nn.Activation;
import org.striate.nn.Context;
import org.striate.nn.Layer;
import org.striate.nn.Parameter;
import org.striate.nn.Model;
import org.striate.nn.Workspace;
import org.striate.optim.Optimizer;
import org.striate.tensor.Shape;
import org.striate.tensor.Tensor;

/**
 * Trains, evaluates and runs a {@link Model}, as Keras's {@code compile} + {@code fit},
 * {@code evaluate} and {@code predict}:
 *
 * <pre>{@code
 * try (Trainer trainer = Trainer.builder().model(model).optimizer(new Adam()).loss(new CrossEntropy())
 *     .seed(42).build()) {
 *   History history = trainer.fit(train, FitOptions.builder().epochs(5).batchSize(64).validationSplit(0.1).build());
 *   Evaluation test = trainer.evaluate(testSet, 256);
 * }
 * }</pre>
 *
 * <p>Each step runs the model forward in a training {@link Context} seeded from {@code (seed, epoch, batch)},
 * applies the loss, runs backward, lets the optimizer update the parameters and then zeroes their gradients;
 * this is the only place gradients are cleared. With a loss that {@link Loss#fusesSoftmax() fuses softmax}
 * (cross-entropy) and a model whose last layer's activation is softmax, the softmax is handed to the loss, so
 * the model yields logits and the loss stays stable. Shuffling uses its own stream seeded from
 * {@code (seed, epoch)}. With the same seed, data, starting parameters and kernel thread count, two runs give
 * bit-identical parameters and losses. The seed does not re-initialise the model; call
 * {@link Model#initialize(long)} for that. Epochs are counted across {@code fit} calls on one trainer, so a
 * second call continues with the next epoch number and fresh shuffles, like Keras's {@code initial_epoch}.
 *
 * <p>Steps reuse their arrays: each batch is gathered into the same input array, and the layers' outputs and
 * gradients come from the trainer's {@link Workspace}, so after the first step of a batch size training
 * allocates no large arrays. Backward skips the gradient with respect to the model input, which training does not
 * use.
 *
 * <p>Accuracy is reported when the targets are classes: integer labels, or target rows {@code (N, C)} with
 * {@code C >= 2} that are probability distributions (non-negative, summing to 1 within 1e-3; one-hot rows are).
 * Otherwise it is NaN.
 *
 * <p>A trainer is not thread-safe. It closes its kernels only if it created them (the default).
 */
public final class Trainer implements AutoCloseable {
  static final long SHUFFLE_STREAM = 1;
  static final long STEP_STREAM = 2;

  private final Model model;
  private final Optimizer optimizer;
  private final Loss loss;
  private final Kernels kernels;
  private final boolean ownsKernels;
  private final long seed;
  private final List<Parameter> parameters;
  private final Layer lastLayer;
  private final Workspace workspace;
  private int epochsRun;

  private Trainer(Builder b) {
    if (b.model == null || b.loss == null) {
      throw new IllegalArgumentException("Trainer: " + (b.model == null ? "model" : "loss") + " must be given, got null");
    }
    this.model = b.model;
    this.optimizer = b.optimizer;
    this.loss = b.loss;
    this.ownsKernels = b.kernels == null;
    this.kernels = ownsKernels ? Kernels.create(Runtime.getRuntime().availableProcessors()) : b.kernels;
    this.seed = b.seed;
    this.parameters = model.trainableParameters();
    this.lastLayer = model.layers().get(model.layers().size() - 1);
    this.workspace = b.workspace != null ? b.workspace : new Workspace();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Model model() {
    return model;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public Loss loss() {
    return loss;
  }

  public Kernels kernels() {
    return kernels;
  }

  public long seed() {
    return seed;
  }

  /**
   * The arrays fit, evaluate and predict reuse; {@link Workspace#allocations()} stops growing once the batch
   * shapes repeat, which benchmarks can check.
   */
  public Workspace workspace() {
    return workspace;
  }

  /**
   * Trains for {@code options.epochs()} epochs of mini-batches; see the class comment for the step.
   *
   * @return one record per epoch
   * @throws IllegalArgumentException if the data do not fit the model (example shape, label count or target
   *     shape; the message shows both sides) or the validation split leaves either side empty
   * @throws TrainingDivergedException if a batch's loss is not finite; the parameters keep their values from
   *     before that batch
   * @throws IllegalStateException if the trainer was built without an optimizer
   */
  public History fit(Dataset data, FitOptions options) {
    if (optimizer == null) {
      throw new IllegalStateException("Trainer: fit needs an optimizer; set one with Trainer.builder().optimizer(...)");
    }
    checkFits("fit", data);
    Dataset train = data;
    Dataset validation = options.validationData();
    if (validation != null) {
      checkFits("fit: validation data", validation);
    } else if (options.validationSplit() > 0) {
      int n = data.size();
      int splitAt = (int) Math.floor(n * (1 - options.validationSplit()));
      if (splitAt == 0 || splitAt == n) {
        throw new IllegalArgumentException(
            "fit: validation_split " + options.validationSplit() + " of " + n + " examples leaves " + splitAt
                + " for training and " + (n - splitAt) + " for validation; both need at least 1");
      }
      train = data.slice(0, splitAt);
      validation = data.slice(splitAt, n);
    }
    int lastEpoch = epochsRun + options.epochs();
    EpochResult[] results = new EpochResult[options.epochs()];
    for (int i = 0; i < results.length; i++) {
      results[i] = runEpoch(train, validation, options, ++epochsRun, lastEpoch);
    }
    return new History(List.of(results));
  }

  private EpochResult runEpoch(Dataset train, Dataset validation, FitOptions options, int epoch, int lastEpoch) {
    TrainingListener listener = options.listener();
    int n = train.size();
    int batchSize = options.batchSize();
    int batches = (n + batchSize - 1) / batchSize;
    int[] order = options.shuffle() ? shuffled(n, derive(seed, SHUFFLE_STREAM, epoch)) : identity(n);
    listener.onEpochStart(epoch, lastEpoch, batches);
    long start = System.nanoTime();
    Tally tally = new Tally(classes(train), false);
    for (int b = 0; b < batches; b++) {
      Batch batch = Batch.gather(workspace, this, train, order, b * batchSize, Math.min(n, (b + 1) * batchSize));
      step(batch, epoch, b + 1, batches, tally);
      listener.onBatchEnd(epoch, b + 1, batches, tally.loss(), tally.accuracy(), tally.examples() / since(start));
    }
    double trainSeconds = since(start);
    double valLoss = Double.NaN;
    double valAccuracy = Double.NaN;
    if (validation != null) {
      Tally v = measure(validation, batchSize, false);
      valLoss = v.loss();
      valAccuracy = v.accuracy();
    }
    EpochResult result = new EpochResult(
        epoch, tally.loss(), tally.accuracy(), valLoss, valAccuracy, since(start), n / trainSeconds);
    listener.onEpochEnd(result);
    return result;
  }

  private void step(Batch batch, int epoch, int batchNumber, int batches, Tally tally) {
    long stepSeed = derive(seed, STEP_STREAM, epoch, batchNumber);
    Context ctx = fuseSoftmax(Context.training(kernels, stepSeed, workspace));
    Tensor output = model.forward(batch.inputs(), ctx);
    Tensor grad = workspace.tensor(this, "lossGradient", output.shape());
    double value = loss.lossAndGradient(output, batch.labels(), batch.targets(), grad);
    if (!Double.isFinite(value)) {
      throw Divergence.diagnose(model, fuseSoftmax(Context.training(kernels, stepSeed)), batch.inputs(),
          batch.indices(), value, epoch, batchNumber, batches);
    }
    model.backward(grad, ctx, false);
    optimizer.step(parameters);
    for (Parameter p : parameters) {
      p.zeroGrad();
    }
    tally.add(value, output, batch.labels(), batch.targets());
  }

  /** Hands the model's final softmax to the loss when the loss applies softmax itself. */
  private Context fuseSoftmax(Context ctx) {
    if (loss.fusesSoftmax() && lastLayer.activation() == Activation.SOFTMAX) {
      ctx.fuseSoftmaxIntoLoss(lastLayer);
    }
    return ctx;
  }

  /**
   * The mean loss, accuracy and confusion matrix over {@code data}, without dropout, {@code batchSize} examples
   * at a time.
   *
   * @throws IllegalArgumentException if {@code batchSize < 1} or the data do not fit the model
   */
  public Evaluation evaluate(Dataset data, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("evaluate: batch size must be at least 1, got " + batchSize);
    }
    checkFits("evaluate", data);
    return measure(data, batchSize, true).evaluation();
  }

  private Tally measure(Dataset data, int batchSize, boolean withConfusion) {
    Tally tally = new Tally(classes(data), withConfusion);
    for (int from = 0; from < data.size(); from += batchSize) {
      Batch batch = Batch.gather(workspace, this, data, null, from, Math.min(data.size(), from + batchSize));
      Tensor output = model.forward(batch.inputs(), fuseSoftmax(Context.inference(kernels, workspace)));
      tally.add(loss.loss(output, batch.labels(), batch.targets()), output, batch.labels(), batch.targets());
    }
    return tally;
  }

  /**
   * Class probabilities for {@code inputs} {@code (N, ...inputShape)}, computed {@code batchSize} at a time
   * without dropout. The rule: a model whose last layer applies softmax returns its output as it is; otherwise,
   * with a loss that fuses softmax (cross-entropy), the outputs are logits and their softmax over the last axis
   * is returned; with any other loss (mean squared error) the raw outputs are returned.
   *
   * @throws IllegalArgumentException if {@code batchSize < 1} or the inputs do not fit the model
   */
  public Tensor predict(Tensor inputs, int batchSize) {
    Tensor output = model.predict(inputs, kernels, batchSize, workspace);
    if (lastLayer.activation() == Activation.SOFTMAX || !loss.fusesSoftmax()) {
      return output;
    }
    Tensor probabilities = Tensor.zeros(output.shape());
    int cols = output.shape().dim(-1);
    kernels.softmaxRows(output.size() / cols, cols, output.data(), probabilities.data());
    return probabilities;
  }

  /** Rejects data whose examples or targets do not match the model; {@code what} starts the message. */
  private void checkFits(String what, Dataset data) {
    Shape example = data.exampleShape();
    if (!example.equals(model.inputShape())) {
      throw new IllegalArgumentException(
          what + ": examples have shape " + example + " but the model takes " + model.inputShape());
    }
    Shape out = model.outputShape();
    if (data.hasLabels()) {
      if (out.rank() != 1 || out.dim(0) != data.numClasses()) {
        throw new IllegalArgumentException(
            what + ": labels are in [0, " + data.numClasses() + ") but the model outputs "
                + (out.rank() == 1 ? out.dim(0) + " classes" : "shape " + out + " per example"));
      }
    } else {
      Shape targets = data.targetShape();
      if (!targets.equals(out)) {
        throw new IllegalArgumentException(
            what + ": targets have shape " + targets + " per example but the model outputs " + out);
      }
    }
  }

  /** The number of classes when accuracy applies to {@code data}, else 0; see the class comment. */
  static int classes(Dataset data) {
    if (data.hasLabels()) {
      return data.numClasses();
    }
    Shape s = data.targets().shape();
    if (s.rank() != 2 || s.dim(1) < 2) {
      return 0;
    }
    float[] t = data.targets().data();
    int cols = s.dim(1);
    for (int r = 0; r < s.dim(0); r++) {
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        float v = t[r * cols + c];
        if (!(v >= 0)) {
          return 0;
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-3) {
        return 0;
      }
    }
    return cols;
  }

  private static double since(long startNanos) {
    return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** A Fisher-Yates permutation of {@code [0, n)} drawn from {@code seed}. */
  static int[] shuffled(int n, long seed) {
    int[] order = identity(n);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** A seed for one use ({@code keys} such as stream, epoch, batch) derived from the trainer's seed. */
  static long derive(long seed, long... keys) {
    long h = mix64(seed);
    for (long k : keys) {
      h = mix64(h ^ mix64(k + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** The finalizer of SplittableRandom / SplitMix64: a bijection that spreads every input bit. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Closes the kernels if this trainer created them. */
  @Override
  public void close() {
    if (ownsKernels) {
      kernels.close();
    }
  }

  /** Settings for a {@link Trainer}: model and loss are required; {@link #fit} also needs an optimizer. */
  public static final class Builder {
    private Model model;
    private Optimizer optimizer;
    private Loss loss;
    private Kernels kernels;
    private long seed;
    private Workspace workspace;

    private Builder() {}

    public Builder model(Model model) {
      this.model = model;
      return this;
    }

    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder loss(Loss loss) {
      this.loss = loss;
      return this;
    }

    /**
     * The kernels to compute with; the caller keeps ownership. Default: {@link Kernels#create} with one thread
     * per available processor, created and closed by the trainer.
     */
    public Builder kernels(Kernels kernels) {
      this.kernels = kernels;
      return this;
    }

    /** Seeds shuffling and dropout; default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The workspace to reuse arrays from (tests pass {@link Workspace#poisoned()}); default a new one. */
    Builder workspace(Workspace workspace) {
      this.workspace = workspace;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the model or loss is missing
     */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
