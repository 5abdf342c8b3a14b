package io.litescore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * PNGs inflated by ISA-L and unfiltered by litescore give libpng's pixels: every filter type (the rows of the test
 * images cycle through None, Sub, Up, Average and Paeth), every colour type the path takes, IDAT split into many
 * chunks, odd sizes; the reference photos too. What the path does not take, or cannot inflate, goes to libpng.
 */
class IsalPngTest {
  @Test
  void gklLoadsHere() {
    assertThat(IsalPng.available()).as("Intel GKL's linux-x86_64 inflater is on the class path").isTrue();
  }

  @Test
  void everyFilterAndColourTypeGivesLibpngsPixels() throws Exception {
    Random rnd = new Random(7);
    for (int colorType : new int[] {0, 2, 4, 6}) {
      for (int[] size : new int[][] {{1, 1}, {5, 3}, {37, 23}, {130, 67}}) {
        byte[] png = png(size[0], size[1], colorType, rnd, 997);
        PngChunks chunks = PngChunks.of(png);
        RgbImage isal = IsalPng.decode(png, chunks, null);
        assertThat(isal).as("type %d %dx%d taken by the ISA-L path", colorType, size[0], size[1]).isNotNull();
        RgbImage libpng = OpenCvDecoder.decode(png, chunks.spans(), 1, null);
        RgbImage imageIo = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false).decode(png);
        assertThat(isal.pixels()).as("type %d %dx%d vs libpng", colorType, size[0], size[1])
            .isEqualTo(libpng.pixels());
        assertThat(isal.pixels()).as("type %d %dx%d vs ImageIO", colorType, size[0], size[1])
            .isEqualTo(imageIo.pixels());
      }
    }
  }

  @Test
  void referencePngsGiveLibpngsPixels() throws Exception {
    List<Path> pngs;
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/reference/photos"))) {
      pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
    assertThat(pngs).isNotEmpty();
    DecodeBuffers reuse = new DecodeBuffers();
    for (Path p : pngs) {
      byte[] png = Files.readAllBytes(p);
      PngChunks chunks = PngChunks.of(png);
      RgbImage libpng = OpenCvDecoder.decode(png, chunks.spans(), 1, null);
      RgbImage isal = IsalPng.decode(png, chunks, reuse);
      if (chunks.bitDepth() == 8 && chunks.colorType() != 3) {
        assertThat(isal).as(p.toString()).isNotNull();
        assertThat(Arrays.copyOf(isal.pixels(), libpng.pixels().length)).as(p.toString())
            .isEqualTo(libpng.pixels());
      } else {
        assertThat(isal).as(p + ": not a type this path takes").isNull();
      }
    }
  }

  @Test
  void aDamagedStreamGoesToLibpngAndIsAnError() throws Exception {
    byte[] png = png(64, 48, 2, new Random(3), 1 << 20);
    // scramble the deflate data inside the one IDAT chunk, then fix its CRC so the chunk structure stays sound
    int at = indexOf(png, "IDAT");
    int len = ((png[at - 4] & 0xff) << 24) | ((png[at - 3] & 0xff) << 16) | ((png[at - 2] & 0xff) << 8)
        | (png[at - 1] & 0xff);
    for (int i = at + 4 + 2; i < at + 4 + len - 4; i += 3) {
      png[i] = (byte) 0xff;
    }
    CRC32 crc = new CRC32();
    crc.update(png, at, 4 + len);
    writeInt(png, at + 4 + len, (int) crc.getValue());
    PngChunks chunks = PngChunks.of(png);
    assertThat(chunks).isNotNull();
    assertThat(IsalPng.decode(png, chunks, null)).isNull();
    assertThatThrownBy(() -> new ImageDecoder().decode(png)).isInstanceOf(ImageDecodeException.class);
  }

  @Test
  void palettesAndOtherDepthsAreLeftToLibpng() throws Exception {
    byte[] png = png(8, 8, 2, new Random(1), 100);
    png[24] = 16; // bit depth 16
    fixIhdrCrc(png);
    assertThat(IsalPng.decode(png, PngChunks.of(png), null)).isNull();
    png[24] = 8;
    png[28] = 1; // Adam7 interlacing
    fixIhdrCrc(png);
    assertThat(IsalPng.decode(png, PngChunks.of(png), null)).isNull();
  }

  /** A PNG whose rows cycle through the five filter types, IDAT in chunks of at most {@code chunk} bytes. */
  static byte[] png(int w, int h, int colorType, Random rnd, int chunk) throws Exception {
    int channels = switch (colorType) {
      case 0 -> 1;
      case 4 -> 2;
      case 2 -> 3;
      default -> 4;
    };
    int stride = w * channels;
    byte[][] rows = new byte[h][stride];
    for (int y = 0; y < h; y++) {
      for (int i = 0; i < stride; i++) {
        // smooth gradients plus noise: every filter has work to do
        rows[y][i] = (byte) ((y * 7 + i * 3 + (i % channels) * 50) / 2 + rnd.nextInt(24));
      }
    }
    ByteArrayOutputStream filtered = new ByteArrayOutputStream();
    for (int y = 0; y < h; y++) {
      int f = y % 5;
      filtered.write(f);
      byte[] up = y > 0 ? rows[y - 1] : new byte[stride];
      for (int i = 0; i < stride; i++) {
        int x = rows[y][i] & 0xff;
        int a = i >= channels ? rows[y][i - channels] & 0xff : 0;
        int b = up[i] & 0xff;
        int c = i >= channels ? up[i - channels] & 0xff : 0;
        int pred = switch (f) {
          case 0 -> 0;
          case 1 -> a;
          case 2 -> b;
          case 3 -> (a + b) >>> 1;
          default -> {
            int pa = Math.abs(b - c);
            int pb = Math.abs(a - c);
            int pc = Math.abs(a + b - 2 * c);
            yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          }
        };
        filtered.write((x - pred) & 0xff);
      }
    }
    Deflater deflater = new Deflater(6);
    deflater.setInput(filtered.toByteArray());
    deflater.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!deflater.finished()) {
      z.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    writeInt(ihdr, 0, w);
    writeInt(ihdr, 4, h);
    ihdr[8] = 8;
    ihdr[9] = (byte) colorType;
    chunk(out, "IHDR", ihdr, 0, 13);
    byte[] data = z.toByteArray();
    for (int i = 0; i < data.length; i += chunk) {
      chunk(out, "IDAT", data, i, Math.min(chunk, data.length - i));
    }
    chunk(out, "IEND", new byte[0], 0, 0);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int off, int len) {
    byte[] head = new byte[8];
    writeInt(head, 0, len);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, head, 4, 4);
    out.write(head, 0, 8);
    out.write(data, off, len);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data, off, len);
    byte[] c = new byte[4];
    writeInt(c, 0, (int) crc.getValue());
    out.write(c, 0, 4);
  }

  private static void fixIhdrCrc(byte[] png) {
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    writeInt(png, 29, (int) crc.getValue());
  }

  private static int indexOf(byte[] b, String type) {
    for (int i = 0; i + 4 <= b.length; i++) {
      if (b[i] == type.charAt(0) && b[i + 1] == type.charAt(1) && b[i + 2] == type.charAt(2)
          && b[i + 3] == type.charAt(3)) {
        return i;
      }
    }
    return -1;
  }

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
