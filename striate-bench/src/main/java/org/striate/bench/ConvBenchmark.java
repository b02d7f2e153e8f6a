package org.striate.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.striate.kernel.ConvSpec;
import org.striate.kernel.Kernels;

/**
 * One convolution pass ({@link Pass}) of one {@link ConvCase} through {@link Kernels#create}. One op is one pass
 * over the whole batch; {@link Gflops} turns the time per op into GFLOP/s with {@link ConvCase#flops()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the striate launcher's JVM options (see the module's README)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64",
    "-XX:+UseSerialGC", "-Xms32m", "-Xmn16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"})
public class ConvBenchmark {
  /** What one op computes. */
  public enum Pass { FORWARD, BACKWARD_INPUT, BACKWARD_WEIGHT }

  @Param public ConvCase shape;
  @Param public Pass pass;
  @Param({"1", "2"}) public int threads;
  @Param({"vector", "scalar"}) public String kernels;

  private Kernels k;
  private ConvSpec spec;
  private int batch;
  private float[] input;
  private float[] weight;
  private float[] bias;
  private float[] output;
  private float[] gradOutput;
  private float[] gradInput;
  private float[] gradWeight;
  private float[] gradBias;

  @Setup
  public void setUp() {
    k = KernelChoice.create(kernels, threads);
    spec = shape.spec;
    batch = shape.batch;
    SplittableRandom random = new SplittableRandom(1);
    input = KernelChoice.randomArray(batch * spec.inputImageSize(), random);
    weight = KernelChoice.randomArray(spec.weightSize(), random);
    bias = KernelChoice.randomArray(spec.outChannels(), random);
    gradOutput = KernelChoice.randomArray(batch * spec.outputImageSize(), random);
    output = new float[batch * spec.outputImageSize()];
    gradInput = new float[batch * spec.inputImageSize()];
    gradWeight = new float[spec.weightSize()];
    gradBias = new float[spec.outChannels()];
  }

  @TearDown
  public void tearDown() {
    k.close();
  }

  /** The results land in this state's arrays, which outlive the call, so the work cannot be optimised away. */
  @Benchmark
  public void pass() {
    switch (pass) {
      case FORWARD -> k.conv2dForward(spec, batch, input, weight, bias, output);
      case BACKWARD_INPUT -> k.conv2dBackwardInput(spec, batch, gradOutput, weight, gradInput);
      case BACKWARD_WEIGHT -> k.conv2dBackwardWeight(spec, batch, input, gradOutput, gradWeight, gradBias);
    }
  }
}
