package io.litescore.reliability;

import io.litescore.testing.Fixtures;
import io.litescore.testing.Resources;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/**
 * Generates the bad-input corpus under {@code <root>/<label>/...}: every case is one file, named after the case.
 * The expected outcome per case is in {@link #EXPECTED}: {@code null} for "scored", else a fragment of the error.
 */
public final class BadInputCorpus {
  private BadInputCorpus() {}

  /** case -> expected error fragment, or null when the image must be scored. */
  public static final Map<String, String> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("zero-byte.jpg", "empty file");
    EXPECTED.put("truncated.jpg", "truncated");
    EXPECTED.put("truncated.png", "cannot decode");
    EXPECTED.put("text-named.jpg", "not a recognised image format");
    EXPECTED.put("random-bytes.png", "not a recognised image format");
    EXPECTED.put("cmyk.jpg", null);
    EXPECTED.put("ycck.jpg", null);
    EXPECTED.put("sixteen-bit.png", null);
    EXPECTED.put("gray.png", null);
    EXPECTED.put("gray-alpha.png", null);
    EXPECTED.put("rgba.png", null);
    EXPECTED.put("palette.png", null);
    EXPECTED.put("animated.gif", null);
    EXPECTED.put("plain.bmp", null);
    EXPECTED.put("image.webp", null);
    EXPECTED.put("lossless.webp", null);
    EXPECTED.put("animated.webp", null);
    EXPECTED.put("truncated.webp", "truncated WebP file");
    EXPECTED.put("corrupt.webp", "corrupt WebP");
    EXPECTED.put("header-only.webp", "corrupt WebP");
    EXPECTED.put("bomb.webp", "image too large");
    EXPECTED.put("plain.jpg", null);
    EXPECTED.put("exif-rotated.jpg", null);
    EXPECTED.put("icc-linear-rgb.jpg", null);
    EXPECTED.put("one-by-one.png", null);
    EXPECTED.put("bomb.png", "image too large");
    EXPECTED.put("name with spaces é ü 名.png", null);
  }

  public static void write(Path dir) throws Exception {
    Random r = new Random(1);
    BufferedImage photo = ImageIO.read(new java.io.ByteArrayInputStream(
        Resources.bytes("reference/photos/grace_hopper.jpg")));
    byte[] jpeg = Resources.bytes("reference/photos/home.jpg");
    Fixtures.write(dir.resolve("zero-byte.jpg"), new byte[0]);
    Fixtures.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
    byte[] png = encode(photo, "png");
    Fixtures.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    Fixtures.write(dir.resolve("text-named.jpg"), "this is a text file\n".getBytes(StandardCharsets.UTF_8));
    byte[] noise = new byte[4096];
    r.nextBytes(noise);
    Fixtures.write(dir.resolve("random-bytes.png"), noise);
    Fixtures.write(dir.resolve("cmyk.jpg"), adobeJpeg(photo, false));
    Fixtures.write(dir.resolve("ycck.jpg"), adobeJpeg(photo, true));
    Fixtures.write(dir.resolve("sixteen-bit.png"), encode(sixteenBit(64, 48), "png"));
    Fixtures.write(dir.resolve("gray.png"), encode(convert(photo, BufferedImage.TYPE_BYTE_GRAY), "png"));
    Fixtures.write(dir.resolve("gray-alpha.png"), encode(grayAlpha(40, 30), "png"));
    Fixtures.write(dir.resolve("rgba.png"), encode(convert(photo, BufferedImage.TYPE_INT_ARGB), "png"));
    Fixtures.write(dir.resolve("palette.png"), encode(palette(50, 40), "png"));
    Fixtures.write(dir.resolve("animated.gif"), animatedGif());
    Fixtures.write(dir.resolve("plain.bmp"), encode(convert(photo, BufferedImage.TYPE_3BYTE_BGR), "bmp"));
    byte[] lossy = Resources.bytes("webp/lossy.webp");
    Fixtures.write(dir.resolve("image.webp"), lossy);
    Fixtures.write(dir.resolve("lossless.webp"), Resources.bytes("webp/lossless.webp"));
    Fixtures.write(dir.resolve("animated.webp"), Resources.bytes("webp/animated.webp"));
    Fixtures.write(dir.resolve("truncated.webp"), Arrays.copyOf(lossy, lossy.length / 2));
    byte[] corrupt = lossy.clone();
    for (int i = 40; i < corrupt.length; i++) {
      corrupt[i] = (byte) r.nextInt(); // a sound header, then noise where the VP8 partitions were
    }
    Fixtures.write(dir.resolve("corrupt.webp"), corrupt);
    Fixtures.write(dir.resolve("header-only.webp"), webpHeader());
    Fixtures.write(dir.resolve("bomb.webp"), webpBomb(20_000, 20_000));
    Fixtures.write(dir.resolve("plain.jpg"), jpeg);
    Fixtures.write(dir.resolve("exif-rotated.jpg"), withExifOrientation(jpeg, 6));
    Fixtures.write(dir.resolve("icc-linear-rgb.jpg"), withIccProfile(jpeg,
        java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData()));
    Fixtures.write(dir.resolve("one-by-one.png"), encode(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "png"));
    Fixtures.write(dir.resolve("bomb.png"), pngBomb(50_000, 50_000));
    Fixtures.write(dir.resolve("name with spaces é ü 名.png"), png);
  }

  static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BufferedImage convert(BufferedImage src, int type) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }

  static BufferedImage sixteenBit(int w, int h) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, new int[] {x * 1000, y * 1300, 40000});
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  static BufferedImage grayAlpha(int w, int h) {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        java.awt.Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, new int[] {(x * 6) & 0xff, 128});
      }
    }
    return new BufferedImage(cm, raster, false, null);
  }

  static BufferedImage palette(int w, int h) {
    byte[] red = {0, (byte) 255, 0, 0};
    byte[] green = {0, 0, (byte) 255, 0};
    byte[] blue = {0, 0, 0, (byte) 255};
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(2, 4, red, green, blue));
    WritableRaster raster = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setSample(x, y, 0, (x / 10 + y / 10) % 4);
      }
    }
    return img;
  }

  static byte[] animatedGif() throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      for (Color c : new Color[] {Color.RED, Color.GREEN, Color.BLUE}) {
        BufferedImage frame = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_INDEXED);
        Graphics2D g = frame.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 20, 20);
        g.dispose();
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    }
    writer.dispose();
    return out.toByteArray();
  }

  /** A 4-channel Adobe JPEG (CMYK, or YCCK when {@code ycck}), written with the JDK's raster writer. */
  static byte[] adobeJpeg(BufferedImage photo, boolean ycck) throws IOException {
    int w = photo.getWidth() / 4;
    int h = photo.getHeight() / 4;
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = photo.getRGB(x * 4, y * 4);
        int rr = (rgb >> 16) & 0xff;
        int gg = (rgb >> 8) & 0xff;
        int bb = rgb & 0xff;
        int k = 255 - Math.max(rr, Math.max(gg, bb));
        // Adobe JPEGs store CMYK inverted
        cmyk.setPixel(x, y, new int[] {255 - (255 - rr - k), 255 - (255 - gg - k), 255 - (255 - bb - k), 255 - k});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      IIOMetadata meta = writer.getDefaultImageMetadata(
          ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {0, 1, 2, 3},
              DataBuffer.TYPE_BYTE, true, false), param);
      Node tree = meta.getAsTree("javax_imageio_jpeg_image_1.0");
      // replace JFIF by an Adobe marker whose transform says CMYK (0) or YCCK (2)
      Node jpegVariety = tree.getFirstChild();
      while (jpegVariety.hasChildNodes()) {
        jpegVariety.removeChild(jpegVariety.getFirstChild());
      }
      Node markerSequence = jpegVariety.getNextSibling();
      javax.imageio.metadata.IIOMetadataNode adobe = new javax.imageio.metadata.IIOMetadataNode("app14Adobe");
      adobe.setAttribute("transform", ycck ? "2" : "0");
      markerSequence.insertBefore(adobe, markerSequence.getFirstChild());
      for (Node n = markerSequence.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n.getNodeName().equals("sof")) {
          javax.imageio.metadata.IIOMetadataNode sof = (javax.imageio.metadata.IIOMetadataNode) n;
          for (Node c = sof.getFirstChild(); c != null; c = c.getNextSibling()) {
            ((javax.imageio.metadata.IIOMetadataNode) c).setAttribute("HsamplingFactor", "1");
            ((javax.imageio.metadata.IIOMetadataNode) c).setAttribute("VsamplingFactor", "1");
          }
        }
      }
      meta.setFromTree("javax_imageio_jpeg_image_1.0", tree);
      writer.write(null, new IIOImage(cmyk, null, meta), param);
    }
    writer.dispose();
    return out.toByteArray();
  }

  /** A RIFF/WEBP container with an empty-looking VP8 chunk: a header and nothing to decode. */
  static byte[] webpHeader() {
    ByteBuffer b = ByteBuffer.allocate(40).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(32).put("WEBPVP8 ".getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** An extended WebP (VP8X) whose canvas is w x h, with a tiny VP8L image that does not match it. */
  static byte[] webpBomb(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(12 + 18 + 8 + 6).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8).put("WEBP".getBytes(StandardCharsets.US_ASCII));
    b.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).put((byte) 0).put(new byte[3]);
    int cw = w - 1;
    int ch = h - 1;
    b.put((byte) cw).put((byte) (cw >> 8)).put((byte) (cw >> 16)).put((byte) ch).put((byte) (ch >> 8)).put((byte) (ch >> 16));
    b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(6).put((byte) 0x2f).put(new byte[5]);
    return b.array();
  }

  /** Inserts an APP1 Exif segment with the given orientation right after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26).order(java.nio.ByteOrder.BIG_ENDIAN);
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
    tiff.putShort((short) 1); // one IFD entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0);
    byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    int len = 2 + exif.length + tiff.position();
    ByteBuffer seg = ByteBuffer.allocate(2 + len);
    seg.put((byte) 0xff).put((byte) 0xe1).putShort((short) len).put(exif).put(tiff.array(), 0, tiff.position());
    byte[] out = new byte[jpeg.length + seg.capacity()];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(seg.array(), 0, out, 2, seg.capacity());
    System.arraycopy(jpeg, 2, out, 2 + seg.capacity(), jpeg.length - 2);
    return out;
  }

  /** Inserts an APP2 ICC_PROFILE segment (one chunk) holding {@code profile} right after SOI. */
  static byte[] withIccProfile(byte[] jpeg, byte[] profile) {
    byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
    int len = 2 + tag.length + 2 + profile.length;
    if (len > 0xffff) {
      throw new IllegalArgumentException("profile too large for one APP2 segment: " + profile.length);
    }
    ByteBuffer seg = ByteBuffer.allocate(2 + len);
    seg.put((byte) 0xff).put((byte) 0xe2).putShort((short) len).put(tag).put((byte) 1).put((byte) 1).put(profile);
    byte[] out = new byte[jpeg.length + seg.capacity()];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(seg.array(), 0, out, 2, seg.capacity());
    System.arraycopy(jpeg, 2, out, 2 + seg.capacity(), jpeg.length - 2);
    return out;
  }

  /** A PNG whose IHDR claims w x h RGB pixels, followed by a tiny (invalid) IDAT and IEND. */
  static byte[] pngBomb(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 12);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    chunk(b, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
        .put((byte) 0).put((byte) 0).array());
    chunk(b, "IDAT", new byte[0]);
    chunk(b, "IEND", new byte[0]);
    return b.array();
  }

  private static void chunk(ByteBuffer b, String type, byte[] data) {
    b.putInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
  }

  static void symlinkLoop(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.createSymbolicLink(dir.resolve("loop"), dir);
  }
}
