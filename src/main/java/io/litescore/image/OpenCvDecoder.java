package io.litescore.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYDEPTH;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR_RGB;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.nio.ShortBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * OpenCV's {@code imdecode} (bytedeco's build of OpenCV 4.13: libjpeg-turbo 3.1 with its SIMD code, libpng 1.6,
 * libwebp) for JPEG, PNG and WebP. For the files {@link ImageDecoder} gives it the pixels equal PIL's (tests compare
 * them with PIL's on real photos, WebP files made by PIL, and the bad-input corpus against ImageIO). Pixels come out
 * as RGB straight from the codec ({@code IMREAD_COLOR_RGB}: libjpeg-turbo's own RGB output, no channel swap). EXIF
 * orientation and ICC profiles are ignored, as PIL's {@code convert("RGB")} does; grayscale is copied to R=G=B,
 * alpha dropped, 16-bit colour samples keep their high byte. With a factor of 2, 4 or 8 a JPEG is decoded at that
 * fraction of its size in the DCT domain (libjpeg-turbo's scaled IDCT, {@code IMREAD_REDUCED_COLOR_*}):
 * {@code preprocessing.mode = fast}, whose pixels differ from a full decode followed by a resize.
 */
final class OpenCvDecoder {
  private static final Logger LOG = Logger.getLogger(OpenCvDecoder.class.getName());
  private static volatile Boolean available;
  /**
   * JavaCPP's platform extension. Unset, JavaCPP also tries each preset's "-gpu" variant, whose preload list names
   * two dozen CUDA libraries, and looks for each of them, under several names, in every jar of the class path: 24,000
   * class-path resource searches that took 0.6 s of a task's first image on Spark's 280-jar class path, while the
   * other tasks waited for the class initialisation. litescore ships no OpenCV GPU build, so "" (none) unless the
   * JVM sets one.
   */
  static final String JAVACPP_EXTENSION = "org.bytedeco.javacpp.platform.extension";

  private OpenCvDecoder() {}

  /** Whether OpenCV's natives load here; when not, every image goes through ImageIO, and this says so once. */
  static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (OpenCvDecoder.class) {
        if (available == null) {
          try {
            if (System.getProperty(JAVACPP_EXTENSION) == null) {
              System.setProperty(JAVACPP_EXTENSION, "");
            }
            org.bytedeco.javacpp.Loader.load(org.bytedeco.opencv.global.opencv_imgcodecs.class);
            available = true;
          } catch (Throwable t) {
            LOG.log(Level.WARNING, "OpenCV's natives do not load here (" + t + "): decoding with ImageIO (slower; "
                + "preprocessing.mode = fast decodes exactly; lossy WebP differs from PIL by up to tens of levels)",
                t);
            available = false;
          }
        }
        a = available;
      }
    }
    return a;
  }

  /** The whole of {@code bytes} decoded at 1/{@code factor} scale (1 = full size), or null when OpenCV cannot. */
  static RgbImage decode(byte[] bytes, int factor, DecodeBuffers reuse) {
    return decode(bytes, new int[] {0, bytes.length}, factor, reuse);
  }

  /**
   * The stream made of the spans {@code (offset, length)} of {@code bytes} (see {@link PngChunks#spans}), decoded at
   * 1/{@code factor} scale, or null when OpenCV cannot decode it. With {@code reuse} (may be null) the encoded
   * bytes are copied into, and the pixels copied out to, that thread's kept buffers.
   */
  static RgbImage decode(byte[] bytes, int[] spans, int factor, DecodeBuffers reuse) {
    int flags = IMREAD_IGNORE_ORIENTATION | switch (factor) {
      case 1 -> IMREAD_COLOR_RGB;
      // the reduced modes have no RGB variant: BGR, swapped below (small images)
      case 2 -> IMREAD_REDUCED_COLOR_2;
      case 4 -> IMREAD_REDUCED_COLOR_4;
      case 8 -> IMREAD_REDUCED_COLOR_8;
      default -> throw new IllegalArgumentException("Cannot reduce a JPEG by " + factor + ": expected 1, 2, 4 or 8");
    };
    BytePointer data = stream(bytes, spans, reuse);
    try (Mat encoded = new Mat(1, (int) length(bytes, spans), CV_8UC1, data);
        Mat img = imdecode(encoded, flags)) {
      if (img == null || img.empty() || img.channels() != 3 || img.depth() != 0) {
        return null;
      }
      byte[] px = pixels(img, 3, reuse);
      if (factor != 1) {
        for (int i = 0, n = img.cols() * img.rows() * 3; i < n; i += 3) {
          byte b = px[i];
          px[i] = px[i + 2];
          px[i + 2] = b;
        }
      }
      return new RgbImage(img.cols(), img.rows(), px);
    } finally {
      if (reuse == null || !reuse.owns(data)) {
        data.close();
      }
    }
  }

  /**
   * A 16-bit grayscale PNG the way PIL reads it: mode {@code I}, whose {@code convert("RGB")} clips each sample to
   * 255 (it does not take the high byte). Null when OpenCV cannot decode it.
   */
  static RgbImage decodeGray16Clipped(byte[] bytes, int[] spans) {
    try (BytePointer data = stream(bytes, spans, null);
        Mat encoded = new Mat(1, (int) data.capacity(), CV_8UC1, data);
        Mat img = imdecode(encoded, IMREAD_GRAYSCALE | IMREAD_ANYDEPTH | IMREAD_IGNORE_ORIENTATION)) {
      if (img == null || img.empty() || img.channels() != 1 || img.elemSize() != 2) {
        return null;
      }
      int w = img.cols();
      int h = img.rows();
      short[] row = new short[w];
      byte[] px = new byte[w * h * 3];
      for (int y = 0; y < h; y++) {
        ShortBuffer s = img.ptr(y).capacity((long) w * 2).asByteBuffer()
            .order(java.nio.ByteOrder.nativeOrder()).asShortBuffer();
        s.get(row);
        for (int x = 0; x < w; x++) {
          int v = Math.min(row[x] & 0xffff, 255);
          int o = (y * w + x) * 3;
          px[o] = (byte) v;
          px[o + 1] = (byte) v;
          px[o + 2] = (byte) v;
        }
      }
      return new RgbImage(w, h, px);
    }
  }

  private static long length(byte[] bytes, int[] spans) {
    long total = 0;
    for (int i = 1; i < spans.length; i += 2) {
      total += spans[i];
    }
    return total;
  }

  /** The spans of {@code bytes} in one native buffer: {@code reuse}'s kept one, else a new one. */
  private static BytePointer stream(byte[] bytes, int[] spans, DecodeBuffers reuse) {
    long total = length(bytes, spans);
    if (reuse == null && spans.length == 2 && spans[0] == 0 && spans[1] == bytes.length) {
      return new BytePointer(bytes);
    }
    BytePointer p = reuse != null ? reuse.encodedCapacity(total) : new BytePointer(total);
    long at = 0;
    for (int i = 0; i < spans.length; i += 2) {
      p.position(at).put(bytes, spans[i], spans[i + 1]);
      at += spans[i + 1];
    }
    return p.position(0);
  }

  private static byte[] pixels(Mat img, int channels, DecodeBuffers reuse) {
    int w = img.cols();
    int h = img.rows();
    byte[] px = reuse != null ? reuse.pixels(w * h * channels) : new byte[w * h * channels];
    if (img.isContinuous()) {
      img.data().get(px, 0, w * h * channels);
    } else {
      for (int y = 0; y < h; y++) {
        img.ptr(y).get(px, y * w * channels, w * channels);
      }
    }
    return px;
  }
}
