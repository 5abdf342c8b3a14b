package io.litescore.image;

import com.intel.gkl.compression.IntelInflater;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The common PNGs of photo sets (8-bit greyscale, grey + alpha, RGB and RGBA, not interlaced) decoded without
 * libpng: the IDAT stream is inflated by Intel ISA-L's igzip (through Intel GKL's {@link IntelInflater}, natives for
 * linux-x86_64 inside its jar), then unfiltered and turned into RGB here. Inflating is most of a photo PNG's decode
 * time and igzip does it in 0.58x zlib's time (the bench's 84 photo PNGs: 11.2 against 19.3 ms per file, one
 * thread). PNG is lossless, so the pixels are libpng's (tests compare them); alpha is dropped and grey copied to R=G=B,
 * as PIL's {@code convert("RGB")} does. Anything else (palettes, other bit depths, interlacing, a preset dictionary),
 * a stream igzip refuses, or one that does not fill the image exactly, returns null: libpng then decodes it, or
 * reports what is wrong. So does every PNG where GKL's native does not load (other CPUs).
 */
final class IsalPng {
  private static final Logger LOG = Logger.getLogger(IsalPng.class.getName());
  private static final ThreadLocal<IntelInflater> INFLATER = ThreadLocal.withInitial(() -> new IntelInflater(true));
  private static volatile Boolean available;

  private IsalPng() {}

