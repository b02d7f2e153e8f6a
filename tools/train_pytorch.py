#!/usr/bin/python3
"""Trains Striate's built-in MNIST models with PyTorch, same recipe, for comparison.

Usage (Debian: apt-get install python3-torch), from the repository root:
    /usr/bin/python3 tools/train_pytorch.py --model mnist-convnet --epochs 3 --threads 2
    /usr/bin/python3 tools/train_pytorch.py --model lenet5 --init glorot --seeds 1,2,3

Reads the four MNIST IDX files from --data (default: the Striate cache, ~/.cache/striate/mnist, filled by
`./striate train`). The recipe matches `striate train`: pixels / 255, no other normalisation, Adam with
lr 1e-3 (eps 1e-7, Keras's), batch 128, shuffled every epoch, softmax cross-entropy. --init glorot uses
Keras's default initialisers (Glorot-uniform kernels, zero biases), --init he He-uniform kernels and zero
biases, --init torch keeps PyTorch's.
Prints the test accuracy of each run. Never needed by the tests.
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(directory):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(directory, name)).astype(np.float32) / 255.0).unsqueeze(1)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(directory, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


class Flatten(nn.Module):
    """Flattens in NHWC order, as Striate and Keras do, so the dense weights mean the same."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


def build(name):
    if name == "mnist-convnet":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
    if name == "lenet5":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    raise SystemExit("unknown model " + name)


def keras_init(model, kind):
    """Keras's initialisers: Glorot uniform or He uniform kernels, zero biases."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if kind == "glorot":
                nn.init.xavier_uniform_(m.weight)
            else:
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)


def run(args, seed, data):
    torch.manual_seed(seed)
    x, y, tx, ty = data
    model = build(args.model)
    if args.init != "torch":
        keras_init(model, args.init)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, eps=1e-7)
    start = time.time()
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), args.batch_size):
            idx = order[i:i + args.batch_size]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    seconds = time.time() - start
    model.eval()
    with torch.no_grad():
        correct = sum((model(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
    print(f"{args.model} seed {seed} init {args.init}: test accuracy {100 * correct / len(tx):.2f}% "
          f"({correct}/{len(tx)}), training {seconds:.1f} s ({len(x) * args.epochs / seconds:.0f} images/s, "
          f"{torch.get_num_threads()} threads)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="mnist-convnet", choices=["mnist-convnet", "lenet5"])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seeds", default="42")
    p.add_argument("--init", default="glorot", choices=["glorot", "he", "torch"])
    p.add_argument("--data", default=os.path.expanduser("~/.cache/striate/mnist"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    data = load(args.data)
    for seed in [int(s) for s in args.seeds.split(",")]:
        run(args, seed, data)


if __name__ == "__main__":
    main()
