#!/usr/bin/python3
"""Decode and preprocess ms/img: PIL + torchvision next to litescore's Java side, on the same files, in one run.

Usage (Debian's interpreter, with python3-pil, python3-torch and python3-torchvision; build the Java side first
with `mvn -o -q -B package -DskipTests`, which fills target/classes and target/lib):

    /usr/bin/python3 notebooks/pil_stage_timing.py --images DIR [--java] [--check] [--repeat 2] [--rounds 3]
        [--warmup 1] [--resize 256] [--crop 224] [--json FILE]

What it measures, one thread, every file's bytes read into memory first:
- decode: `Image.open(io.BytesIO(b)).convert("RGB")` (PIL), `ImageDecoder.decode(bytes, 0)` (Java);
- preprocess: `Resize(resize) + CenterCrop(crop) + ToTensor() + Normalize(ImageNet)` on the decoded image
  (torchvision, torch.set_num_threads(1)), `Preprocessing.apply(img, directFloatBuffer, 0)` (Java).
Each side runs `warmup` rounds over all files that are not counted, then `rounds` that are; ms/img is the total
time over the counted rounds / (images x rounds), wall clock, with thread CPU time beside it. With --java the Java
side (`io.litescore.image.StageTiming`, its own JVM) and the Python side run one after the other, `repeat` times
alternating, and the ratios Java / Python come from the same run: compare speeds only that way.

--check: both sides also hash every file's decoded RGB bytes and float32 tensor, and the script counts the files
where they differ (decoded pixels, and tensors, bit for bit).
"""
import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_images(root):
    out = []
    for d, _, files in os.walk(root):
        out.extend(os.path.join(d, f) for f in files if f.lower().endswith(EXTENSIONS))
    return sorted(out)


