"""Fixtures for the layers that merge several inputs (Add, Concatenate).

Same format as the single-layer fixtures, except that "input" and "grad_input" become lists, "inputs" and
"grad_inputs", one tensor per input in order; "params" and "grad_params" are empty.
"""

import zlib

import numpy as np
import torch

from fixture_io import Floats, check_float32, distinct, f32, uniform


def merge_case(config, shapes, forward):
    name = config["name"]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    inputs = [distinct(shape, 1.0, rng) for shape in shapes]

    def evaluate(dtype, grad_output):
        leaves = [torch.tensor(x, dtype=dtype, requires_grad=True) for x in inputs]
        out = forward(leaves)
        if grad_output is None:
            return out
        out.backward(torch.tensor(grad_output, dtype=dtype))
        return out, [leaf.grad for leaf in leaves]

    grad_output = uniform(tuple(evaluate(torch.float64, None).shape), -1.0, 1.0, rng)
    out, grads = evaluate(torch.float64, grad_output)
    out32, grads32 = evaluate(torch.float32, grad_output)
    check_float32(name + " output", f32(out), out32.detach().numpy())
    for i, (g, g32) in enumerate(zip(grads, grads32)):
        check_float32(name + " grad_inputs[%d]" % i, f32(g), g32.numpy())
    return name, {
        "layer": config,
        "inputs": [Floats(x) for x in inputs],
        "params": {},
        "grad_output": Floats(grad_output),
        "output": Floats(f32(out)),
        "grad_inputs": [Floats(f32(g)) for g in grads],
        "grad_params": {},
    }


def all_cases():
    return [
        merge_case({"type": "Add", "name": "add_two"}, [(2, 3, 4, 2)] * 2, lambda xs: xs[0] + xs[1]),
        merge_case({"type": "Add", "name": "add_three"}, [(2, 5)] * 3, lambda xs: xs[0] + xs[1] + xs[2]),
        merge_case({"type": "Concatenate", "name": "concatenate_channels", "axis": -1},
                   [(2, 3, 4, 2), (2, 3, 4, 3)], lambda xs: torch.cat(xs, dim=-1)),
        merge_case({"type": "Concatenate", "name": "concatenate_height", "axis": 0},
                   [(2, 2, 3, 2), (2, 3, 3, 2), (2, 1, 3, 2)], lambda xs: torch.cat(xs, dim=1)),
    ]
