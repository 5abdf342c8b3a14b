"""Writes the tiny TorchScript test models used by litescore's Spark tests.

channel_mean.pt: logits = per-channel mean of the normalised input, so a solid red, green or blue image is
classified as "red", "green" or "blue" with certainty. Predictions are known by construction, which lets the
tests compare metrics with hand-computed values.

flatten_mean.pt: ChannelMean computed through x.view(batch, -1), which only a contiguous (NCHW) input allows: a
model that cannot take the channels-last batches litescore gives TorchScript models on the CPU, so the tests see
it fall back to NCHW and still score right.

channel_swap.pt: a Linear(3, 3) (12 parameters) on the channel means whose weight swaps green and blue, so green
images are classified "blue" and blue ones "green" (same labels file): a second model with known mistakes, for the
compare job's tests.

Run with Debian's torch: /usr/bin/python3 notebooks/make_test_models.py
"""
import os

import torch
from torch import nn


class ChannelMean(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))


class FailsOnBigBatch(nn.Module):
    """Like ChannelMean, but raises for batches of more than 2 images: a model that breaks mid-run (the dry run
    uses one image), to test that a failed run publishes nothing."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] > 2:
            raise RuntimeError("simulated failure for a batch of more than 2 images")
        return x.mean(dim=(2, 3))


class FlattenMean(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        return x.view(n, -1).view(n, 3, -1).mean(dim=2)


class ChannelSwap(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))
            self.fc.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.mean(dim=(2, 3)))


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "models")
    os.makedirs(out, exist_ok=True)
    torch.jit.script(ChannelMean().eval()).save(os.path.join(out, "channel_mean.pt"))
    torch.jit.script(FailsOnBigBatch().eval()).save(os.path.join(out, "fails_on_big_batch.pt"))
    torch.jit.script(FlattenMean().eval()).save(os.path.join(out, "flatten_mean.pt"))
    torch.jit.script(ChannelSwap().eval()).save(os.path.join(out, "channel_swap.pt"))
    with open(os.path.join(out, "channel_mean.labels"), "w") as f:
        f.write("red\ngreen\nblue\n")
    print("wrote", out)
