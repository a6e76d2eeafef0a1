#!/usr/bin/env python3
"""Checks what BertKit's example writers produced, with readers that share no code with them.

Usage: check-writers.py OUTDIR

OUTDIR holds `expected.json` ({"fields": [names], "rows": [{name: value}], "outputs": {format: name}}) and
the outputs it names: JSONL (read with json), safetensors (safetensors.numpy and safetensors.torch),
an NPY folder (numpy.load), TFRecord (the PyPI `tfrecord` reader, protobuf Example parsing, and CRC-32C
framing checked with the `crc32c` package). Prints one line per check; exits 1 on the first mismatch.
The Swift test suite (Tests/InputEncodingTests/Writers/PythonCheckerTests.swift) writes such folders; run
with .venv/ref/bin/python.
"""
import json
import os
import struct
import sys

import numpy as np

ALWAYS = ["input_ids", "token_type_ids", "attention_mask"]
OPTIONAL = ["special_tokens_mask", "offset_mapping", "overflow_to_sample_mapping", "label"]


def fail(message):
    print(f"FAIL {message}")
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def tensor(rows, name):
    """The expected int64 array of a field, with the shape the tensor writers use."""
    length = len(rows[0]["input_ids"]) if rows else 0
    if name in ("overflow_to_sample_mapping", "label"):
        return np.array([r[name] for r in rows], dtype=np.int64).reshape(len(rows))
    if name == "offset_mapping":
        return np.array([r[name] for r in rows], dtype=np.int64).reshape(len(rows), length, 2)
    return np.array([r[name] for r in rows], dtype=np.int64).reshape(len(rows), length)


def check_jsonl(path, fields, rows):
    with open(path, "rb") as f:
        data = f.read()
    expect(data.endswith(b"\n") or not rows, "jsonl: last row lacks a newline")
    lines = data.split(b"\n")[:-1]
    expect(len(lines) == len(rows), f"jsonl: {len(lines)} lines, expected {len(rows)}")
    for i, (line, row) in enumerate(zip(lines, rows)):
        obj = json.loads(line)
        expect(list(obj.keys()) == fields, f"jsonl row {i}: keys {list(obj.keys())}, expected {fields}")
        expect(line.decode() == json.dumps(obj, separators=(",", ":")), f"jsonl row {i}: not compact JSON")
        for name in fields:
            expect(obj[name] == row[name], f"jsonl row {i}: {name} {obj[name]} != {row[name]}")
    print(f"ok jsonl: {len(rows)} rows, keys {fields}, compact")


def check_safetensors(path, fields, rows):
    from safetensors import safe_open
    from safetensors.numpy import load_file as load_numpy
    from safetensors.torch import load_file as load_torch
    import torch

    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    expect((8 + n) % 8 == 0, f"safetensors: data start {8 + n} is not 8-byte aligned")
    offset = 0
    for name in fields:  # contiguous in the expected order
        begin, end = header[name]["data_offsets"]
        expect(begin == offset, f"safetensors: {name} starts at {begin}, expected {offset}")
        offset = end
    expect(os.path.getsize(path) == 8 + n + offset, "safetensors: file size disagrees with the offsets")
    with safe_open(path, framework="pt") as f:
        expect(f.metadata() == {"format": "pt"}, f"safetensors: metadata {f.metadata()}")
        expect(sorted(f.keys()) == sorted(fields), f"safetensors: tensors {sorted(f.keys())}")
    arrays = load_numpy(path)
    tensors = load_torch(path)
    for name in fields:
        want = tensor(rows, name)
        got = arrays[name]
        expect(got.dtype == np.int64, f"safetensors numpy: {name} dtype {got.dtype}")
        expect(got.shape == want.shape, f"safetensors numpy: {name} shape {got.shape}, expected {want.shape}")
        expect(np.array_equal(got, want), f"safetensors numpy: {name} values differ")
        t = tensors[name]
        expect(t.dtype == torch.int64, f"safetensors torch: {name} dtype {t.dtype}")
        expect(torch.equal(t, torch.from_numpy(want)), f"safetensors torch: {name} values differ")
    print(f"ok safetensors: {len(fields)} I64 tensors (numpy and torch), shapes "
          + ", ".join(f"{k}{list(arrays[k].shape)}" for k in fields) + ", metadata format=pt, 8-byte aligned")


