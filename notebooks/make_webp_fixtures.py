#!/usr/bin/python3
"""Makes the WebP test fixtures in src/test/resources/webp/ from the project's reference photos, with PIL.

Usage (Debian's interpreter: python3-pil 9.4 with libwebp 1.2.4, python3-torch, python3-torchvision):

    /usr/bin/python3 notebooks/make_webp_fixtures.py [--out src/test/resources/webp]

Writes, each from a reference photo in src/test/resources/reference/photos/ shrunk with PIL (so the files stay
a few KB):
- lossless.webp (VP8L), lossless-alpha.webp (VP8L with an alpha gradient), lossy.webp (VP8 quality 80),
  lossy-alpha.webp (VP8X + ALPH + VP8), animated.webp (3 lossy frames of different photos; libwebp may store the
  later ones as sub-rectangles), animated-lossless.webp (2 lossless frames);
- expected.json: per file, what PIL 9.4 gives for `Image.open(f).convert("RGB")` (the first frame of an animated
  file): size, mode before convert, frame count, sha256 of the RGB bytes, and sha256 of the float32
  little-endian tensor of torchvision's Resize(256)+CenterCrop(224)+ToTensor+Normalize(ImageNet);
- <stem>.rgb.npy: PIL's decoded RGB as a uint8 [h, w, 3] .npy, so that a lossy decode can be compared pixel by
  pixel (within a few levels) without Python.
Run it again and the files come out the same (libwebp's encoder is deterministic for the same input and version).
"""
import argparse
import hashlib
import io
import json
import os

import numpy as np
from PIL import Image
from torchvision import transforms

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(ROOT, "src", "test", "resources", "reference", "photos")
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
TRANSFORM = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                transforms.Normalize(MEAN, STD)])


def photo(name, width):
    im = Image.open(os.path.join(PHOTOS, name)).convert("RGB")
    return im.resize((width, round(im.height * width / im.width)), Image.BILINEAR)


def with_alpha(im):
    a = Image.linear_gradient("L").resize(im.size)
    out = im.convert("RGBA")
    out.putalpha(a)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "test", "resources", "webp"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    files = {}
    files["lossless.webp"] = lambda f: photo("chelsea.png", 150).save(f, "WEBP", lossless=True, method=4)
    files["lossless-alpha.webp"] = lambda f: with_alpha(photo("baboon.jpg", 96)).save(
        f, "WEBP", lossless=True, method=4, exact=True)
    files["lossy.webp"] = lambda f: photo("grace_hopper.jpg", 160).save(f, "WEBP", quality=80, method=4)
    files["lossy-alpha.webp"] = lambda f: with_alpha(photo("home.jpg", 120)).save(f, "WEBP", quality=80, method=4)

    def animated(f):
        a = photo("chelsea.png", 120)
        b = photo("hubble_deep_field.jpg", 120).resize(a.size)
        c = photo("baboon.jpg", 120).resize(a.size)
        a.save(f, "WEBP", save_all=True, append_images=[b, c], duration=[100, 100, 100], loop=0, quality=75,
               method=4, minimize_size=True)

    def animated_lossless(f):
        a = photo("camera.png", 64)
        b = photo("home.jpg", 64).resize(a.size)
        a.save(f, "WEBP", save_all=True, append_images=[b], duration=100, loop=0, lossless=True)

    files["animated.webp"] = animated
    files["animated-lossless.webp"] = animated_lossless

    expected = {}
    for name, make in files.items():
        path = os.path.join(args.out, name)
        buf = io.BytesIO()
        make(buf)
        with open(path, "wb") as f:
            f.write(buf.getvalue())
        im = Image.open(path)
        mode, frames = im.mode, getattr(im, "n_frames", 1)
        rgb = im.convert("RGB")
        px = np.asarray(rgb)
        tensor = TRANSFORM(rgb).numpy().astype("<f4")
        stem = name[: -len(".webp")]
        np.save(os.path.join(args.out, stem + ".rgb.npy"), px)
        expected[name] = {
            "width": rgb.width, "height": rgb.height, "mode": mode, "frames": frames,
            "bytes": len(buf.getvalue()),
            "rgb_sha256": hashlib.sha256(px.tobytes()).hexdigest(),
            "tensor_sha256": hashlib.sha256(tensor.tobytes()).hexdigest(),
            "rgb_npy": stem + ".rgb.npy",
        }
        print(name, expected[name])
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"made_with": "Pillow %s, libwebp %s" % (Image.__version__, _webp_version()),
                   "files": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


def _webp_version():
    from PIL import features
    return features.version("webp")


if __name__ == "__main__":
    main()
