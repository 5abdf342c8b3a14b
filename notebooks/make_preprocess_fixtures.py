#!/usr/bin/python3
"""Makes src/test/resources/preprocess/: odd-sized PNGs and torchvision's tensors for them, as sha256.

Usage (Debian's interpreter: python3-pil 9.4, python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 notebooks/make_preprocess_fixtures.py [--out src/test/resources/preprocess]

Each image is a deterministic pattern (gradients plus seeded noise, numpy seed 0) saved as an 8-bit RGB PNG, so
decoding is exact and only the preprocessing is under test: 1xN and Nx1 strips, images smaller than the resize
(upscaling), exactly the resize size on one side (Pillow skips that pass), tall and wide ones, a crop equal to the
resize. expected.json gives, per image and per (resize, crop), the sha256 of the float32 little-endian tensor of
Resize(resize) + CenterCrop(crop) + ToTensor() + Normalize(ImageNet mean/std), and of the uint8 crop.
"""
import argparse
import hashlib
import json
import os

import numpy as np
from PIL import Image
from torchvision import transforms

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
SIZES = [(1, 9), (9, 1), (3, 3), (37, 23), (23, 37), (256, 300), (300, 256), (224, 224), (230, 51), (48, 210),
         (511, 97), (97, 400)]
SETTINGS = [(256, 224), (232, 224), (224, 224), (32, 28), (57, 31)]


def pattern(w, h, rng):
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255.0 / max(w - 1, 1), y * 255.0 / max(h - 1, 1), (x + y) * 127.0 / max(w + h - 2, 1)], -1)
    noise = rng.integers(-40, 41, size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "test", "resources", "preprocess"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(0)
    expected = {}
    for w, h in SIZES:
        name = "p%dx%d.png" % (w, h)
        Image.fromarray(pattern(w, h, rng), "RGB").save(os.path.join(args.out, name), optimize=True)
        img = Image.open(os.path.join(args.out, name)).convert("RGB")
        per = {}
        for resize, crop in SETTINGS:
            t = transforms.Compose([transforms.Resize(resize), transforms.CenterCrop(crop)])
            cropped = t(img)
            tensor = transforms.Normalize(MEAN, STD)(transforms.ToTensor()(cropped)).numpy().astype("<f4")
            per["%d/%d" % (resize, crop)] = {
                "crop_uint8_sha256": hashlib.sha256(np.asarray(cropped).tobytes()).hexdigest(),
                "tensor_sha256": hashlib.sha256(tensor.tobytes()).hexdigest(),
            }
        expected[name] = per
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", len(expected), "images to", args.out)


if __name__ == "__main__":
    main()
