package io.litescore.image;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy {@code .npy} v1.0 for little-endian float32 arrays in C order: what {@code numpy.load} reads. */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** A float32 array and its shape. */
  public record Array(int[] shape, float[] data) {}

  public static void writeFloat32(OutputStream out, int[] shape, float[] data) throws IOException {
    long n = 1;
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      n *= d;
      dims.append(d).append(", ");
    }
    if (n != data.length) {
      throw new IllegalArgumentException("Cannot write npy: shape " + Arrays.toString(shape) + " holds " + n
          + " values, data has " + data.length);
    }
    String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    out.write(MAGIC);
    out.write(new byte[] {1, 0});
    int len = header.length();
    out.write(new byte[] {(byte) (len & 0xff), (byte) (len >>> 8)});
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    out.write(buf.array());
  }

  /** Reads a little-endian float32 C-order array (v1.x or v2.x header). */
  public static Array readFloat32(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] magic = new byte[6];
    d.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a .npy file");
    }
    int major = d.readUnsignedByte();
    d.readUnsignedByte();
    int len = major == 1
        ? d.readUnsignedByte() | (d.readUnsignedByte() << 8)
        : Integer.reverseBytes(d.readInt());
    byte[] headerBytes = new byte[len];
    d.readFully(headerBytes);
    String header = new String(headerBytes, StandardCharsets.US_ASCII);
    if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
      throw new IOException("only little-endian float32 C-order arrays are supported, header: " + header.trim());
    }
    Matcher m = SHAPE.matcher(header);
    if (!m.find()) {
      throw new IOException("no shape in header: " + header.trim());
    }
    int[] shape = Arrays.stream(m.group(1).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    byte[] raw = new byte[n * 4];
    d.readFully(raw);
    float[] data = new float[n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    return new Array(shape, data);
  }
}
