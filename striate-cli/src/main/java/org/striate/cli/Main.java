package org.striate.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code striate} command. Exit codes: 0 success, 1 the command failed (a bad file, a failed download,
 * training diverged), 2 bad arguments. Errors print one line, and for bad arguments the usage; a stack trace
 * only with {@code STRIATE_DEBUG=1}.
 */
@Command(
    name = "striate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Convolutional neural networks on the JVM, in pure Java.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      SummaryCommand.class,
      RfCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  striate train                                  # mnist-convnet on MNIST, 3 epochs",
      "  striate train --model lenet5 --epochs 3 --out lenet5.safetensors",
      "  striate evaluate --model mnist-convnet.safetensors",
      "  striate predict --model mnist-convnet.safetensors digit.png",
      "  striate summary mnist-convnet",
      "  striate rf mnist-convnet --layer conv2d_1 --at 5,5",
      "  striate bench --models lenet5 --threads 1,2 --json lenet5.json"
    })
public final class Main implements Runnable {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code; {@code out} and {@code err} receive all output. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      CommandLine failed = ex.getCommandLine();
      err.println(failed.getCommandName().equals("striate")
          ? "striate: " + ex.getMessage()
          : "striate " + failed.getCommandName() + ": " + ex.getMessage());
      failed.usage(err);
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
      if (ex instanceof UsageException) {
        err.println("striate " + failed.getCommandName() + ": " + ex.getMessage());
        failed.usage(err);
        return EXIT_USAGE;
      }
      err.println("striate " + failed.getCommandName() + ": " + describe(ex));
      if ("1".equals(System.getenv("STRIATE_DEBUG"))) {
        ex.printStackTrace(err);
      }
      return EXIT_FAILURE;
    });
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String describe(Exception ex) {
    String message = ex.getMessage();
    if (message == null || message.isBlank()) {
      return ex.getClass().getSimpleName();
    }
    if (ex instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + message;
    }
    if (ex instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + message;
    }
    return message;
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"striate " + (v == null ? "development build" : v)};
    }
  }
}
