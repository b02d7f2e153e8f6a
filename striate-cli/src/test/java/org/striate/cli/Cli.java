package org.striate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it printed. */
record Cli(int exitCode, String out, String err) {

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  /** The first line of standard error: the one-line message. */
  String firstErrorLine() {
    int nl = err.indexOf('\n');
    return nl < 0 ? err : err.substring(0, nl);
  }

  /** True when a stack trace leaked into the output. */
  boolean hasStackTrace() {
    String all = out + err;
    return all.contains("\tat ") || all.contains("Exception in thread") || all.contains("Caused by:");
  }
}
