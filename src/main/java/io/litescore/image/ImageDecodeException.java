package io.litescore.image;

/** An image that cannot be turned into RGB pixels; the message is the reason written to the error column. */
public class ImageDecodeException extends Exception {
  public ImageDecodeException(String reason) {
    super(reason);
  }

  public ImageDecodeException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
