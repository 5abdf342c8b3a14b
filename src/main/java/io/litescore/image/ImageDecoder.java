package io.litescore.image;

import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes to 8-bit RGB the way PIL's {@code Image.open(f).convert("RGB")} does: grayscale is copied to
 * R=G=B, alpha is dropped (no compositing), palettes are looked up, and embedded ICC profiles and EXIF orientation
 * are ignored. Pixels are read from the raw raster, never through {@code BufferedImage.getRGB()} (which
 * colour-manages grayscale).
 *
 * <p>Complete RGB/grayscale JPEGs, PNGs and WebPs (lossy, lossless, the first frame of an animation) go through
 * OpenCV's {@code imdecode} ({@link OpenCvDecoder}: libjpeg-turbo with SIMD, libpng and libwebp, the libraries PIL
 * uses; the pixels are PIL's, bit for bit). A PNG reaches libpng with its ancillary chunks left out and only when its
 * chunk structure and CRCs are sound ({@link PngChunks}), so libpng prints nothing to stderr. The size in the header
 * is checked against {@code dataset.max-pixels} before any pixel is decoded. Everything else, and whatever OpenCV
 * refuses, goes through ImageIO: the JDK's own reader first (libjpeg: the same integer IDCT and upsampling as
 * libjpeg-turbo's defaults, so pixels equal PIL's), then other readers (TwelveMonkeys: CMYK/YCCK JPEG, WebP, and
 * more); ImageIO gives the precise error messages (truncated data, unknown format). CMYK and YCCK JPEGs become RGB by
 * Pillow's own integer formula (no ICC profile). 16-bit colour samples keep their high byte; 16-bit grayscale is
 * clipped to 255, as PIL's mode {@code I} converts. A WebP file that libwebp refuses is an error (OpenCV prints one
 * line about it on stderr; its logging cannot be silenced through bytedeco's API); its chunk structure is checked
 * first, so a truncated or cut-up file never reaches libwebp.
 */
public final class ImageDecoder {
  /** Pillow's default decompression-bomb limit (its error threshold is twice its warning of 89.5 MP). */
  public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

  private static final Logger LOG = Logger.getLogger(ImageDecoder.class.getName());

  static {
    ImageIO.setUseCache(false);
  }

  private final long maxPixels;
  private final boolean useOpenCv;

  public ImageDecoder(long maxPixels) {
    this(maxPixels, true);
  }

