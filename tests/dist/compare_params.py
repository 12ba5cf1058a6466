#!/usr/bin/python3
"""Compares two rnngen model.safetensors files tensor by tensor (the MPI CTest).

    compare_params.py A.safetensors B.safetensors --rtol 1e-5 [--expect-differ]

Passes when every tensor has the same name and shape and max|a-b| <= rtol * max|a| (relative to
the tensor's largest weight, so that weights near zero do not turn rounding into failure).
Reads the format itself (8-byte header length, JSON header, little-endian F32 data): an
independent reader, not rnngen's.
"""
import argparse
import json
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", (name, t["dtype"])
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(body[a:b], dtype="<f4").reshape(t["shape"]).astype(np.float64)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rtol", type=float, default=1e-5)
    p.add_argument("--expect-differ", action="store_true", help="pass only if some tensor differs by more")
    args = p.parse_args()
    a, b = load(args.a), load(args.b)
    if sorted(a) != sorted(b):
        print(f"different tensors: {sorted(a)} vs {sorted(b)}")
        return 1
    worst = 0.0
    for name in sorted(a):
        if a[name].shape != b[name].shape:
            print(f"{name}: shape {a[name].shape} vs {b[name].shape}")
            return 1
        scale = max(np.abs(a[name]).max(), 1e-30)
        rel = np.abs(a[name] - b[name]).max() / scale
        worst = max(worst, rel)
        print(f"{name}: max |a-b| / max |a| = {rel:.3g}")
    print(f"worst {worst:.3g} (rtol {args.rtol:g})")
    ok = worst <= args.rtol
    return 0 if ok != args.expect_differ else 1


if __name__ == "__main__":
    sys.exit(main())
