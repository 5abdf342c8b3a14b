#!/usr/bin/python3
"""Writes a copy of an ImageFolder with every image upscaled (bicubic) to SIZE x SIZE and saved as JPEG.

Used to measure what `preprocessing.mode = fast` costs in accuracy with models that have real weights: the demo's
Fashion-MNIST models take 32x32 inputs, so at 448x448 their JPEGs are decoded at 1/8 scale (56x56) in fast mode.

    /usr/bin/python3 notebooks/upscale_imagefolder.py SRC DST [--size 448] [--quality 90]
    jobs/litescore score --set dataset.path=DST --set dataset.extensions=[jpg] --set run.id=exact
    jobs/litescore score --set dataset.path=DST --set dataset.extensions=[jpg] --set run.id=fast \
        --set model-defaults.preprocessing.mode=fast
"""
import argparse
import os

from PIL import Image


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--size", type=int, default=448)
    ap.add_argument("--quality", type=int, default=90)
    a = ap.parse_args()
    n = 0
    for label in sorted(os.listdir(a.src)):
        folder = os.path.join(a.src, label)
        if not os.path.isdir(folder) or label.startswith((".", "_")):
            continue
        os.makedirs(os.path.join(a.dst, label), exist_ok=True)
        for name in sorted(os.listdir(folder)):
            if name.startswith((".", "_")):
                continue
            with Image.open(os.path.join(folder, name)) as im:
                big = im.convert("RGB").resize((a.size, a.size), Image.BICUBIC)
                big.save(os.path.join(a.dst, label, os.path.splitext(name)[0] + ".jpg"), quality=a.quality)
            n += 1
    print(f"wrote {n} images of {a.size}x{a.size} to {a.dst}")


if __name__ == "__main__":
    main()