  /** {@code useOpenCv = false}: ImageIO for every file (tests compare the two paths). */
  ImageDecoder(long maxPixels, boolean useOpenCv) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("Cannot decode: max pixels must be positive, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
    this.useOpenCv = useOpenCv;
  }

  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS);
  }

  /**
   * Like {@link #decode(byte[])}, but a complete RGB or grayscale JPEG whose short side is at least twice
   * {@code minShortSide} is decoded at 1/2, 1/4 or 1/8 scale in the DCT domain (the largest that keeps the short
   * side at least {@code minShortSide}): {@code preprocessing.mode = fast}. Everything else, and every image when
   * OpenCV's natives do not load, is decoded exactly. {@code minShortSide <= 0} is exact decoding.
   */
  public RgbImage decode(byte[] bytes, int minShortSide) throws ImageDecodeException {
    return decode(bytes, minShortSide, null);
  }

  /**
   * Like {@link #decode(byte[], int)}, the pixels (of images the native codecs decode) landing in {@code reuse}'s
   * buffers: the image is valid until the next decode into the same buffers. Scoring tasks decode this way, one
   * {@link DecodeBuffers} per thread. {@code reuse} may be null (fresh buffers).
   */
  public RgbImage decode(byte[] bytes, int minShortSide, DecodeBuffers reuse) throws ImageDecodeException {
    if (bytes.length == 0) {
      throw new ImageDecodeException("empty file (0 bytes)");
    }
    RgbImage img = native_(bytes, minShortSide, reuse);
    return img != null ? img : imageIo(bytes);
  }

  private void checkPixels(long w, long h) throws ImageDecodeException {
    if (w * h > maxPixels) {
      throw new ImageDecodeException(
          "image too large: " + w + "x" + h + " = " + (w * h) + " pixels exceeds the limit of " + maxPixels
              + " (dataset.max-pixels)");
    }
  }

  public RgbImage decode(byte[] bytes) throws ImageDecodeException {
    return decode(bytes, 0);
  }

  /**
   * Complete RGB/grayscale JPEGs, sound PNGs and WebPs through OpenCV (same pixels as PIL, faster; JPEGs reduced for
   * {@code minShortSide > 0}), after checking the size in the header against the limit; null for anything else, or
   * when OpenCV refuses the file, which then goes through ImageIO and its precise error messages.
   */
  private RgbImage native_(byte[] bytes, int minShortSide, DecodeBuffers reuse) throws ImageDecodeException {
    JpegHeader jpeg = JpegHeader.read(bytes);
    if (jpeg != null) {
      checkPixels(jpeg.width(), jpeg.height());
      if (!jpeg.complete() || (jpeg.components() != 3 && jpeg.components() != 1) || !useOpenCv()) {
        return null;
      }
      return OpenCvDecoder.decode(bytes, minShortSide > 0 ? jpeg.reduction(minShortSide) : 1, reuse);
    }
    int[] png = pngSize(bytes);
    if (png != null) {
      checkPixels(png[0], png[1]);
      if (!useOpenCv()) {
        return null;
      }
      PngChunks chunks = PngChunks.of(bytes);
      if (chunks == null) {
        LOG.fine("PNG with a damaged chunk structure or CRC: decoding with ImageIO, not libpng");
        return null;
      }
      if (!chunks.dropped().isEmpty() && LOG.isLoggable(Level.FINE)) {
        LOG.fine("PNG: ancillary chunks " + chunks.dropped() + " left out before libpng (PIL ignores them too)");
      }
      if (chunks.gray16()) {
        return OpenCvDecoder.decodeGray16Clipped(bytes, chunks.spans());
      }
      RgbImage img = IsalPng.decode(bytes, chunks, reuse);
      return img != null ? img : OpenCvDecoder.decode(bytes, chunks.spans(), 1, reuse);
    }
    WebpHeader webp = WebpHeader.read(bytes);
    if (webp != null) {
      checkPixels(webp.width(), webp.height());
      if (!webp.complete()) {
        throw new ImageDecodeException("truncated WebP file: " + bytes.length + " bytes, its header says "
            + (WebpHeader.riffSize(bytes) + 8));
      }
      WebpHeader.checkStructure(bytes);
      if (!useOpenCv()) {
        return null; // TwelveMonkeys' reader
      }
      RgbImage img = OpenCvDecoder.decode(bytes, 1, reuse);
      if (img == null) {
        // libwebp, PIL's decoder, refuses it (OpenCV logs one line on stderr about it)
        throw new ImageDecodeException("corrupt WebP data: libwebp cannot decode it");
      }
      return img;
    }
    return null;
  }

  private boolean useOpenCv() {
    return useOpenCv && OpenCvDecoder.available();
  }

  /** Width and height from a PNG's IHDR chunk, or null when the bytes do not start like a PNG. */
  static int[] pngSize(byte[] b) {
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (b.length < 24) {
      return null;
    }
    for (int i = 0; i < 8; i++) {
      if (b[i] != signature[i]) {
        return null;
      }
    }
    if (b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      return null;
    }
    long w = ((b[16] & 0xffL) << 24) | ((b[17] & 0xff) << 16) | ((b[18] & 0xff) << 8) | (b[19] & 0xff);
    long h = ((b[20] & 0xffL) << 24) | ((b[21] & 0xff) << 16) | ((b[22] & 0xff) << 8) | (b[23] & 0xff);
    return w > Integer.MAX_VALUE || h > Integer.MAX_VALUE ? new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}
        : new int[] {(int) w, (int) h};
  }

  /** ImageIO only: the JDK's readers first, then TwelveMonkeys'. */
  private RgbImage imageIo(byte[] bytes) throws ImageDecodeException {
    List<String> failures = new ArrayList<>();
    for (ImageReader reader : readersFor(bytes)) {
      try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
        reader.setInput(in, true, true);
        checkPixels(reader.getWidth(0), reader.getHeight(0));
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        RenderedImage image = reader.readAsRenderedImage(0, null);
        RgbImage rgb = toRgb(image);
        for (String warning : warnings) {
          // libjpeg fills a truncated or corrupt stream with grey and warns; PIL refuses such files
          if (warning.contains("Premature end") || warning.contains("Corrupt") || warning.contains("Invalid")) {
            throw new ImageDecodeException("truncated or corrupt image data (" + warning.strip() + ")");
          }
        }
        return rgb;
      } catch (ImageDecodeException e) {
        throw e;
      } catch (IOException | RuntimeException | OutOfMemoryError e) {
        failures.add(formatName(reader) + ": " + describe(e));
      } finally {
        reader.dispose();
      }
    }
    if (failures.isEmpty()) {
      throw new ImageDecodeException("not a recognised image format (" + sniff(bytes) + ")");
    }
    throw new ImageDecodeException("cannot decode: " + String.join("; ", failures));
  }

  private static String formatName(ImageReader reader) {
    try {
      return reader.getFormatName();
    } catch (IOException e) {
      return reader.getOriginatingProvider().getFormatNames()[0];
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return (m == null || m.isBlank()) ? e.getClass().getSimpleName() : m;
  }

  /** The JDK's own reader first, then the others ImageIO offers for the same stream. */
  private static List<ImageReader> readersFor(byte[] bytes) throws ImageDecodeException {
    List<ImageReader> jdk = new ArrayList<>();
    List<ImageReader> others = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> it = ImageIO.getImageReaders(in);
      while (it.hasNext()) {
        ImageReader r = it.next();
        (r.getClass().getName().startsWith("com.sun.imageio.") ? jdk : others).add(r);
      }
    } catch (IOException e) {
      throw new ImageDecodeException("cannot read bytes: " + describe(e), e);
    }
    jdk.addAll(others);
    return jdk;
  }

  private static String sniff(byte[] b) {
    StringBuilder s = new StringBuilder("first bytes:");
    for (int i = 0; i < Math.min(8, b.length); i++) {
      s.append(String.format(" %02x", b[i] & 0xff));
    }
    return s.toString();
  }

  /**
   * A CMYK raster (TwelveMonkeys' reading of a CMYK or YCCK JPEG, Adobe inversion undone) the way PIL's
   * {@code convert("RGB")} turns mode CMYK into RGB (Pillow's {@code cmyk2rgb}): with {@code nk = 255 - K},
   * {@code R = nk - C * nk / 255} in Pillow's rounded integer form, likewise G from M and B from Y; no ICC profile, no
   * colour management.
   */
  private static RgbImage cmykToRgb(Raster raster) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
    byte[] rgb = new byte[w * h * 3];
    int[] row = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int p = x * 4;
        int nk = 255 - (row[p + 3] >>> shift);
        int o = (y * w + x) * 3;
        rgb[o] = (byte) (nk - mulDiv255(row[p] >>> shift, nk));
        rgb[o + 1] = (byte) (nk - mulDiv255(row[p + 1] >>> shift, nk));
        rgb[o + 2] = (byte) (nk - mulDiv255(row[p + 2] >>> shift, nk));
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /** Pillow's {@code MULDIV255(a, b)}: a * b / 255, rounded, in integers. */
  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  static RgbImage toRgb(RenderedImage image) throws ImageDecodeException {
    Raster raster = image.getData();
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] rgb = new byte[w * h * 3];
    if (image.getColorModel() instanceof IndexColorModel palette) {
      int[] idx = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, idx);
        for (int x = 0; x < w; x++) {
          int o = (y * w + x) * 3;
          rgb[o] = (byte) palette.getRed(idx[x]);
          rgb[o + 1] = (byte) palette.getGreen(idx[x]);
          rgb[o + 2] = (byte) palette.getBlue(idx[x]);
        }
      }
      return new RgbImage(w, h, rgb);
    }
    int bands = raster.getNumBands();
    if (bands < 1 || bands > 4) {
      throw new ImageDecodeException("unsupported image with " + bands + " channels");
    }
    if (bands == 4 && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK) {
      return cmykToRgb(raster);
    }
    // bands 1-2: gray (+alpha) -> R=G=B; bands 3-4: RGB (+alpha) -> RGB.
    int[] src = bands >= 3 ? new int[] {0, 1, 2} : new int[] {0, 0, 0};
    int dataType = raster.getDataBuffer().getDataType();
    if (dataType == DataBuffer.TYPE_BYTE
        && raster.getSampleModel() instanceof ComponentSampleModel sm
        && raster.getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1
        && raster.getMinX() == 0
        && raster.getMinY() == 0
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0) {
      byte[] data = db.getData();
      int[] offsets = sm.getBandOffsets();
      int pixelStride = sm.getPixelStride();
      int scanline = sm.getScanlineStride();
      int base = db.getOffset();
      int r = offsets[src[0]];
      int g = offsets[src[1]];
      int b = offsets[src[2]];
      for (int y = 0; y < h; y++) {
        int p = base + y * scanline;
        int o = y * w * 3;
        for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
          rgb[o] = data[p + r];
          rgb[o + 1] = data[p + g];
          rgb[o + 2] = data[p + b];
        }
      }
      return new RgbImage(w, h, rgb);
    }
    int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
    // PIL opens 16-bit grayscale as mode I, whose convert("RGB") clips to 255 instead of taking the high byte
    boolean clip = bands == 1 && shift > 0;
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        int p = x * bands;
        if (clip) {
          byte v = (byte) Math.min(row[p], 255);
          rgb[o] = v;
          rgb[o + 1] = v;
          rgb[o + 2] = v;
          continue;
        }
        rgb[o] = (byte) (row[p + src[0]] >>> shift);
        rgb[o + 1] = (byte) (row[p + src[1]] >>> shift);
        rgb[o + 2] = (byte) (row[p + src[2]] >>> shift);
      }
    }
    return new RgbImage(w, h, rgb);
  }
}
