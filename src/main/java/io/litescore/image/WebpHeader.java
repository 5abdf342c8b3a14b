package io.litescore.image;

/**
 * The header of a WebP file (RIFF container, then a {@code VP8 }, {@code VP8L} or {@code VP8X} chunk), read
 * without decoding: the canvas size, for {@code dataset.max-pixels} before any pixel is decoded, and what kind of
 * WebP it is.
 *
 * @param width canvas width
 * @param height canvas height
 * @param lossless a {@code VP8L} bitstream (for an extended file: its first image's, when it is known)
 * @param animated the extended header's animation flag
 * @param alpha an alpha channel (lossless' alpha hint, or the extended header's flag)
 * @param complete the file is at least as long as its RIFF header says (a truncated file is not)
 */
public record WebpHeader(int width, int height, boolean lossless, boolean animated, boolean alpha,
    boolean complete) {

  /** Whether the bytes start like a WebP file: {@code RIFF....WEBP}. */
  public static boolean isWebp(byte[] b) {
    return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
        && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P';
  }

  /**
   * The header, or null when the bytes are not a WebP file.
   *
   * @throws ImageDecodeException when they start like one but the header cannot be read
   */
  public static WebpHeader read(byte[] b) throws ImageDecodeException {
    if (!isWebp(b)) {
      return null;
    }
    boolean complete = riffSize(b) + 8 <= b.length;
    if (b.length < 20) {
      throw new ImageDecodeException("truncated WebP file: " + b.length + " bytes, no image chunk");
    }
    String fourcc = new String(b, 12, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    int p = 20; // chunk payload
    switch (fourcc) {
      case "VP8 " -> {
        // frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (2 bits of scaling above each)
        if (b.length < p + 10) {
          throw new ImageDecodeException("truncated WebP file: the VP8 frame header is cut off");
        }
        if ((b[p + 3] & 0xff) != 0x9d || (b[p + 4] & 0xff) != 0x01 || (b[p + 5] & 0xff) != 0x2a) {
          throw new ImageDecodeException("corrupt WebP file: bad VP8 start code");
        }
        int w = le16(b, p + 6) & 0x3fff;
        int h = le16(b, p + 8) & 0x3fff;
        return checked(new WebpHeader(w, h, false, false, false, complete));
      }
      case "VP8L" -> {
        if (b.length < p + 5) {
          throw new ImageDecodeException("truncated WebP file: the VP8L header is cut off");
        }
        if ((b[p] & 0xff) != 0x2f) {
          throw new ImageDecodeException("corrupt WebP file: bad VP8L signature");
        }
        long bits = le32(b, p + 1);
        int w = (int) (bits & 0x3fff) + 1;
        int h = (int) ((bits >>> 14) & 0x3fff) + 1;
        boolean alpha = ((bits >>> 28) & 1) != 0;
        return checked(new WebpHeader(w, h, true, false, alpha, complete));
      }
      case "VP8X" -> {
        if (b.length < p + 10) {
          throw new ImageDecodeException("truncated WebP file: the VP8X header is cut off");
        }
        int flags = b[p] & 0xff;
        int w = le24(b, p + 4) + 1;
        int h = le24(b, p + 7) + 1;
        boolean animated = (flags & 0x02) != 0;
        boolean alpha = (flags & 0x10) != 0;
        return checked(new WebpHeader(w, h, firstImageIsLossless(b), animated, alpha, complete));
      }
      default -> throw new ImageDecodeException("corrupt WebP file: unknown first chunk '" + fourcc.strip() + "'");
    }
  }

  /** The RIFF header's size field: the file's length less 8. */
  static long riffSize(byte[] b) {
    return le32(b, 4);
  }

  private static WebpHeader checked(WebpHeader h) throws ImageDecodeException {
    if (h.width <= 0 || h.height <= 0) {
      throw new ImageDecodeException("corrupt WebP file: size " + h.width + "x" + h.height);
    }
    return h;
  }

  /** In an extended file: whether the first image bitstream (top level or in the first ANMF frame) is VP8L. */
  private static boolean firstImageIsLossless(byte[] b) {
    long i = 12;
    while (i + 8 <= b.length) {
      String fourcc = new String(b, (int) i, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = le32(b, (int) i + 4);
      if (fourcc.equals("VP8L")) {
        return true;
      }
      if (fourcc.equals("VP8 ")) {
        return false;
      }
      i += fourcc.equals("ANMF") ? 8 + 16 : 8 + size + (size & 1); // into a frame's own chunks, or past a chunk
    }
    return false;
  }

  /**
   * Checks the chunk structure of a complete file before libwebp sees it: every chunk (and every chunk inside an
   * animation frame) within the file, at least one image bitstream, and each VP8 frame's first partition within
   * its chunk. Damage inside the compressed data itself is left to the decoder.
   *
   * @throws ImageDecodeException saying what is wrong
   */
  static void checkStructure(byte[] b) throws ImageDecodeException {
    long end = Math.min(b.length, riffSize(b) + 8);
    if (chunks(b, 12, end, 0) == 0) {
      throw new ImageDecodeException("corrupt WebP file: no VP8 or VP8L image data");
    }
  }

  /** Image chunks found in {@code [from, end)}; throws when a chunk does not fit. */
  private static int chunks(byte[] b, long from, long end, int depth) throws ImageDecodeException {
    int images = 0;
    long i = from;
    while (i + 8 <= end) {
      String fourcc = new String(b, (int) i, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = le32(b, (int) i + 4);
      long payload = i + 8;
      if (payload + size > end) {
        throw new ImageDecodeException("corrupt WebP file: chunk '" + fourcc.strip() + "' of " + size
            + " bytes runs past the end of the file");
      }
      switch (fourcc) {
        case "VP8L" -> images++;
        case "VP8 " -> {
          if (size < 10) {
            throw new ImageDecodeException("corrupt WebP file: VP8 chunk of " + size + " bytes");
          }
          int tag = (b[(int) payload] & 0xff) | ((b[(int) payload + 1] & 0xff) << 8)
              | ((b[(int) payload + 2] & 0xff) << 16);
          long firstPartition = tag >>> 5;
          if ((tag & 1) != 0 || firstPartition > size - 10) {
            throw new ImageDecodeException("corrupt WebP file: bad VP8 frame header");
          }
          images++;
        }
        case "ANMF" -> {
          if (depth > 0 || size < 16) {
            throw new ImageDecodeException("corrupt WebP file: bad animation frame");
          }
          images += chunks(b, payload + 16, payload + size, depth + 1);
        }
        default -> { }
      }
      i = payload + size + (size & 1);
    }
    return images;
  }

  private static int le16(byte[] b, int i) {
    return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
  }

  private static int le24(byte[] b, int i) {
    return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) | ((b[i + 2] & 0xff) << 16);
  }

  private static long le32(byte[] b, int i) {
    return (b[i] & 0xffL) | ((b[i + 1] & 0xffL) << 8) | ((b[i + 2] & 0xffL) << 16) | ((b[i + 3] & 0xffL) << 24);
  }
}
