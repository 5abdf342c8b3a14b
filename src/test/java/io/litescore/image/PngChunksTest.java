package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.litescore.testing.Resources;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What libpng gets of a PNG, and that it has nothing left to print on stderr. */
class PngChunksTest {
  @TempDir Path dir;

  record Chunk(String type, byte[] data) {}

  static List<Chunk> chunks(byte[] png) {
    List<Chunk> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
    while (b.remaining() >= 12) {
      int len = b.getInt();
      byte[] t = new byte[4];
      b.get(t);
      byte[] d = new byte[len];
      b.get(d);
      b.getInt();
      out.add(new Chunk(new String(t, StandardCharsets.ISO_8859_1), d));
    }
    return out;
  }

  /** A PNG of these chunks; {@code badCrc} names one whose CRC is spoilt. */
  static byte[] png(List<Chunk> chunks, String badCrc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    for (Chunk c : chunks) {
      byte[] t = c.type().getBytes(StandardCharsets.ISO_8859_1);
      CRC32 crc = new CRC32();
      crc.update(t);
      crc.update(c.data());
      int v = (int) crc.getValue() ^ (c.type().equals(badCrc) ? 1 : 0);
      out.writeBytes(ByteBuffer.allocate(4).putInt(c.data().length).array());
      out.writeBytes(t);
      out.writeBytes(c.data());
      out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }
    return out.toByteArray();
  }

  static List<Chunk> with(List<Chunk> chunks, Chunk extra) {
    List<Chunk> out = new ArrayList<>(chunks);
    out.add(1, extra);
    return out;
  }

  /** Damaged and odd PNGs, each one a case libpng has something to say about. */
  static List<byte[]> variants() {
    byte[] chelsea = Resources.bytes("reference/photos/chelsea.png"); // sRGB-mismatched iCCP
    List<Chunk> cs = chunks(chelsea);
    List<Chunk> plain = cs.stream().filter(c -> !c.type().equals("iCCP")).toList();
    List<byte[]> out = new ArrayList<>();
    out.add(chelsea);
    out.add(png(with(plain, new Chunk("iCCP", "junk\0\0short".getBytes(StandardCharsets.ISO_8859_1))), null));
    out.add(png(with(plain, new Chunk("gAMA", new byte[4])), null));
    out.add(png(with(plain, new Chunk("tEXt", "\0no keyword".getBytes(StandardCharsets.ISO_8859_1))), null));
    out.add(png(with(plain, new Chunk("ZZZZ", new byte[3])), null)); // unknown critical chunk
    out.add(png(with(plain, new Chunk("zzZz", new byte[3])), null));
    out.add(png(plain, "IDAT"));
    out.add(png(plain, "tEXt"));
    out.add(Arrays.copyOf(chelsea, chelsea.length / 2));
    byte[] trailing = Arrays.copyOf(chelsea, chelsea.length + 10);
    out.add(trailing);
    return out;
  }

  @Test
  void ancillaryChunksAreLeftOutAndPixelsStayTheSame() throws Exception {
    byte[] chelsea = Resources.bytes("reference/photos/chelsea.png");
    PngChunks c = PngChunks.of(chelsea);
    assertThat(c.dropped()).contains("iCCP", "pHYs", "iTXt");
    assertThat(c.bitDepth()).isEqualTo(8);
    assertThat(c.colorType()).isEqualTo(2);
    ImageDecoder imageIo = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
    for (byte[] v : variants()) {
      RgbImage expected;
      try {
        expected = imageIo.decode(v);
      } catch (ImageDecodeException e) {
        continue; // truncated: both refuse (BadInputTest)
      }
      assertThat(new ImageDecoder().decode(v).pixels()).isEqualTo(expected.pixels());
    }
  }

  @Test
  void unsoundStreamsAreNotGivenToLibpng() {
    byte[] chelsea = Resources.bytes("reference/photos/chelsea.png");
    List<Chunk> cs = chunks(chelsea);
    assertThat(PngChunks.of(png(cs, "IDAT"))).isNull();
    assertThat(PngChunks.of(png(cs, "IHDR"))).isNull();
    assertThat(PngChunks.of(png(cs, "iCCP"))).as("a dropped chunk's CRC does not matter").isNotNull();
    assertThat(PngChunks.of(Arrays.copyOf(chelsea, chelsea.length - 1))).as("IEND cut").isNull();
    assertThat(PngChunks.of(png(cs.subList(1, cs.size()), null))).as("IHDR not first").isNull();
    assertThat(PngChunks.of("not a png".getBytes())).isNull();
  }

  @Test
  void sixteenBitGrayIsClippedAsPilConvertsModeI() throws Exception {
    BufferedImage img = new BufferedImage(64, 8, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = img.getRaster();
    for (int x = 0; x < 64; x++) {
      for (int y = 0; y < 8; y++) {
        r.setSample(x, y, 0, x * 20 + y);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    byte[] png = out.toByteArray();
    assertThat(PngChunks.of(png).gray16()).isTrue();
    for (ImageDecoder d : List.of(new ImageDecoder(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false))) {
      RgbImage rgb = d.decode(png);
      for (int x = 0; x < 64; x++) {
        int v = Math.min(x * 20 + 3, 255);
        int o = (3 * 64 + x) * 3;
        assertThat(new int[] {rgb.pixels()[o] & 0xff, rgb.pixels()[o + 1] & 0xff, rgb.pixels()[o + 2] & 0xff})
            .as("x=%d", x).containsExactly(v, v, v);
      }
    }
  }

  /** In a JVM of its own, so that what the natives write to file descriptor 2 can be read. */
  @Test
  void libpngPrintsNothingOnStderr() throws Exception {
    List<String> paths = new ArrayList<>();
    int i = 0;
    for (byte[] v : variants()) {
      Path p = dir.resolve("v" + (i++) + ".png");
      Files.write(p, v);
      paths.add(p.toString());
    }
    Path list = Files.write(dir.resolve("list.txt"), paths);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.litescore.image.StageTiming", list.toString(), "--rounds", "0", "--hashes", dir.resolve("h.tsv").toString())
        .redirectErrorStream(false).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile()).start();
    assertThat(p.waitFor()).isZero();
    List<String> hashes = Files.readAllLines(dir.resolve("h.tsv"));
    assertThat(hashes).hasSize(paths.size());
    assertThat(hashes.stream().filter(l -> l.contains("\terror\t")).count()).as("only the truncated one fails")
        .isEqualTo(1);
    assertThat(Files.readString(dir.resolve("err.txt"))).doesNotContain("libpng").isBlank();
  }
}
