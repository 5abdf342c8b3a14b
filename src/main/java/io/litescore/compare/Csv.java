package io.litescore.compare;

import java.util.List;
import java.util.Locale;

/** RFC 4180 CSV: a header line, comma separators, CRLF-free {@code \n} line ends, quotes only where needed. */
public final class Csv {
  private final StringBuilder out = new StringBuilder();

  public Csv(List<String> header) {
    row(List.copyOf(header));
  }

  /** Appends a row; nulls are empty fields, doubles are written in full precision with a dot. */
  public Csv row(List<?> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(values.get(i)));
    }
    out.append('\n');
    return this;
  }

  static String field(Object v) {
    if (v == null) {
      return "";
    }
    String s = v instanceof Double d ? (d.isNaN() || d.isInfinite() ? "" : Double.toString(d))
        : v instanceof Float f ? Float.toString(f) : String.valueOf(v);
    if (v instanceof Boolean b) {
      s = b.toString().toLowerCase(Locale.ROOT);
    }
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
