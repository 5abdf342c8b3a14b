package io.litescore.image;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * What of a PNG file goes to libpng. libpng reports problems with a file by printing {@code libpng warning: ...}
 * or {@code libpng error: ...} to the process's stderr (OpenCV leaves its default handlers in place), once per image
 * and invisible to the job's log. Its messages come from ancillary chunks (an sRGB-mismatched or malformed
 * {@code iCCP}, text chunks, ...) and from damaged streams (bad CRC, truncation, unknown critical chunks). So libpng
 * gets only the chunks that make the pixels, {@code IHDR PLTE IDAT IEND} (PIL's {@code convert("RGB")} ignores ICC
 * profiles, gamma, transparency and the rest too), and only when the chunk structure is sound and their CRCs are
 * right; anything else goes to ImageIO, which decodes or refuses it with its own message. What was dropped is logged
 * at FINE (debug).
 *
 * @param spans {@code (offset, length)} pairs of the bytes to give libpng, in order
 * @param dropped the types of the chunks left out
 * @param bitDepth IHDR bit depth
 * @param colorType IHDR colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA)
 */
record PngChunks(int[] spans, List<String> dropped, int bitDepth, int colorType) {

  /**
   * The chunks to decode, or null when the file is not a sound PNG: a chunk runs past the end, a chunk type is not
   * four letters, a kept chunk's CRC is wrong, IHDR is not first, or no IEND.
   */
  static PngChunks of(byte[] b) {
    if (ImageDecoder.pngSize(b) == null) {
      return null;
    }
    List<Integer> spans = new ArrayList<>();
    List<String> dropped = new ArrayList<>(0);
    spans.add(0);
    spans.add(8);
    int i = 8;
    int bitDepth = -1;
    int colorType = -1;
    CRC32 crc = new CRC32();
    while (true) {
      if (i + 12 > b.length) {
        return null; // truncated: no IEND
      }
      long length = ((b[i] & 0xffL) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (length > b.length - i - 12L) {
        return null;
      }
      int len = (int) length;
      for (int k = 4; k < 8; k++) {
        int c = b[i + k] & 0xff;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
          return null;
        }
      }
      String type = new String(b, i + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      boolean first = i == 8;
      if (first != type.equals("IHDR")) {
        return null;
      }
      boolean keep = switch (type) {
        case "IHDR", "PLTE", "IDAT", "IEND" -> true;
        default -> false;
      };
      if (keep) {
        crc.reset();
        crc.update(b, i + 4, 4 + len);
        int stored = ((b[i + 8 + len] & 0xff) << 24) | ((b[i + 9 + len] & 0xff) << 16)
            | ((b[i + 10 + len] & 0xff) << 8) | (b[i + 11 + len] & 0xff);
        if ((int) crc.getValue() != stored) {
          return null;
        }
        if (first) {
          if (len < 13) {
            return null;
          }
          bitDepth = b[i + 16] & 0xff;
          colorType = b[i + 17] & 0xff;
        }
        int last = spans.size() - 2;
        if (spans.get(last) + spans.get(last + 1) == i) {
          spans.set(last + 1, spans.get(last + 1) + 12 + len); // contiguous with the previous span
        } else {
          spans.add(i);
          spans.add(12 + len);
        }
      } else {
        dropped.add(type);
      }
      i += 12 + len;
      if (type.equals("IEND")) {
        break;
      }
    }
    int[] out = new int[spans.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = spans.get(k);
    }
    return new PngChunks(out, dropped, bitDepth, colorType);
  }

  /** A 16-bit grayscale image without alpha: PIL's mode {@code I}, clipped (not shifted) to 8 bits. */
  boolean gray16() {
    return colorType == 0 && bitDepth == 16;
  }
}
