#!/usr/bin/python3
"""Fashion-MNIST with PyTorch: writes the bundled demo's image sample, and trains a PyTorch baseline.

The demo's image sample (step 1) comes from this script. The demo's *models* do not: they are trained in Java
with `litescore train` (notebooks/train_fashion_mnist.sh). The TorchScript models of step 2 are a PyTorch
baseline, written to /tmp/fmnist-pytorch (override with LITESCORE_PYTORCH_OUT), that `score` can run beside the
Java-trained ones ({ name, uri = ".../fmnist_mobilenet_v3_small.pt", labels = ".../fashion_mnist.labels",
preprocessing { resize = 32, crop = 32, mean = [0.2860,0.2860,0.2860], std = [0.3530,0.3530,0.3530] } }).

What it does
------------
1. Writes the demo image sample: the first 100 images of each class of the
   Fashion-MNIST *test* split (t10k), in t10k order, as 8-bit grayscale PNGs
   (PIL mode "L") to

       src/main/resources/litescore/demo/fashion-mnist/<class>/t10k-<index>.png

   (<index> = 5-digit position in t10k; 1000 files) plus a LICENSE.txt there.
2. Trains torchvision ``mobilenet_v3_small(num_classes=10)`` and
   ``shufflenet_v2_x0_5(num_classes=10)`` from scratch (no pretrained weights)
   on the 60k train split.  Train and test images go through exactly the
   pipeline the Java side reproduces:

       Image.fromarray(u8, "L").convert("RGB") -> Resize(S) (PIL bilinear)
       -> CenterCrop(S) -> ToTensor() -> Normalize(mean=0.2860, std=0.3530)

   with S = 32 by default.  The transformed tensors are computed once;
   augmentation (random horizontal flip, random crop with 2 px padding) is
   applied to those tensors per batch.
3. Exports each model in eval mode with ``torch.jit.script`` (falling back to
   ``torch.jit.trace``) to

       $LITESCORE_PYTORCH_OUT/fmnist_mobilenet_v3_small.pt   (default /tmp/fmnist-pytorch)
       $LITESCORE_PYTORCH_OUT/fmnist_shufflenet_v2_x0_5.pt

   (raw logits [N, 10]), writes ``fashion_mnist.labels`` (class names, one per
   line, index order) and ``models.json`` (preprocessing, training and
   evaluation metadata, sha256 of each .pt), then reloads each .pt and checks
   that its logits match the eager model.

How to run
----------
From the repository root, with Debian's Python and packages
(``apt-get install python3-torch python3-torchvision dataset-fashion-mnist``;
``libopenblas0-pthread`` is optional but makes training noticeably faster than
the reference BLAS):

    /usr/bin/python3 notebooks/pytorch_baseline_fashion_mnist.py

Options: ``--budget-seconds`` (per-model training budget), ``--mobilenet-size``
/ ``--shufflenet-size`` (input size S), ``--seed``, ``--data-dir``.

CPU budget
----------
Runs on CPU only with ``torch.set_num_threads(2)``.  The wall time of the
first epoch of each model is measured and the number of epochs is chosen so
that each model trains in at most ~8 minutes of wall time (default budget
450 s; the plan is shortened if later epochs run slower).  With the data
preparation and evaluation the whole script takes about 17-20 minutes on 2
cores.  Optimizer: SGD, Nesterov momentum 0.9, peak lr 0.1, batch 128, weight
decay 5e-5 (not on BN/bias), warm-up in epoch 1, cosine decay afterwards.
Because the epoch count depends on how fast (and how busy) the machine is,
results are reproducible in recipe, not bit for bit; models.json records the
epochs, wall time and accuracy of the bundled models.

Data licence
------------
Fashion-MNIST, Copyright (c) 2017 Zalando SE (Zalando Research),
https://github.com/zalandoresearch/fashion-mnist, is distributed under the
MIT (Expat) licence; the copy used here comes from the Debian package
``dataset-fashion-mnist`` (/usr/share/datasets/fashion-mnist).  The bundled
sample PNGs and the models trained on the data are accompanied by that licence
(see the LICENSE.txt written next to the sample).
"""

import argparse
import gzip
import hashlib
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image
from torchvision import transforms

