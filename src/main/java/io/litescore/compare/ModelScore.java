package io.litescore.compare;

/**
 * One (run, model) as the {@code metrics} table of a score run records it.
 *
 * @param params parameters of the network as it was scored; null when the run did not record it
 * @param modelBytes size of the model file (TorchScript) or weights file (zoo models); null when not recorded
 */
public record ModelScore(String runId, String model, String dataset, long images, long scored, long failed,
    Double top1, Double top5, Double meanClassAccuracy, double imagesPerSecond, double wallSeconds, Long params,
    Long modelBytes, String modelSha256, Integer batchSize, Integer threads, String device) {}