def check_npy(folder, fields, rows):
    files = sorted(os.listdir(folder))
    expect(files == sorted(f"{name}.npy" for name in fields), f"npy: files {files}")
    for name in fields:
        path = os.path.join(folder, f"{name}.npy")
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            expect(version == (1, 0), f"npy: {name} version {version}")
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            expect(f.tell() % 64 == 0, f"npy: {name} data start {f.tell()} is not 64-byte aligned")
        expect(not fortran and dtype == np.dtype("<i8"), f"npy: {name} is {dtype}, fortran={fortran}")
        got = np.load(path, allow_pickle=False)
        want = tensor(rows, name)
        expect(got.shape == want.shape, f"npy: {name} shape {got.shape}, expected {want.shape}")
        expect(np.array_equal(got, want), f"npy: {name} values differ")
    print(f"ok npy: {len(fields)} files, version 1.0, <i8, C order, 64-byte aligned data")


def check_tfrecord(path, fields, rows):
    import crc32c
    from tfrecord import example_pb2
    from tfrecord.reader import tfrecord_loader

    def masked(crc):
        return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF

    names = ["input_ids", "input_mask", "segment_ids", "label_ids", "is_real_example"]
    names += [n for n in ("special_tokens_mask", "offset_mapping", "overflow_to_sample_mapping") if n in fields]
    wants = []
    for row in rows:
        want = {
            "input_ids": row["input_ids"], "input_mask": row["attention_mask"], "segment_ids": row["token_type_ids"],
            "label_ids": [row["label"] if "label" in fields else 0], "is_real_example": [1],
        }
        for n in names[5:]:
            value = row[n]
            want[n] = [x for pair in value for x in pair] if n == "offset_mapping" else (
                [value] if n == "overflow_to_sample_mapping" else value)
        wants.append(want)

    with open(path, "rb") as f:
        data = f.read()
    at, payloads = 0, []
    while at < len(data):
        (length,) = struct.unpack_from("<Q", data, at)
        (length_crc,) = struct.unpack_from("<I", data, at + 8)
        expect(length_crc == masked(crc32c.crc32c(data[at:at + 8])), f"tfrecord record {len(payloads)}: length CRC")
        payload = data[at + 12:at + 12 + length]
        (data_crc,) = struct.unpack_from("<I", data, at + 12 + length)
        expect(data_crc == masked(crc32c.crc32c(payload)), f"tfrecord record {len(payloads)}: data CRC")
        payloads.append(payload)
        at += 16 + length
    expect(at == len(data), "tfrecord: trailing bytes")
    expect(len(payloads) == len(rows), f"tfrecord: {len(payloads)} records, expected {len(rows)}")
    for i, (payload, want) in enumerate(zip(payloads, wants)):
        example = example_pb2.Example()
        example.ParseFromString(payload)
        feature = example.features.feature
        expect(sorted(feature.keys()) == sorted(names), f"tfrecord record {i}: features {sorted(feature.keys())}")
        for n in names:
            expect(feature[n].WhichOneof("kind") == "int64_list", f"tfrecord record {i}: {n} is not an int64_list")
            expect(list(feature[n].int64_list.value) == want[n], f"tfrecord record {i}: {n} differs")
    loaded = list(tfrecord_loader(path, None, {n: "int" for n in names}))
    expect(len(loaded) == len(rows), f"tfrecord_loader: {len(loaded)} records")
    for i, (got, want) in enumerate(zip(loaded, wants)):
        for n in names:
            expect(got[n].tolist() == want[n], f"tfrecord_loader record {i}: {n} {got[n].tolist()} != {want[n]}")
    print(f"ok tfrecord: {len(rows)} records, CRC-32C framing (crc32c package), protobuf Example parse, "
          f"tfrecord_loader features {names}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    outdir = sys.argv[1]
    with open(os.path.join(outdir, "expected.json")) as f:
        expected = json.load(f)
    fields, rows, outputs = expected["fields"], expected["rows"], expected["outputs"]
    expect(fields[:3] == ALWAYS and all(f in OPTIONAL for f in fields[3:]), f"expected.json: fields {fields}")
    checks = {"jsonl": check_jsonl, "safetensors": check_safetensors, "npy": check_npy, "tfrecord": check_tfrecord}
    for fmt, name in outputs.items():
        checks[fmt](os.path.join(outdir, name), fields, rows)
    print(f"all {len(outputs)} outputs in {outdir} match expected.json ({len(rows)} rows, fields {fields})")


if __name__ == "__main__":
    main()
