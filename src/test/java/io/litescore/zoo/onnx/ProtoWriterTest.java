package io.litescore.zoo.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The wire format against the protobuf encoding guide's examples and rules. */
class ProtoWriterTest {
  @Test
  void varintsAreLittleEndianBase128WithTheFieldTag() {
    // the encoding guide's example: field 1 = 150 is 08 96 01
    assertThat(new ProtoWriter().varint(1, 150).toByteArray()).containsExactly(0x08, 0x96, 0x01);
    assertThat(new ProtoWriter().varint(2, 0).toByteArray()).containsExactly(0x10, 0x00);
    // field 20 (ONNX's AttributeProto.type) needs a two-byte tag: (20 << 3) | 0 = 160
    assertThat(new ProtoWriter().varint(20, 7).toByteArray()).containsExactly(0xa0, 0x01, 0x07);
    // negative int64: ten bytes, two's complement
    assertThat(new ProtoWriter().varint(1, -1).toByteArray()).containsExactly(0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0x01);
  }

  @Test
  void lengthDelimitedAndFixed32Fields() {
    // the guide's example: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67
    assertThat(new ProtoWriter().string(2, "testing").toByteArray()).containsExactly(0x12, 0x07, 0x74, 0x65, 0x73,
        0x74, 0x69, 0x6e, 0x67);
    // field 3 holding a message with field 1 = 150: 1a 03 08 96 01
    assertThat(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray())
        .containsExactly(0x1a, 0x03, 0x08, 0x96, 0x01);
    // 1.0f is 0x3f800000, little-endian, wire type 5
    assertThat(new ProtoWriter().float32(2, 1f).toByteArray()).containsExactly(0x15, 0x00, 0x00, 0x80, 0x3f);
    byte[] big = new byte[300];
    byte[] w = new ProtoWriter().bytes(9, big).toByteArray();
    assertThat(w).hasSize(3 + 300);
    assertThat(new byte[] {w[0], w[1], w[2]}).containsExactly(0x4a, 0xac, 0x02);
  }
}