  /** Whether GKL's native inflater loads here (once per JVM). */
  static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (IsalPng.class) {
        if (available == null) {
          Throwable why = null;
          boolean ok;
          try {
            ok = new IntelInflater(true).load(null);
          } catch (Throwable t) {
            why = t;
            ok = false;
          }
          if (!ok) {
            LOG.log(Level.FINE, "Intel GKL's inflater does not load here: PNGs go through libpng", why);
          }
          available = ok;
        }
        a = available;
      }
    }
    return a;
  }

  /** The image, or null when this decoder does not take the file (see the class comment). */
  static RgbImage decode(byte[] png, PngChunks chunks, DecodeBuffers reuse) {
    if (chunks.bitDepth() != 8 || !(chunks.colorType() == 0 || chunks.colorType() == 2 || chunks.colorType() == 4
        || chunks.colorType() == 6) || !available()) {
      return null;
    }
    // IHDR: width, height, bit depth, colour type, compression, filter method, interlace
    int w = readInt(png, 16);
    int h = readInt(png, 20);
    if (w <= 0 || h <= 0 || png[26] != 0 || png[27] != 0 || png[28] != 0) {
      return null;
    }
    int channels = switch (chunks.colorType()) {
      case 0 -> 1;
      case 4 -> 2;
      case 2 -> 3;
      default -> 4;
    };
    long stride = (long) w * channels;
    long rawSize = (stride + 1) * h;
    if (rawSize > DecodeBuffers.KEEP_BYTES * 4L || (long) w * h * 3 > Integer.MAX_VALUE - 16) {
      return null;
    }
    DecodeBuffers buffers = reuse != null ? reuse : new DecodeBuffers();
    try {
      return decode(png, w, h, channels, (int) stride, (int) rawSize, buffers, reuse != null);
    } finally {
      buffers.trim();
    }
  }

  private static RgbImage decode(byte[] png, int w, int h, int channels, int stride, int rawSize,
      DecodeBuffers buffers, boolean reusePixels) {
    int compressed = idat(png, buffers);
    byte[] z = buffers.compressed(0);
    if (compressed < 6 || (z[0] & 0x0f) != 8 || (((z[0] & 0xff) << 8) | (z[1] & 0xff)) % 31 != 0
        || (z[1] & 0x20) != 0) {
      return null; // not deflate, or a preset dictionary
    }
    byte[] raw = buffers.raw(rawSize);
    IntelInflater inflater = INFLATER.get();
    int got;
    try {
      inflater.reset();
      inflater.setInput(z, 2, compressed - 2);
      got = inflater.inflate(raw, 0, rawSize);
    } catch (RuntimeException e) {
      return null; // libpng says what is wrong with the stream
    }
    if (got != rawSize || !unfilter(raw, h, stride, channels)) {
      return null;
    }
    byte[] px = reusePixels ? buffers.pixels(w * h * 3) : new byte[w * h * 3];
    toRgb(raw, w, h, channels, px);
    return new RgbImage(w, h, px);
  }

  /** The IDAT payloads, in order, in {@code buffers.compressed}; their total length. */
  private static int idat(byte[] png, DecodeBuffers buffers) {
    int total = 0;
    for (int i = 8; i + 12 <= png.length; ) {
      int len = readInt(png, i);
      if (png[i + 4] == 'I' && png[i + 5] == 'D' && png[i + 6] == 'A' && png[i + 7] == 'T') {
        byte[] into = buffers.compressed(total + len);
        System.arraycopy(png, i + 8, into, total, len);
        total += len;
      } else if (png[i + 4] == 'I' && png[i + 5] == 'E' && png[i + 6] == 'N' && png[i + 7] == 'D') {
        break;
      }
      i += 12 + len;
    }
    return total;
  }

  /**
   * Undoes the PNG filters in place (each row: a filter byte, then {@code stride} bytes; {@code bpp} bytes per
   * pixel); false on an unknown filter type.
   */
  static boolean unfilter(byte[] raw, int h, int stride, int bpp) {
    int prior = -1; // offset of the previous row's first byte, -1 for the first row (a row of zeros)
    for (int y = 0; y < h; y++) {
      int f = raw[y * (stride + 1)];
      int p = y * (stride + 1) + 1;
      switch (f) {
        case 0 -> { }
        case 1 -> {
          for (int i = bpp; i < stride; i++) {
            raw[p + i] += raw[p + i - bpp];
          }
        }
        case 2 -> {
          if (prior >= 0) {
            for (int i = 0; i < stride; i++) {
              raw[p + i] += raw[prior + i];
            }
          }
        }
        case 3 -> {
          for (int i = 0; i < stride; i++) {
            int left = i >= bpp ? raw[p + i - bpp] & 0xff : 0;
            int up = prior >= 0 ? raw[prior + i] & 0xff : 0;
            raw[p + i] += (byte) ((left + up) >>> 1);
          }
        }
        case 4 -> {
          for (int i = 0; i < stride; i++) {
            int a = i >= bpp ? raw[p + i - bpp] & 0xff : 0;
            int b = prior >= 0 ? raw[prior + i] & 0xff : 0;
            int c = i >= bpp && prior >= 0 ? raw[prior + i - bpp] & 0xff : 0;
            int pa = Math.abs(b - c);
            int pb = Math.abs(a - c);
            int pc = Math.abs(a + b - 2 * c);
            raw[p + i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          }
        }
        default -> {
          return false;
        }
      }
      prior = p;
    }
    return true;
  }

  /** Unfiltered rows of {@code channels} (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) to RGB: alpha dropped, grey copied. */
  static void toRgb(byte[] raw, int w, int h, int channels, byte[] px) {
    int stride = w * channels;
    for (int y = 0; y < h; y++) {
      int s = y * (stride + 1) + 1;
      int d = y * w * 3;
      switch (channels) {
        case 3 -> System.arraycopy(raw, s, px, d, stride);
        case 4 -> {
          for (int x = 0; x < w; x++, s += 4, d += 3) {
            px[d] = raw[s];
            px[d + 1] = raw[s + 1];
            px[d + 2] = raw[s + 2];
          }
        }
        default -> {
          for (int x = 0; x < w; x++, s += channels, d += 3) {
            byte g = raw[s];
            px[d] = g;
            px[d + 1] = g;
            px[d + 2] = g;
          }
        }
      }
    }
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }
}
