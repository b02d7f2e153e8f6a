package org.striate.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line training progress display: {@code epoch 1/3 [=====>    ] 234/469 loss 0.1234 acc 0.9612
 * 4,210 img/s eta 0:32}.
 *
 * <p>On a terminal the line is redrawn in place with a carriage return, at most ten times a second; elsewhere
 * (a log file, CI) only the final line of each epoch is printed, so logs stay short.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final boolean interactive;
  private long lastDraw;
  private int lastLength;

  ProgressBar(PrintWriter out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** Redraws the line for a finished batch; {@code done == total} ends the line. */
  void update(int epoch, int epochs, int done, int total, double loss, double accuracy, double imagesPerSecond,
      double secondsElapsed) {
    boolean last = done == total;
    long now = System.nanoTime();
    if (!interactive && !last) {
      return;
    }
    if (interactive && !last && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    String line = line(epoch, epochs, done, total, loss, accuracy, imagesPerSecond, secondsElapsed);
    if (interactive) {
      out.print('\r');
      out.print(line);
      if (line.length() < lastLength) {
        out.print(" ".repeat(lastLength - line.length()));
      }
      lastLength = line.length();
      if (last) {
        out.println();
        lastLength = 0;
      }
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a line of its own, ending any bar in progress. */
  void message(String text) {
    if (interactive && lastLength > 0) {
      out.println();
      lastLength = 0;
    }
    out.println(text);
    out.flush();
  }

  static String line(int epoch, int epochs, int done, int total, double loss, double accuracy,
      double imagesPerSecond, double secondsElapsed) {
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
    StringBuilder bar = new StringBuilder(WIDTH + 2).append('[');
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    bar.append(']');
    String counter = String.format(Locale.ROOT, "%" + String.valueOf(total).length() + "d/%d", done, total);
    String tail;
    if (done == total) {
      tail = "time " + clock(secondsElapsed);
    } else {
      double eta = done == 0 ? 0 : secondsElapsed * (total - done) / done;
      tail = "eta " + clock(eta);
    }
    return String.format(Locale.ROOT, "epoch %d/%d %s %s loss %.4f acc %.4f %,.0f img/s %s",
        epoch, epochs, bar, counter, loss, accuracy, imagesPerSecond, tail);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
