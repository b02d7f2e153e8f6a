package org.striate.kernel.vector;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where the convolutions' packed panels start inside their scratch arrays, so that their 512-bit loads need not
 * straddle two cache lines.
 *
 * <p>Java does not say where an array lies, and by default objects start on any 8-byte boundary, so a panel's
 * vectors straddle lines in seven starts out of eight. When the JVM runs with {@code
 * -XX:ObjectAlignmentInBytes=64} (the {@code striate} launcher and the benchmarks pass it), every object starts
 * on a 64-byte line and an array's element {@code i} lies at {@code base + 4 i} bytes from one, {@code base}
 * being the array header's size; a panel written from element {@link #LEAD} on then starts on a line, and since
 * its rows are whole multiples of 16 floats, so does every row. The 32 -> 64 convolution's forward pass took 3.47
 * ms with the lead against 4.22 without the flag and 4.36 with the flag but no lead (JMH, one thread, 3 forks each).
 * Without the flag, or where the JVM does not tell, the lead is 0 and the panels start where they always did.
 */
final class PanelAlignment {
  static final int LINE_BYTES = 64;

  /** Floats to leave before a packed panel so that it starts on a 64-byte line; 0 when that is not known. */
  static final int LEAD = lead(objectAlignmentBytes(), floatArrayBaseOffset());

  private PanelAlignment() {}

  /**
   * The lead for arrays whose objects start on multiples of {@code objectAlignment} bytes and whose first float
   * lies {@code baseOffset} bytes into the object: 0 unless the alignment is a whole number of lines and the
   * offset a whole number of floats.
   */
  static int lead(int objectAlignment, int baseOffset) {
    if (objectAlignment <= 0 || objectAlignment % LINE_BYTES != 0 || baseOffset < 0
        || baseOffset % Float.BYTES != 0) {
      return 0;
    }
    return (LINE_BYTES - baseOffset % LINE_BYTES) % LINE_BYTES / Float.BYTES;
  }

  /** HotSpot's {@code ObjectAlignmentInBytes}, or 0 on a JVM that does not have it. */
  private static int objectAlignmentBytes() {
    try {
      HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotSpot == null ? 0 : Integer.parseInt(hotSpot.getVMOption("ObjectAlignmentInBytes").getValue());
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }

  /** The offset of a float[]'s first element from the array's start, or -1 if the JVM does not tell. */
  private static int floatArrayBaseOffset() {
    // Read reflectively: sun.misc.Unsafe may be missing, and naming it makes javac warn on every build.
    try {
      return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return -1;
    }
  }
}