CLASS_NAMES = [
    "tshirt_top", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle_boot",
]
MEAN = [0.2860, 0.2860, 0.2860]
STD = [0.3530, 0.3530, 0.3530]
SAMPLES_PER_CLASS = 100
SIZE_LIMIT_BYTES = 8 * 1024 * 1024  # both .pt files together (8 MiB)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_DIR = os.path.join(REPO_ROOT, "src", "main", "resources", "litescore", "demo")
SAMPLE_DIR = os.path.join(DEMO_DIR, "fashion-mnist")
MODEL_DIR = os.environ.get("LITESCORE_PYTORCH_OUT", "/tmp/fmnist-pytorch")

LICENSE_TEXT = """\
Fashion-MNIST sample images
===========================

The images in this directory are the first 100 images of each class of the
Fashion-MNIST test split (t10k), stored as 8-bit grayscale PNGs named
t10k-<index>.png, where <index> is the image's position in the t10k split.
They were written by notebooks/train_demo_models.py.

Dataset:  Fashion-MNIST, Zalando Research
          https://github.com/zalandoresearch/fashion-mnist
          Han Xiao, Kashif Rasul, Roland Vollgraf, "Fashion-MNIST: a Novel
          Image Dataset for Benchmarking Machine Learning Algorithms",
          arXiv:1708.07747, 2017.
Source:   Debian package dataset-fashion-mnist
          (/usr/share/datasets/fashion-mnist/t10k-*-ubyte.gz)
Licence:  MIT (Expat)

Copyright (c) 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def log(msg):
    print(msg, flush=True)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 0x803:
            raise ValueError(f"{path}: bad image magic {magic:#x}")
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if data.size != n * rows * cols:
        raise ValueError(f"{path}: expected {n * rows * cols} bytes, got {data.size}")
    return data.reshape(n, rows, cols)


def read_idx_labels(path):
    with gzip.open(path, "rb") as f:
        magic, n = struct.unpack(">II", f.read(8))
        if magic != 0x801:
            raise ValueError(f"{path}: bad label magic {magic:#x}")
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if data.size != n:
        raise ValueError(f"{path}: expected {n} labels, got {data.size}")
    return data


def load_split(data_dir, split):
    images = read_idx_images(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx_labels(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    if len(images) != len(labels):
        raise ValueError(f"{split}: {len(images)} images but {len(labels)} labels")
    return images, labels


def eval_transform(size):
    return transforms.Compose([
        transforms.Resize(size),  # PIL bilinear (torchvision default)
        transforms.CenterCrop(size),
        transforms.ToTensor(),
        transforms.Normalize(mean=MEAN, std=STD),
    ])


def to_tensor_dataset(images, size):
    """Apply the exact per-image inference pipeline once to every image."""
    tf = eval_transform(size)
    out = torch.empty((len(images), 3, size, size), dtype=torch.float32)
    for i, u8 in enumerate(images):
        out[i] = tf(Image.fromarray(u8, "L").convert("RGB"))
    return out


def write_sample(test_images, test_labels):
    """First SAMPLES_PER_CLASS t10k images of each class, in t10k order."""
    os.makedirs(SAMPLE_DIR, exist_ok=True)
    written = 0
    for cls, name in enumerate(CLASS_NAMES):
        cls_dir = os.path.join(SAMPLE_DIR, name)
        os.makedirs(cls_dir, exist_ok=True)
        indices = np.flatnonzero(test_labels == cls)[:SAMPLES_PER_CLASS]
        if len(indices) != SAMPLES_PER_CLASS:
            raise ValueError(f"class {name}: only {len(indices)} test images")
        for idx in indices:
            Image.fromarray(test_images[idx], "L").save(
                os.path.join(cls_dir, f"t10k-{idx:05d}.png"))
            written += 1
    with open(os.path.join(SAMPLE_DIR, "LICENSE.txt"), "w", encoding="utf-8") as f:
        f.write(LICENSE_TEXT)
    log(f"sample: wrote {written} PNGs + LICENSE.txt under {SAMPLE_DIR}")


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------

def augment(x, pad_value, max_pad=2):
    """Random horizontal flip + random crop (zero-mean-shifted black padding)."""
    n, _, h, w = x.shape
    flip = torch.rand(n) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (max_pad,) * 4, value=pad_value)
    dy = torch.randint(0, 2 * max_pad + 1, (n,))
    dx = torch.randint(0, 2 * max_pad + 1, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, None, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, None, :]
    b = torch.arange(n)[:, None, None, None]
    c = torch.arange(x.shape[1])[None, :, None, None]
    return padded[b, c, rows, cols]


@torch.no_grad()
def predict(model, x, batch_size=500):
    model.eval()
    outs = []
    for i in range(0, len(x), batch_size):
        outs.append(model(x[i:i + batch_size].contiguous(memory_format=torch.channels_last)))
    return torch.cat(outs)


def topk_accuracy(logits, labels):
    top5 = logits.topk(5, dim=1).indices
    top1 = (top5[:, 0] == labels).float().mean().item()
    top5 = (top5 == labels[:, None]).any(dim=1).float().mean().item()
    return top1, top5


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for p in model.parameters():
        (decay if p.ndim > 1 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def train(model, x_train, y_train, x_test, y_test, budget_s, max_epochs,
          batch_size=128, peak_lr=0.1, weight_decay=5e-5, warmup_frac=0.2):
    """SGD (Nesterov momentum) with a budget-driven schedule.

    Epoch 1: linear warm-up over its first ``warmup_frac``, then the peak rate.
    Its wall time (including the test evaluation) fixes the number of epochs
    that fit into ``budget_s``; epochs 2..E decay the rate to 0 on a cosine.
    If later epochs run slower than the first (a busy machine), the plan is
    shortened so that training stays within the budget.
    """
    model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(param_groups(model, weight_decay), lr=peak_lr,
                          momentum=0.9, nesterov=True)
    pad_value = (0.0 - MEAN[0]) / STD[0]  # normalized black
    n = len(x_train)
    steps_per_epoch = math.ceil(n / batch_size)
    warmup_steps = max(1, int(warmup_frac * steps_per_epoch))
    epochs = None
    t_start = t_epoch = time.time()
    epoch = 0
    while epochs is None or epoch < epochs:
        model.train()
        perm = torch.randperm(n)
        loss_sum, correct = 0.0, 0
        for step in range(steps_per_epoch):
            if epoch == 0:
                lr = peak_lr * min(1.0, (step + 1) / warmup_steps)
            else:
                t = ((epoch - 1) * steps_per_epoch + step) / ((epochs - 1) * steps_per_epoch)
                lr = 0.5 * peak_lr * (1.0 + math.cos(math.pi * t))
            for g in opt.param_groups:
                g["lr"] = lr
            idx = perm[step * batch_size:(step + 1) * batch_size]
            xb = augment(x_train[idx], pad_value).contiguous(memory_format=torch.channels_last)
            yb = y_train[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        test_top1, _ = topk_accuracy(predict(model, x_test), y_test)
        now = time.time()
        elapsed, epoch_s, t_epoch = now - t_start, now - t_epoch, now
        epoch += 1
        if epochs is None:
            epochs = max(2, min(max_epochs, int(budget_s // elapsed)))
            log(f"  first epoch took {elapsed:.1f}s -> training for {epochs} epochs "
                f"(budget {budget_s:.0f}s)")
        elif epoch < epochs:
            fit = epoch + int(max(0.0, budget_s - elapsed) // epoch_s)
            if fit < epochs:
                log(f"  epoch {epoch} took {epoch_s:.0f}s; shortening plan "
                    f"from {epochs} to {max(2, fit)} epochs to stay within budget")
                epochs = max(2, fit)
        log(f"  epoch {epoch:2d}/{epochs}  loss {loss_sum / n:.4f}  "
            f"train acc {correct / n:.4f}  test top-1 {test_top1:.4f}  "
            f"lr {lr:.4f}  [{elapsed:.0f}s]")
    wall = time.time() - t_start
    return model.to(memory_format=torch.contiguous_format).eval(), epochs, wall


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------

def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(model, path, size):
    model.eval()
    try:
        ts = torch.jit.script(model)
        method = "script"
    except Exception as e:  # pragma: no cover - depends on torchvision version
        log(f"  torch.jit.script failed ({e!r}); falling back to torch.jit.trace")
        ts = torch.jit.trace(model, torch.zeros(1, 3, size, size))
        method = "trace"
    ts.save(path)
    return method


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--budget-seconds", type=float, default=450.0,
                    help="per-model training wall-time budget (default 450)")
    ap.add_argument("--max-epochs", type=int, default=30)
    ap.add_argument("--mobilenet-size", type=int, default=32)
    ap.add_argument("--shufflenet-size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()

    torch.set_num_threads(2)
    log(f"python {sys.version.split()[0]}, torch {torch.__version__}, "
        f"torchvision {torchvision.__version__}, threads {torch.get_num_threads()}")

    train_images, train_labels = load_split(args.data_dir, "train")
    test_images, test_labels = load_split(args.data_dir, "t10k")
    log(f"data: train {train_images.shape}, t10k {test_images.shape}")

    write_sample(test_images, test_labels)

    os.makedirs(MODEL_DIR, exist_ok=True)
    with open(os.path.join(MODEL_DIR, "fashion_mnist.labels"), "w", encoding="utf-8") as f:
        f.write("\n".join(CLASS_NAMES) + "\n")

    y_train = torch.from_numpy(train_labels.astype(np.int64))
    y_test = torch.from_numpy(test_labels.astype(np.int64))

    specs = [
        ("fmnist_mobilenet_v3_small", "mobilenet_v3_small", args.mobilenet_size),
        ("fmnist_shufflenet_v2_x0_5", "shufflenet_v2_x0_5", args.shufflenet_size),
    ]
    tensors = {}
    meta = {}
    for name, arch, size in specs:
        if size not in tensors:
            t0 = time.time()
            tensors[size] = (to_tensor_dataset(train_images, size),
                             to_tensor_dataset(test_images, size))
            log(f"preprocessed train/test at {size}x{size} in {time.time() - t0:.1f}s")
        x_train, x_test = tensors[size]

        torch.manual_seed(args.seed)
        model = getattr(torchvision.models, arch)(num_classes=10)
        params = sum(p.numel() for p in model.parameters())
        log(f"{name}: {arch}(num_classes=10), {params} params, input {size}x{size}")
        model, epochs, wall = train(model, x_train, y_train, x_test, y_test,
                                    args.budget_seconds, args.max_epochs)
        logits = predict(model, x_test)
        top1, top5 = topk_accuracy(logits, y_test)
        log(f"  final test top-1 {top1:.4f}  top-5 {top5:.4f}  ({wall:.0f}s)")
        if top1 < 0.85:
            log(f"  WARNING: test top-1 {top1:.4f} < 0.85 at input {size}")

        path = os.path.join(MODEL_DIR, f"{name}.pt")
        method = export(model, path, size)
        loaded = torch.jit.load(path)
        loaded.eval()
        with torch.no_grad():
            probe = x_test[:16]
            diff = (loaded(probe) - model(probe)).abs().max().item()
        log(f"  exported ({method}) {path}: {os.path.getsize(path)} bytes, "
            f"reloaded max |logit diff| on 16 test images = {diff:.3g}")
        if not diff < 1e-5:
            raise SystemExit(f"{name}: TorchScript logits differ from eager ({diff})")

        meta[name] = {
            "file": f"{name}.pt",
            "arch": f"torchvision.models.{arch}",
            "num_classes": 10,
            "labels": "fashion_mnist.labels",
            "input_size": {"resize": size, "crop": size},
            "input_pipeline": (f"PIL L->RGB, Resize({size}, bilinear), CenterCrop({size}), "
                               "ToTensor, Normalize(mean, std); NCHW float32"),
            "mean": MEAN,
            "std": STD,
            "output": "raw logits [N, 10]",
            "export": f"torch.jit.{method}",
            "epochs": epochs,
            "train_wall_seconds": round(wall, 1),
            "test_top1": round(top1, 4),
            "test_top5": round(top5, 4),
            "test_split": "fashion-mnist t10k (10000 images)",
            "params": params,
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "size_bytes": os.path.getsize(path),
            "sha256": sha256_of(path),
        }
        del model, loaded

    total = sum(m["size_bytes"] for m in meta.values())
    log(f"total .pt size {total} bytes = {total / 2**20:.2f} MiB (limit {SIZE_LIMIT_BYTES} bytes)")
    if total >= SIZE_LIMIT_BYTES:
        raise SystemExit(f"model files too large: {total} bytes")

    doc = {
        "dataset": "Fashion-MNIST (Zalando Research, MIT/Expat licence), "
                   "Debian package dataset-fashion-mnist",
        "classes": CLASS_NAMES,
        "recipe": "notebooks/train_demo_models.py",
        "models": meta,
    }
    with open(os.path.join(MODEL_DIR, "models.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    log(f"wrote {os.path.join(MODEL_DIR, 'models.json')}")


if __name__ == "__main__":
    main()
