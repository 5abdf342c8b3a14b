#!/usr/bin/python3
"""What a PyTorch user's own pipeline achieves on this machine: an anchor for `jobs/litescore bench`.

Runs on the same images and the very same models as the Java side, so the two can be compared row by row.

Usage (Debian's interpreter: it has python3-torch, python3-torchvision and python3-pil):

    /usr/bin/python3 notebooks/pytorch_anchor.py --images DIR \\
        --models squeezenet1_1,mobilenet_v3_small,shufflenet_v2_x0_5 --out DIR \\
        [--max-images 500] [--batch-size 32] [--threads 2] [--workers 2] [--seconds 5] [--json FILE]

What it does
------------
1. Export: each arch goes through export_torchvision.export (torchvision's random initialisation,
   torch.manual_seed(0)) to `<out>/<arch>.pt` (TorchScript) and `<out>/<arch>.safetensors`, unless both files are
   already there. The Java side scores the same files with a model entry { name, uri = "<out>/<arch>.pt" } or
   { name, arch = "<arch>", weights = "<out>/<arch>.safetensors" }.
2. "a model only": a random tensor [batch, 3, 224, 224], torch.set_num_threads(threads), torch.inference_mode();
   images per second of (ts) the TorchScript file as torch.jit.load gives it, and (opt)
   torch.jit.optimize_for_inference(torch.jit.freeze(model.eval())). A few warm-up calls, then --seconds of calls.
3. "d end-to-end": a file-list Dataset over up to --max-images files found recursively under --images
   (jpg/jpeg/png; names starting with '.' or '_' skipped, as litescore does; sorted paths), PIL open +
   convert("RGB") + Resize(256) + CenterCrop(224) + ToTensor + Normalize(ImageNet mean/std),
   DataLoader(batch_size, num_workers=workers), inference with each model. Wall and CPU seconds over the whole
   pass: DataLoader worker start included, the one-time model load excluded (it is printed on its own).
   CPU seconds are getrusage(RUSAGE_SELF) + getrusage(RUSAGE_CHILDREN): the DataLoader workers are joined (reaped)
   when the pass ends, so their CPU time is counted.
4. "b decode/preprocess": one thread, each file's bytes read into memory first (as `litescore bench` does);
   per image: PIL open + convert("RGB") (decode), then the transform above (preprocess). Here ms_per_img is the
   MEDIAN over the images (ms_per_img_mean = 1000 * wall_s / images, the Java side's definition, is there too).
   Files PIL cannot decode are skipped, and left out of step 3 too.
5. Prints a table; with --json, writes the rows as a JSON list of
   {phase, model, batch, threads, workers, images, wall_s, cpu_s, img_per_s, ms_per_img}.

Order of the measurements: b, a, d (d reuses the models that a has warmed up).

Comparing with the Java side: with --max-images below the number of images under --images, the two sides may
pick different subsets (litescore lists files in directory order, this script in sorted order); give both sides
a folder holding exactly the images to use (e.g. `jobs/litescore make-bench-data --count 500`).
"""
import argparse
import io
import json
import os
import resource
import statistics
import sys
import time

import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no notebooks/__pycache__
import export_torchvision  # noqa: E402  (the exporter next to this script)

EXTENSIONS = (".jpg", ".jpeg", ".png")
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
TRANSFORM = transforms.Compose([
    transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(), transforms.Normalize(MEAN, STD)])


