"""Export a torchvision classifier for litescore, two ways:

  * TorchScript (`<name>.pt`): score it with a model entry { name, uri = "<name>.pt", labels = ... }.
  * safetensors (`<name>.safetensors`, torchvision's state_dict names, BatchNorm statistics included): score it
    natively with the Java zoo, BatchNorm folded: { name, arch = "<name>", weights = "<name>.safetensors", labels }.

With the `safetensors` package the second export is two lines:

    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, "mobilenet_v2.safetensors")

Debian bookworm has no python3-safetensors, so `save_safetensors` below writes the same format with torch and
json alone (8-byte little-endian header length, JSON header, raw little-endian data).

Usage (Debian's python3-torch / python3-torchvision):
    /usr/bin/python3 notebooks/export_torchvision.py mobilenet_v3_small out/            # random weights
    /usr/bin/python3 notebooks/export_torchvision.py mobilenet_v2 out/ --state-dict my_weights.pth
"""
import argparse
import json
import os
import struct

import torch
import torchvision

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def save_safetensors(state_dict, path):
    header, blobs, offset = {}, [], 0
    for name, tensor in state_dict.items():
        t = tensor.detach().cpu().contiguous()
        raw = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def export(arch, out, state_dict=None, num_classes=1000, seed=0):
    """Exports torchvision's `arch` to `<out>/<arch>.pt` (TorchScript) and `<out>/<arch>.safetensors`.

    Returns (model, parameter count, TorchScript path, safetensors path). Without `state_dict` (a path to a .pth
    state_dict, or a dict) the weights are torchvision's random initialisation with `torch.manual_seed(seed)`.
    """
    torch.manual_seed(seed)
    model = getattr(torchvision.models, arch)(num_classes=num_classes)
    if state_dict is not None:
        if not isinstance(state_dict, dict):
            state_dict = torch.load(state_dict, map_location="cpu")
        model.load_state_dict(state_dict)
    model.eval()
    os.makedirs(out, exist_ok=True)
    ts_path = os.path.join(out, arch + ".pt")
    st_path = os.path.join(out, arch + ".safetensors")
    torch.jit.script(model).save(ts_path)
    save_safetensors(model.state_dict(), st_path)
    n = sum(p.numel() for p in model.parameters())
    return model, n, ts_path, st_path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("arch", help="torchvision builder name, e.g. squeezenet1_1, mobilenet_v3_large")
    ap.add_argument("out", help="output folder")
    ap.add_argument("--state-dict", help="a .pth state_dict to load (e.g. pretrained weights you have)")
    ap.add_argument("--num-classes", type=int, default=1000)
    args = ap.parse_args()
    _, n, ts_path, st_path = export(args.arch, args.out, args.state_dict, args.num_classes)
    print(f"{args.arch}: {n} parameters -> {ts_path}, {st_path}")


if __name__ == "__main__":
    main()
