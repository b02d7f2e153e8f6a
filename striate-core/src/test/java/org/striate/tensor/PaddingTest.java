package org.striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PaddingTest {

  @Test
  void parsesEveryForm() {
    assertSame(Padding.VALID, Padding.parse("valid"));
    assertSame(Padding.SAME, Padding.parse(" SAME "));
    assertEquals(Padding.explicit(2, 2, 2, 2), Padding.parse("2"));
    assertEquals(Padding.explicit(1, 1, 3, 3), Padding.parse("1,3"));
    assertEquals(Padding.explicit(0, 1, 2, 3), Padding.parse("0,1,2,3"));
  }

  @Test
  void textRoundTrips() {
    for (Padding p : new Padding[] {Padding.VALID, Padding.SAME, Padding.explicit(0, 1, 2, 3)}) {
      assertEquals(p, Padding.parse(p.text()));
    }
  }

  @Test
  void rejectsOtherText() {
    String expected = "padding must be 'valid', 'same', 'p', 'h,w' or 'top,bottom,left,right', got '1,2,3'";
    assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> Padding.parse("1,2,3")).getMessage());
    assertEquals("padding must be 'valid', 'same', 'p', 'h,w' or 'top,bottom,left,right', got 'full'",
        assertThrows(IllegalArgumentException.class, () -> Padding.parse("full")).getMessage());
  }

  @Test
  void rejectsNegativeSides() {
    assertEquals("padding: every side must be >= 0, got (top=0, bottom=-1, left=0, right=0)",
        assertThrows(IllegalArgumentException.class, () -> Padding.explicit(0, -1, 0, 0)).getMessage());
  }
}
