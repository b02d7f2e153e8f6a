"""PyTorch reference fixtures for Striate's parity tests.

Run from the repository root with the system Python that has PyTorch (Debian: apt-get install python3-torch):

    /usr/bin/python3 tools/make_fixtures.py

It rewrites every JSON file under striate-core/src/test/resources/fixtures/:

    layers/<case>.json      one layer: config, input, params, grad_output -> output, grad_input, grad_params
    losses/<case>.json      a loss on fixed predictions and targets -> loss value, gradient
    optimizers/<case>.json  three optimizer steps on two parameter tensors -> parameters after each step
    models/one_step_<optimizer>.json  one training step of a tiny CNN

and prints how many cases of each kind it wrote and their total size. The formats are described in
tools/README.md. Output is deterministic: fixed seeds, no dependence on time or thread count.

Precision: every input, parameter and upstream gradient is a float32 value (written so that it parses back
to the same float32). References are computed in float64 from those values and then rounded to float32, so
they are the exact answer up to one rounding, independent of PyTorch's own float32 summation order. As a
sanity check the same computation is also run in float32, and the script fails if that float32 result uses
more than a quarter of the tolerance the Java tests use (|a - b| <= 1e-5 + 1e-4 |b| for layers and losses,
1e-7 + 1e-6 |b| for parameters after optimizer steps).

Tensors are stored in Striate's layouts: images NHWC, conv kernels (kH, kW, in/groups, filters), dense
kernels (in, units). The reference functions take leaves in those layouts and permute inside, so autograd
returns gradients in Striate's layouts directly.
"""

import os
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases_depthwise  # noqa: E402
import cases_norm_shape  # noqa: E402
import fixture_io as io  # noqa: E402
import cases_merge  # noqa: E402
import cases_transpose  # noqa: E402
import layer_cases  # noqa: E402
import training_cases  # noqa: E402

# Each module's all_cases() returns (name, document) pairs for fixtures/layers/.
LAYER_CASE_MODULES = (
    layer_cases,
    cases_merge,
    cases_depthwise,
    cases_norm_shape,
    cases_transpose,
)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "striate-core", "src", "test", "resources", "fixtures")


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    counts = {}
    for kind, cases in (("layers", [case for module in LAYER_CASE_MODULES for case in module.all_cases()]),
                        ("losses", training_cases.loss_cases()),
                        ("optimizers", training_cases.optimizer_cases()),
                        ("models", training_cases.model_cases())):
        directory = os.path.join(ROOT, kind)
        os.makedirs(directory, exist_ok=True)
        for stale in os.listdir(directory):
            if stale.endswith(".json"):
                os.remove(os.path.join(directory, stale))
        for name, document in cases:
            io.write_json(os.path.join(directory, name + ".json"), document)
        counts[kind] = len(cases)
    total = 0
    for kind, n in counts.items():
        size = sum(os.path.getsize(os.path.join(ROOT, kind, f)) for f in os.listdir(os.path.join(ROOT, kind)))
        total += size
        print("%-11s %3d cases %9d bytes" % (kind, n, size))
    print("total       %3d cases %9d bytes (%.2f MB) in %s"
          % (sum(counts.values()), total, total / 1e6, os.path.normpath(ROOT)))
    print("worst float32/float64 disagreement: %.3f of the tolerance (%s)" % io.worst_tolerance_use())


if __name__ == "__main__":
    main()