def cpu_seconds():
    """User + system CPU seconds of this process and of its terminated, reaped children (DataLoader workers)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def find_images(root, limit):
    """Up to `limit` image files below `root`, sorted; follows symlinks, each real folder once."""
    found, seen = [], set()
    for d, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(d)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(x for x in dirs if not x.startswith((".", "_")))
        found += [os.path.join(d, f) for f in files
                  if not f.startswith((".", "_")) and f.lower().endswith(EXTENSIONS)]
    return sorted(found)[:limit]


class Files(Dataset):
    """(preprocessed tensor, index) per file: PIL open + convert("RGB") + TRANSFORM."""

    def __init__(self, paths):
        self.paths = paths

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        with Image.open(self.paths[i]) as im:
            return TRANSFORM(im.convert("RGB")), i


class Rows:
    def __init__(self):
        self.rows = []

    def table(self):
        print(f"\n{'phase':<26} {'model':<26} {'batch':>5} {'thr':>3} {'wrk':>3} {'images':>7} {'wall s':>8}"
              f" {'cpu s':>8} {'img/s':>8} {'ms/img':>8}")
        for r in self.rows:
            print(f"{r['phase']:<26} {r['model']:<26} {r['batch']:>5} {r['threads']:>3} {r['workers']:>3}"
                  f" {r['images']:>7} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} {r['img_per_s'] or 0:>8.1f}"
                  f" {r['ms_per_img'] or 0:>8.2f}")

    def add(self, phase, model, batch, threads, workers, images, wall, cpu, ms_per_img=None, **extra):
        row = {"phase": phase, "model": model, "batch": batch, "threads": threads, "workers": workers,
               "images": images, "wall_s": round(wall, 4), "cpu_s": round(cpu, 4),
               "img_per_s": round(images / wall, 2) if wall > 0 else None,
               "ms_per_img": round(ms_per_img if ms_per_img is not None else 1000 * wall / images, 3)
               if images else None}
        row.update(extra)
        self.rows.append(row)
        print(f"{phase:<26} {model:<26} b={batch:<3} t={threads} w={workers}  {images:6d} img  {wall:8.2f} s"
              f"  cpu {cpu:8.2f} s ({cpu / wall if wall > 0 else 0:4.2f} cores)  {row['img_per_s'] or 0:8.1f} img/s"
              f"  {row['ms_per_img'] or 0:8.2f} ms/img", flush=True)


def decode_preprocess(paths, rows):
    torch.set_num_threads(1)
    blobs = []
    for p in paths:
        with open(p, "rb") as f:
            blobs.append(f.read())
    good, dec, pre, bad = [], [], [], 0
    c0, t0 = cpu_seconds(), time.perf_counter()
    for p, b in zip(paths, blobs):
        s0 = time.perf_counter()
        try:
            with Image.open(io.BytesIO(b)) as im:
                rgb = im.convert("RGB")
        except Exception as e:  # noqa: BLE001 - litescore turns such a file into an error row; skip it here
            bad += 1
            print(f"  skipped, PIL cannot decode {p}: {e}", file=sys.stderr)
            continue
        s1 = time.perf_counter()
        TRANSFORM(rgb)
        s2 = time.perf_counter()
        good.append(p)
        dec.append(s1 - s0)
        pre.append(s2 - s1)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    n = len(good)
    if n:
        for phase, xs in (("b decode", dec), ("b preprocess 256/224", pre),
                          ("b decode+preprocess", [a + b for a, b in zip(dec, pre)])):
            w = sum(xs)
            # cpu_s of the split rows: the pass's CPU time in proportion to their share of its wall time
            rows.add(phase, "-", 0, 1, 0, n, w, cpu * w / wall, 1000 * statistics.median(xs),
                     ms_per_img_mean=round(1000 * w / n, 3))
    return good, bad


def load(path, optimized):
    t0 = time.perf_counter()
    m = torch.jit.load(path, map_location="cpu").eval()
    if optimized:
        m = torch.jit.optimize_for_inference(torch.jit.freeze(m))
    return m, time.perf_counter() - t0


def model_only(name, model, batch, threads, seconds, rows, warmup=3):
    torch.set_num_threads(threads)
    x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    for _ in range(warmup):
        model(x)
    n, c0, t0 = 0, cpu_seconds(), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        model(x)
        n += batch
    rows.add("a model only", name, batch, threads, 0, n, time.perf_counter() - t0, cpu_seconds() - c0)


def end_to_end(name, model, paths, batch, threads, workers, rows):
    torch.set_num_threads(threads)
    c0, t0 = cpu_seconds(), time.perf_counter()
    loader = DataLoader(Files(paths), batch_size=batch, num_workers=workers, shuffle=False)
    n, top = 0, []
    for x, _ in loader:  # the iterator joins its workers when it is exhausted
        top.append(model(x).argmax(1))
        n += x.shape[0]
    del loader
    rows.add("d end-to-end DataLoader", name, batch, threads, workers, n, time.perf_counter() - t0,
             cpu_seconds() - c0)
    return torch.cat(top) if top else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", required=True, help="folder searched recursively for jpg/jpeg/png files")
    ap.add_argument("--models", default="squeezenet1_1,mobilenet_v3_small,shufflenet_v2_x0_5",
                    help="comma-separated torchvision builder names")
    ap.add_argument("--out", required=True, help="folder for <arch>.pt and <arch>.safetensors")
    ap.add_argument("--max-images", type=int, default=500)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads in the main process")
    ap.add_argument("--workers", type=int, default=2, help="DataLoader num_workers (each uses one torch thread)")
    ap.add_argument("--seconds", type=float, default=5.0, help="timed seconds per model-only measurement")
    ap.add_argument("--json", help="write the rows to this file as a JSON list")
    ap.add_argument("--kinds", default="ts,opt",
                    help="which models to run: ts (the TorchScript file as loaded), opt (optimize_for_inference)")
    ap.add_argument("--phases", default="bad",
                    help="b decode/preprocess, a model only, d end-to-end DataLoader (default: all three)")
    args = ap.parse_args()
    archs = [a.strip() for a in args.models.split(",") if a.strip()]

    paths = find_images(args.images, args.max_images)
    if not paths:
        sys.exit(f"no {'/'.join(e[1:] for e in EXTENSIONS)} files under {args.images}")
    print(f"PyTorch anchor: {len(paths)} images from {args.images}, models {','.join(archs)}; "
          f"batch {args.batch_size}, {args.threads} torch threads, {args.workers} DataLoader workers, "
          f"{os.cpu_count()} CPUs", flush=True)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, PIL {Image.__version__}, "
          f"mkldnn {torch.backends.mkldnn.is_available()}, python {sys.executable}", flush=True)

    files = {}
    for arch in archs:
        ts, st = (os.path.join(args.out, arch + e) for e in (".pt", ".safetensors"))
        if os.path.exists(ts) and os.path.exists(st):
            print(f"export {arch}: kept {ts}, {st}")
        else:
            t0 = time.perf_counter()
            _, n, ts, st = export_torchvision.export(arch, args.out, seed=0)
            print(f"export {arch}: {n} parameters -> {ts}, {st} ({time.perf_counter() - t0:.1f} s)")
        files[arch] = ts

    kinds = [k for k in ("ts", "opt") if k in args.kinds.split(",")]
    rows = Rows()
    with torch.inference_mode():
        if "b" in args.phases:
            good, bad = decode_preprocess(paths, rows)
            if bad:
                print(f"{bad} of {len(paths)} files skipped (PIL cannot decode them)")
        else:
            good = paths
        for arch in archs:
            models = {}
            for kind in kinds:
                models[kind], secs = load(files[arch], kind == "opt")
                print(f"load {arch} [{kind}]: {secs:.2f} s", flush=True)
            if len(models) == 2:
                x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
                diff = (models["ts"](x) - models["opt"](x)).abs().max().item()
                print(f"{arch}: max |logits(ts) - logits(opt)| = {diff:.2e}", flush=True)
            if "a" in args.phases:
                for kind, m in models.items():
                    model_only(f"{arch} [{kind}]", m, args.batch_size, args.threads, args.seconds, rows)
            top = {}
            if good and "d" in args.phases:
                for kind, m in models.items():
                    top[kind] = end_to_end(f"{arch} [{kind}]", m, good, args.batch_size, args.threads,
                                           args.workers, rows)
                if len(top) == 2:
                    agree = (top["ts"] == top["opt"]).float().mean().item()
                    print(f"{arch}: top-1 of ts and opt agree on {100 * agree:.1f}% of the images", flush=True)

    rows.table()
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS: this process {self_kb / 1024:.0f} MiB, largest DataLoader worker {child_kb / 1024:.0f} MiB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows.rows, f, indent=1)
        print(f"wrote {len(rows.rows)} rows to {args.json}")


if __name__ == "__main__":
    main()
