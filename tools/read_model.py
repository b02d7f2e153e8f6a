#!/usr/bin/env python3
"""Read a Striate model file with nothing but the standard library and numpy.

A Striate model file is a safetensors file, so `safetensors.numpy.load_file(path)` also reads its tensors;
this script shows the layout itself and checks the checksum, which safetensors does not know about.

    python3 tools/read_model.py model.stz

Layout: 8 bytes little-endian header length N, N bytes of JSON header (padded with spaces), then the data.
The header maps "<layer>/<parameter>" to {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]} and has
"__metadata__" with "format": "striate", "format_version": "1", "architecture" (JSON text) and "sha256": the
SHA-256 of the whole file with that value replaced by 64 '0' characters.
"""
import hashlib
import json
import struct
import sys

import numpy as np


def read_model(path):
    """Returns (architecture dict, {tensor name: float32 array}) after checking the checksum."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header_bytes = raw[8:8 + n]
    header = json.loads(header_bytes)
    metadata = header.pop("__metadata__")
    if metadata.get("format") != "striate" or metadata.get("format_version") != "1":
        raise ValueError(f"{path}: not a Striate model file (version 1)")
    stored = metadata["sha256"]
    # Quoted like this the digits occur once: inside the architecture text quotes are escaped.
    quoted = ('"' + stored + '"').encode("ascii")
    at = header_bytes.index(quoted) + 1
    zeroed = raw[:8 + at] + b"0" * 64 + raw[8 + at + 64:]
    actual = hashlib.sha256(zeroed).hexdigest()
    if actual != stored:
        raise ValueError(f"{path}: checksum mismatch: header says {stored}, file hashes to {actual}")
    data = raw[8 + n:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
    return json.loads(metadata["architecture"]), tensors


if __name__ == "__main__":
    architecture, tensors = read_model(sys.argv[1])
    print("input_shape", architecture["input_shape"])
    for layer in architecture["layers"]:
        print(" ", layer["type"], layer["name"])
    for name, array in tensors.items():
        print(f"{name:30s} {str(array.shape):16s} mean {array.mean():+.6f}")
