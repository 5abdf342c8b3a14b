package io.litescore.zoo.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The protocol-buffers wire format, writing side, as much as ONNX needs: varint fields (wire type 0), 32-bit
 * floats (wire type 5) and length-delimited bytes, strings and nested messages (wire type 2). Fields are written
 * in call order; a repeated field is the same field written again.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An integer field ({@code int32}, {@code int64}, enum): negative values take ten bytes, as protobuf says. */
  ProtoWriter varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  ProtoWriter float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter message(int field, ProtoWriter message) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(message.out.size());
    try {
      message.out.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint((long) field << 3 | wireType);
  }

  private void rawVarint(long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
