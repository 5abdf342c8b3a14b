package io.litescore.zoo;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code .safetensors} format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw little-endian data. F32 tensors are read as floats; F16/BF16 are widened;
 * I64 tensors (BatchNorm's {@code num_batches_tracked}) are skipped, as inference never needs them.
 */
public final class Safetensors {
  private Safetensors() {}

  /** Tensors by name, in header order, plus the optional {@code __metadata__} strings. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  public static Contents read(byte[] bytes) throws IOException {
    if (bytes.length < 8) {
      throw new IOException("not a safetensors file: " + bytes.length + " bytes");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = buf.getLong(0);
    if (headerLen <= 0 || headerLen > bytes.length - 8) {
      throw new IOException("not a safetensors file: header length " + headerLen + " for " + bytes.length
          + " bytes");
    }
    JsonObject header;
    try {
      header = new Gson().fromJson(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8), JsonObject.class);
    } catch (RuntimeException e) {
      throw new IOException("not a safetensors file: bad JSON header (" + e.getMessage() + ")", e);
    }
    int base = 8 + (int) headerLen;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        e.getValue().getAsJsonObject().entrySet()
            .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
        continue;
      }
      JsonObject info = e.getValue().getAsJsonObject();
      String dtype = info.get("dtype").getAsString();
      JsonArray shapeJson = info.getAsJsonArray("shape");
      long[] shape = new long[shapeJson.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeJson.get(i).getAsLong();
      }
      JsonArray offsets = info.getAsJsonArray("data_offsets");
      int begin = base + (int) offsets.get(0).getAsLong();
      int end = base + (int) offsets.get(1).getAsLong();
      if (begin < base || end > bytes.length || end < begin) {
        throw new IOException("tensor " + e.getKey() + " lies outside the file");
      }
      float[] data = switch (dtype) {
        case "F32" -> floats(buf, begin, end);
        case "F16", "BF16" -> halfs(buf, begin, end, dtype.equals("BF16"));
        case "I64", "I32", "BOOL", "U8" -> null;
        default -> throw new IOException("tensor " + e.getKey() + " has unsupported dtype " + dtype);
      };
      if (data != null) {
        tensors.put(e.getKey(), new Tensor(shape, data));
      }
    }
    return new Contents(tensors, metadata);
  }

  private static float[] floats(ByteBuffer buf, int begin, int end) {
    float[] out = new float[(end - begin) / 4];
    buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(begin).limit(end).slice().order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer().get(out);
    return out;
  }

  private static float[] halfs(ByteBuffer buf, int begin, int end, boolean bf16) {
    float[] out = new float[(end - begin) / 2];
    for (int i = 0; i < out.length; i++) {
      short s = buf.getShort(begin + 2 * i);
      out[i] = bf16 ? Float.intBitsToFloat((s & 0xffff) << 16) : halfToFloat(s);
    }
    return out;
  }

  /** IEEE 754 binary16 to float (subnormals, infinities and NaN included). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant / 1024f / 16384f; // 2^-14 * mant / 2^10
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Writes F32 tensors in the given order, with string metadata. */
  public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      metadata.forEach(meta::addProperty);
      header.add("__metadata__", meta);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      JsonObject info = new JsonObject();
      info.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      info.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offset += e.getValue().size() * 4;
      offsets.add(offset);
      info.add("data_offsets", offsets);
      header.add(e.getKey(), info);
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - json.length % 8) % 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) (8 + json.length + pad + offset));
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
    out.writeBytes(len.array());
    out.writeBytes(json);
    out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
    for (Tensor t : tensors.values()) {
      ByteBuffer b = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(t.data());
      out.writeBytes(b.array());
    }
    return out.toByteArray();
  }
}