def fmt(b):
    if b[:2] == b"\xff\xd8":
        return "jpeg"
    if b[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return "webp"
    return "other"


def python_side(paths, blobs, resize, crop, warmup, rounds):
    torch.set_num_threads(1)
    transform = transforms.Compose([transforms.Resize(resize), transforms.CenterCrop(crop), transforms.ToTensor(),
                                    transforms.Normalize(MEAN, STD)])
    stats = {k: [0, 0.0, 0.0] for k in ("decode", "preprocess", "decode_jpeg", "decode_png", "decode_webp",
                                        "decode_other")}
    formats = [fmt(b) for b in blobs]
    bad = set()
    for r in range(warmup + rounds):
        counted = r >= warmup
        for i, b in enumerate(blobs):
            if i in bad:
                continue
            c0, t0 = time.thread_time(), time.perf_counter()
            try:
                img = Image.open(io.BytesIO(b)).convert("RGB")
            except Exception:  # noqa: BLE001  (PIL raises many kinds)
                bad.add(i)
                continue
            t1, c1 = time.perf_counter(), time.thread_time()
            transform(img)
            t2, c2 = time.perf_counter(), time.thread_time()
            if counted:
                for k, dt, dc in (("decode", t1 - t0, c1 - c0), ("decode_" + formats[i], t1 - t0, c1 - c0),
                                  ("preprocess", t2 - t1, c2 - c1)):
                    stats[k][0] += 1
                    stats[k][1] += dt
                    stats[k][2] += dc
    out = {"files": len(blobs), "failed": len(bad), "rounds": rounds}
    for k, (n, wall, cpu) in stats.items():
        if n:
            out[k] = {"images": n, "ms_per_img": 1000 * wall / n, "cpu_ms_per_img": 1000 * cpu / n}
    return out


def python_hashes(paths, blobs, resize, crop):
    transform = transforms.Compose([transforms.Resize(resize), transforms.CenterCrop(crop), transforms.ToTensor(),
                                    transforms.Normalize(MEAN, STD)])
    out = {}
    for p, b in zip(paths, blobs):
        try:
            img = Image.open(io.BytesIO(b)).convert("RGB")
        except Exception as e:  # noqa: BLE001
            out[p] = ("error", str(e))
            continue
        t = transform(img).numpy().astype("<f4")
        out[p] = (str(img.width), str(img.height), hashlib.sha256(np.asarray(img).tobytes()).hexdigest(),
                  hashlib.sha256(t.tobytes()).hexdigest())
    return out


def default_cp():
    return os.path.join(ROOT, "target", "classes") + os.pathsep + os.path.join(ROOT, "target", "lib", "*")


def java_side(list_file, args, hashes=None, cp=None, extra=()):
    cp = cp or args.java_cp or default_cp()
    cmd = ["java", "-Xmx2g", "-cp", cp, "io.litescore.image.StageTiming", list_file, "--resize", str(args.resize),
           "--crop", str(args.crop), "--rounds", str(args.rounds), "--warmup", str(args.warmup)] + list(extra)
    if hashes:
        cmd += ["--hashes", hashes, "--rounds", "0"]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit("Java side failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
    if hashes:
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def table(js, p):
    """One line per stage: each Java side's ms/img, CPU ms/img and ratio to PIL/torchvision, then theirs."""
    labels = list(js)
    head = "%-16s %6s" % ("stage", "images")
    for label in labels:
        head += "  %10s %7s %6s" % (label[:10], "cpu", "ratio")
    print(head + "  %10s %7s" % ("pil/tv", "cpu"))
    for k in ("decode", "decode_jpeg", "decode_png", "decode_webp", "decode_other", "preprocess"):
        if k not in p and not any(k in j for j in js.values()):
            continue
        ref = p.get(k)
        n = (ref or next(j[k] for j in js.values() if k in j))["images"]
        line = "%-16s %6d" % (k, n)
        for label in labels:
            d = js[label].get(k)
            if d:
                ratio = ("%6.2f" % (d["ms_per_img"] / ref["ms_per_img"])) if ref else "     -"
                line += "  %10.2f %7.2f %s" % (d["ms_per_img"], d["cpu_ms_per_img"], ratio)
            else:
                line += "  %10s %7s %6s" % ("-", "-", "-")
        line += ("  %10.2f %7.2f" % (ref["ms_per_img"], ref["cpu_ms_per_img"])) if ref else "  %10s %7s" % ("-", "-")
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", required=True)
    ap.add_argument("--java", action="store_true", help="run litescore's StageTiming too, alternating")
    ap.add_argument("--java-cp", default=None, help="class path (default target/classes:target/lib/*)")
    ap.add_argument("--also-java", action="append", default=[], metavar="LABEL=CLASSPATH",
                    help="another Java build to time in the same run (e.g. before=/tmp/old/target/classes:...)")
    ap.add_argument("--imageio", action="store_true",
                    help="also time the Java side with ImageIO alone (its pure-Java fallback), as column 'imageio'")
    ap.add_argument("--check", action="store_true", help="compare decoded pixels and tensors, file by file")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--resize", type=int, default=256)
    ap.add_argument("--crop", type=int, default=224)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    paths = find_images(args.images)
    blobs = [open(p, "rb").read() for p in paths]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        list_file = f.name
    results = []
    try:
        others = [tuple(a.split("=", 1)) for a in args.also_java]
        for rep in range(args.repeat):
            js = {}
            if args.java:
                js["java"] = java_side(list_file, args)
            for label, cp in others:
                js[label] = java_side(list_file, args, cp=cp)
            if args.imageio:
                js["imageio"] = java_side(list_file, args, extra=["--imageio"])
            p = python_side(paths, blobs, args.resize, args.crop, args.warmup, args.rounds)
            results.append({"repeat": rep, "java": js, "python": p})
            print("\nrepeat %d: %d files, %d rounds (+%d warm-up), one thread; ms/img wall and CPU; ratio = Java / PIL"
                  % (rep, len(paths), args.rounds, args.warmup))
            table(js, p)
        if args.check:
            with tempfile.NamedTemporaryFile(suffix=".tsv", delete=False) as h:
                java_side(list_file, args, hashes=h.name)
                java = {}
                for line in open(h.name, encoding="utf-8"):
                    parts = line.rstrip("\n").split("\t")
                    java[parts[0]] = tuple(parts[1:])
            py = python_hashes(paths, blobs, args.resize, args.crop)
            px = sum(1 for q in paths if java.get(q, ())[:3] != py[q][:3])
            tensors = sum(1 for q in paths if java.get(q, ()) != py[q])
            errors = sum(1 for q in paths if py[q][0] == "error" or java.get(q, ("error",))[0] == "error")
            print("\ncheck: %d files; decoded pixels differ in %d, tensors differ in %d; %d undecodable (either side)"
                  % (len(paths), px, tensors, errors))
            for q in paths:
                if java.get(q) != py[q]:
                    print("  differs: %s java=%s pil=%s" % (q, java.get(q, ())[:3], py[q][:3]))
            results.append({"check": {"files": len(paths), "pixels_differ": px, "tensors_differ": tensors}})
    finally:
        os.unlink(list_file)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
