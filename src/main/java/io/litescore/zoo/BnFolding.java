package io.litescore.zoo;

/**
 * Folds an inference-mode BatchNorm into the convolution before it:
 * {@code w' = w * gamma / sqrt(var + eps)} per output channel and {@code b' = (b - mean) * gamma / sqrt(var + eps)
 * + beta}. Pure arithmetic (in double, rounded once to float), no framework types.
 */
public final class BnFolding {
  private BnFolding() {}

  /** Returns {@code {weight', bias'}}; {@code convBias} may be null (no bias, i.e. zero). */
  public static Tensor[] fold(Tensor weight, Tensor convBias, Tensor gamma, Tensor beta, Tensor mean, Tensor var,
      double eps) {
    int out = (int) weight.shape()[0];
    int per = weight.data().length / out;
    float[] w = new float[weight.data().length];
    float[] b = new float[out];
    for (int o = 0; o < out; o++) {
      double scale = gamma.data()[o] / Math.sqrt(var.data()[o] + eps);
      for (int i = 0; i < per; i++) {
        w[o * per + i] = (float) (weight.data()[o * per + i] * scale);
      }
      double cb = convBias == null ? 0 : convBias.data()[o];
      b[o] = (float) ((cb - mean.data()[o]) * scale + beta.data()[o]);
    }
    return new Tensor[] {new Tensor(weight.shape(), w), new Tensor(new long[] {out}, b)};
  }
}
