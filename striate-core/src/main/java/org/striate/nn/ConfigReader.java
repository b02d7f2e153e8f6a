package org.striate.nn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.striate.tensor.Padding;

/**
 * Typed access to a layer's config map (as read from a JSON architecture), with errors that name the layer,
 * the key, what was expected and what was found.
 */
public final class ConfigReader {
  private final Map<String, Object> config;
  private final String where;

  public ConfigReader(Map<String, Object> config) {
    this.config = config;
    Object type = config.get("type");
    Object name = config.get("name");
    this.where = "layer " + (name == null ? "" : "'" + name + "' ") + "(" + type + ")";
  }

  public String getName() {
    Object v = config.get("name");
    if (v != null && !(v instanceof String)) {
      throw error("name", "a string", v);
    }
    return (String) v;
  }

  public boolean has(String key) {
    return config.containsKey(key) && config.get(key) != null;
  }

  public int getInt(String key) {
    return toInt(key, require(key));
  }

  public int getInt(String key, int fallback) {
    return has(key) ? getInt(key) : fallback;
  }

  public double getDouble(String key) {
    Object v = require(key);
    if (!(v instanceof Number n)) {
      throw error(key, "a number", v);
    }
    return n.doubleValue();
  }

  public double getDouble(String key, double fallback) {
    return has(key) ? getDouble(key) : fallback;
  }

  public boolean getBoolean(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object v = config.get(key);
    if (!(v instanceof Boolean b)) {
      throw error(key, "true or false", v);
    }
    return b;
  }

  public String getString(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object v = config.get(key);
    if (!(v instanceof String s)) {
      throw error(key, "a string", v);
    }
    return s;
  }

  /** An int pair such as {@code kernel_size}: a list of two integers, or one integer used for both. */
  public int[] getPair(String key, int[] fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object v = config.get(key);
    if (v instanceof Number) {
      int i = toInt(key, v);
      return new int[] {i, i};
    }
    int[] list = getIntList(key);
    if (list.length != 2) {
      throw error(key, "two integers", v);
    }
    return list;
  }

  /** A required int pair: a list of two integers, or one integer used for both. */
  public int[] getPair(String key) {
    require(key);
    return getPair(key, null);
  }

  /** A padding, written as {@code "valid"}, {@code "same"} or {@code [top, bottom, left, right]}. */
  public Padding getPadding(String key, Padding fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object v = config.get(key);
    if ("valid".equals(v)) {
      return Padding.VALID;
    }
    if ("same".equals(v)) {
      return Padding.SAME;
    }
    if (v instanceof List<?> list && list.size() == 4) {
      int[] sides = getIntList(key);
      if (sides[0] >= 0 && sides[1] >= 0 && sides[2] >= 0 && sides[3] >= 0) {
        return Padding.explicit(sides[0], sides[1], sides[2], sides[3]);
      }
    }
    throw error(key, "'valid', 'same' or [top, bottom, left, right] of non-negative integers", v);
  }

  /** How a config stores {@code padding}: the value {@link #getPadding} reads back. */
  public static Object paddingValue(Padding padding) {
    if (padding instanceof Padding.Explicit e) {
      return List.of(e.top(), e.bottom(), e.left(), e.right());
    }
    return padding.text();
  }

  /**
   * Pixels on each side, as Keras's {@code ZeroPadding2D} takes them: one integer for every side, {@code [h, w]}
   * ({@code h} rows above and below, {@code w} columns left and right) or {@code [[top, bottom], [left, right]]};
   * returned as {@code {top, bottom, left, right}}. The layer checks the signs.
   */
  public int[] getSides(String key, int[] fallback) {
    if (!has(key)) {
      return fallback;
    }
    Object v = config.get(key);
    if (v instanceof Number) {
      int p = toInt(key, v);
      return new int[] {p, p, p, p};
    }
    if (v instanceof List<?> list && list.size() == 2) {
      if (list.get(0) instanceof Number h && list.get(1) instanceof Number w) {
        return new int[] {toInt(key, h), toInt(key, h), toInt(key, w), toInt(key, w)};
      }
      if (list.get(0) instanceof List<?> rows && list.get(1) instanceof List<?> columns && rows.size() == 2
          && columns.size() == 2) {
        return new int[] {toInt(key, rows.get(0)), toInt(key, rows.get(1)), toInt(key, columns.get(0)),
            toInt(key, columns.get(1))};
      }
    }
    throw error(key, "an integer, [h, w] or [[top, bottom], [left, right]]", v);
  }

  public int[] getIntList(String key) {
    Object v = require(key);
    if (!(v instanceof List<?> list)) {
      throw error(key, "a list of integers", v);
    }
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toInt(key, list.get(i));
    }
    return out;
  }

  /**
   * Rejects keys outside {@code known}, so that a misspelt setting ({@code unit} for {@code units}) is an
   * error rather than silently replaced by its default.
   *
   * @throws IllegalArgumentException naming the unknown keys and the known ones
   */
  public void rejectKeysOutside(Collection<String> known) {
    List<String> unknown = new ArrayList<>();
    for (String key : config.keySet()) {
      if (!known.contains(key)) {
        unknown.add("'" + key + "'");
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(where + ": unknown config key" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown) + "; the known keys are " + known);
    }
  }

  private Object require(String key) {
    if (!has(key)) {
      throw new IllegalArgumentException(where + ": config key '" + key + "' is required but missing");
    }
    return config.get(key);
  }

  private int toInt(String key, Object v) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw error(key, "an integer", v);
  }

  private IllegalArgumentException error(String key, String expected, Object got) {
    String shown = got instanceof String ? "'" + got + "'" : String.valueOf(got);
    return new IllegalArgumentException(where + ": config key '" + key + "' must be " + expected + ", got " + shown);
  }
}
