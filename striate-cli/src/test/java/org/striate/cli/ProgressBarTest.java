package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void lineShowsProgressMetricsAndEta() {
    assertEquals("epoch 1/3 [==============>               ] 234/469 loss 0.1234 acc 0.9612 4,210 img/s eta 0:30",
        ProgressBar.line(1, 3, 234, 469, 0.12341, 0.96119, 4210.4, 29.9));
    assertEquals("epoch 3/3 [==============================] 469/469 loss 0.0500 acc 0.9900 4,000 img/s time 1:01:05",
        ProgressBar.line(3, 3, 469, 469, 0.05, 0.99, 4000, 3665));
  }

  @Test
  void nonInteractiveOutputKeepsOnlyTheLastLineOfEachEpoch() {
    StringWriter sink = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(sink), false);
    for (int batch = 1; batch <= 5; batch++) {
      bar.update(1, 1, batch, 5, 0.5, 0.5, 100, batch);
    }
    assertEquals(ProgressBar.line(1, 1, 5, 5, 0.5, 0.5, 100, 5) + System.lineSeparator(), sink.toString());
  }

  @Test
  void interactiveOutputRedrawsInPlace() {
    StringWriter sink = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(sink), true);
    bar.update(1, 1, 1, 2, 0.5, 0.5, 100, 1);
    bar.update(1, 1, 2, 2, 0.5, 0.5, 100, 2);
    String text = sink.toString();
    assertEquals('\r', text.charAt(0));
    assertEquals(2, text.chars().filter(c -> c == '\r').count());
    assertEquals(true, text.endsWith(System.lineSeparator()));
  }
}
