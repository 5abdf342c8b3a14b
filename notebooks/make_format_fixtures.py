#!/usr/bin/python3
"""Makes src/test/resources/formats/: one small file per image format and variant, with what PIL decodes.

Usage (Debian's interpreter, python3-pil 9.4):

    /usr/bin/python3 notebooks/make_format_fixtures.py [--out src/test/resources/formats]

Every file is written by PIL from one 64x48 crop of the reference photo grace_hopper.jpg (public domain, US Navy
photo; see ../reference/photos/photos.json), except the 16-bit PNGs, which are written from a synthetic ramp so
that their low bytes matter. expected.json gives, per file: format/variant, PIL's mode, size, and the sha256 of
`Image.open(f).convert("RGB")`; <stem>.rgb.npy holds those RGB bytes (uint8 [h, w, 3]) so that a decoder whose
pixels differ can be measured (max level difference) without Python. FormatParityTest reads both.
"""
import argparse
import hashlib
import io
import json
import os
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def png16(arr, color_type):
    """A 16-bit PNG written by hand (PIL writes 16-bit only for mode I;16): big-endian samples, filter 0."""
    h, w = arr.shape[:2]
    raw = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "test", "resources", "formats"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    photo = Image.open(os.path.join(ROOT, "src", "test", "resources", "reference", "photos", "grace_hopper.jpg"))
    rgb = photo.convert("RGB").resize((64, 48), Image.BILINEAR)
    rgba = rgb.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize((64, 48)))
    ramp = (np.arange(64 * 48, dtype=np.uint32).reshape(48, 64) * 21 % 65536).astype(np.uint16)

    files = {}

    def save(name, im, fmt, **kw):
        b = io.BytesIO()
        im.save(b, fmt, **kw)
        files[name] = b.getvalue()

    save("jpeg-baseline-420.jpg", rgb, "JPEG", quality=90)
    save("jpeg-baseline-444.jpg", rgb, "JPEG", quality=90, subsampling=0)
    save("jpeg-baseline-422.jpg", rgb, "JPEG", quality=90, subsampling=1)
    save("jpeg-progressive.jpg", rgb, "JPEG", quality=90, progressive=True)
    save("jpeg-gray.jpg", rgb.convert("L"), "JPEG", quality=90)
    save("jpeg-cmyk.jpg", rgb.convert("CMYK"), "JPEG", quality=90)
    save("png-rgb8.png", rgb, "PNG")
    save("png-rgba8.png", rgba, "PNG")
    save("png-gray8.png", rgb.convert("L"), "PNG")
    save("png-gray-alpha8.png", rgba.convert("LA"), "PNG")
    save("png-gray1.png", rgb.convert("1"), "PNG")
    save("png-palette.png", rgb.convert("P", palette=Image.ADAPTIVE, colors=64), "PNG")
    pt = rgb.convert("P", palette=Image.ADAPTIVE, colors=64)
    save("png-palette-trns.png", pt, "PNG", transparency=3)
    files["png-gray16.png"] = png16(ramp, 0)
    files["png-rgb16.png"] = png16(np.stack([ramp, ramp[::-1], ramp[:, ::-1]], -1), 2)
    save("png-apng.png", rgb, "PNG", save_all=True, append_images=[rgb.rotate(180)], duration=100, loop=0)
    save("png-apng-default-image.png", rgb, "PNG", save_all=True, append_images=[rgb.rotate(180), rgb.rotate(90)],
         duration=100, default_image=True)
    save("gif.gif", rgb.convert("P", palette=Image.ADAPTIVE, colors=64), "GIF")
    frames = [rgb.convert("P", palette=Image.ADAPTIVE), rgb.rotate(90).convert("P", palette=Image.ADAPTIVE)]
    save("gif-animated.gif", frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    save("bmp-rgb24.bmp", rgb, "BMP")
    save("bmp-palette8.bmp", rgb.convert("P", palette=Image.ADAPTIVE, colors=64), "BMP")
    save("tiff-rgb.tif", rgb, "TIFF")
    save("tiff-lzw.tif", rgb, "TIFF", compression="tiff_lzw")
    save("tiff-deflate.tif", rgb, "TIFF", compression="tiff_adobe_deflate")
    save("tiff-gray.tif", rgb.convert("L"), "TIFF")
    save("tiff-rgba.tif", rgba, "TIFF")

    # files made elsewhere and kept in the folder: jpeg-ycck-jdk.jpg and jpeg-cmyk-jdk.jpg, Adobe YCCK and CMYK JPEGs
    # that PIL cannot write (BadInputCorpus.adobeJpeg, the JDK's JPEG writer): PIL's decoding of them is recorded too
    for name in sorted(os.listdir(args.out)):
        if name.endswith("-jdk.jpg") and name not in files:
            with open(os.path.join(args.out, name), "rb") as f:
                files[name] = f.read()
    expected = {}
    for name, data in sorted(files.items()):
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        im = Image.open(io.BytesIO(data))
        mode, fmt = im.mode, im.format
        px = np.asarray(im.convert("RGB"))
        stem = name.rsplit(".", 1)[0]
        np.save(os.path.join(args.out, stem + ".rgb.npy"), px)
        expected[name] = {"format": fmt, "mode": mode, "width": px.shape[1], "height": px.shape[0],
                          "rgb_sha256": hashlib.sha256(px.tobytes()).hexdigest(), "rgb_npy": stem + ".rgb.npy"}
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", len(expected), "files")


if __name__ == "__main__":
    main()
