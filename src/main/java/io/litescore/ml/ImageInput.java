package io.litescore.ml;

import io.litescore.io.HadoopFiles;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a row's encoded image comes from: a binary column, a string column of URIs read on the executor (any Hadoop
 * file system), or a struct with a binary {@code bytes} field (how Hugging Face datasets store images in Parquet).
 *
 * @param column the input column's position
 * @param kind what it holds
 * @param bytesField for {@link Kind#STRUCT}: the position of {@code bytes} in the struct
 * @param lengthColumn for {@link Kind#URI}: position of a long column with each file's size (saves a metadata
 *     request per image on object stores), or -1
 */
record ImageInput(int column, Kind kind, int bytesField, int lengthColumn) implements Serializable {
  enum Kind {
    BYTES,
    URI,
    STRUCT
  }

  /** Thrown when a row has no image to read; its message is the row's error. */
  static final class NoImage extends Exception {
    NoImage(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What column {@code name} of {@code schema} holds, or an error message ("Cannot classify: ...") when it is not
   * a column an image can come from.
   */
  static ImageInput of(StructType schema, String name, String lengthName) {
    int column = index(schema, name, "inputCol");
    DataType type = schema.fields()[column].dataType();
    int length = -1;
    if (lengthName != null && !lengthName.isEmpty()) {
      length = index(schema, lengthName, "lengthCol");
    }
    if (type instanceof BinaryType) {
      return new ImageInput(column, Kind.BYTES, -1, -1);
    }
    if (type instanceof StringType) {
      return new ImageInput(column, Kind.URI, -1, length);
    }
    if (type instanceof StructType s) {
      for (int i = 0; i < s.fields().length; i++) {
        StructField f = s.fields()[i];
        if (f.name().equals("bytes") && f.dataType() instanceof BinaryType) {
          return new ImageInput(column, Kind.STRUCT, i, -1);
        }
      }
    }
    throw new IllegalArgumentException("Cannot classify: inputCol = \"" + name + "\" is of type " + type.simpleString()
        + ": expected binary (encoded image bytes), string (image URIs) or a struct with a binary 'bytes' field"
        + (type instanceof ArrayType ? " (one image per row, not an array)" : ""));
  }

  private static int index(StructType schema, String name, String param) {
    for (int i = 0; i < schema.fields().length; i++) {
      if (schema.fields()[i].name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("Cannot classify: " + param + " = \"" + name + "\": expected a column of the "
        + "input, which has " + java.util.Arrays.toString(schema.fieldNames()));
  }

  /** The row's encoded image. */
  byte[] read(Row row, Configuration conf) throws IOException, NoImage {
    if (row.isNullAt(column)) {
      throw new NoImage(kind == Kind.URI ? "no path (null)" : "no image bytes (null)");
    }
    switch (kind) {
      case BYTES:
        return (byte[]) row.get(column);
      case STRUCT: {
        Row s = row.getStruct(column);
        if (s.isNullAt(bytesField)) {
          throw new NoImage("no image bytes (null)");
        }
        return (byte[]) s.get(bytesField);
      }
      default: {
        String uri = row.getString(column);
        if (uri.isEmpty()) {
          throw new NoImage("no path (empty)");
        }
        long length = lengthColumn >= 0 && !row.isNullAt(lengthColumn) ? row.getLong(lengthColumn) : -1;
        try {
          return HadoopFiles.readAll(uri, length, conf);
        } catch (IllegalArgumentException e) {
          throw new NoImage("not a path: " + e.getMessage());
        }
      }
    }
  }

  boolean readsFiles() {
    return kind == Kind.URI;
  }
}
