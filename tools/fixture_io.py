"""Shared helpers for make_fixtures.py: float32-exact JSON, deterministic inputs, precision bookkeeping."""

import json

import numpy as np
import torch

# The Java parity tests accept |actual - expected| <= abs + rel * |expected|, with (abs, rel) = LAYER_TOLERANCE
# for layer and loss outputs and gradients, and the tighter OPTIMIZER_TOLERANCE for parameters after an
# optimizer step (an update of 1e-3 must not hide in the tolerance of a parameter of size 1).
LAYER_TOLERANCE = (1e-5, 1e-4)
OPTIMIZER_TOLERANCE = (1e-7, 1e-6)
# The float32 recomputation must use at most this fraction of that tolerance, so that a correct float32
# implementation with another summation order still passes with room to spare.
MAX_TOLERANCE_USE = 0.25

_worst = [0.0, "nothing compared"]


class Floats:
    """A float32 array to be written as {"shape": [...], "data": [...]} with exact float32 decimals."""

    def __init__(self, array):
        array = np.asarray(array)
        if array.dtype != np.float32:
            raise TypeError("fixture data must already be float32 (round with f32), got " + str(array.dtype))
        if not np.all(np.isfinite(array)):
            raise ValueError("non-finite value in fixture data")
        self.array = array


def f32(t):
    """A torch tensor or array as a float32 numpy array (rounded once, to nearest)."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    return np.asarray(t, dtype=np.float64).astype(np.float32)


def _float_text(x):
    """The shortest decimal that reads back as this float32 through Java's path: parse as double, cast."""
    s = str(x)
    if float(np.float32(float(s))).hex() != float(x).hex():
        s = repr(float(x))
        assert float(np.float32(float(s))).hex() == float(x).hex(), s
    return s


def _encode(value, indent):
    pad = " " * indent
    if isinstance(value, Floats):
        data = ", ".join(_float_text(v) for v in value.array.reshape(-1))
        return '{"shape": %s, "data": [%s]}' % (json.dumps(list(value.array.shape)), data)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ['%s  %s: %s' % (pad, json.dumps(k), _encode(v, indent + 2)) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (dict, Floats)) for v in value):
            items = [pad + "  " + _encode(v, indent + 2) for v in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return "[" + ", ".join(_encode(v, indent) for v in value) + "]"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError("non-finite scalar in fixture")
        return repr(float(value))
    if isinstance(value, str) or value is None:
        return json.dumps(value)
    raise TypeError("cannot encode %r" % (value,))


def write_json(path, document):
    text = _encode(document, 0) + "\n"
    json.loads(text)  # fail here, not in Java, if the writer ever produces invalid JSON
    with open(path, "w", encoding="ascii") as out:
        out.write(text)


def distinct(shape, scale, rng):
    """Values in [-scale, scale] that are pairwise distinct and at least scale/n away from 0 and each other
    in magnitude, so max pooling has no ties and ReLU no kinks."""
    n = int(np.prod(shape))
    magnitudes = (rng.permutation(n) + 1) * (scale / n)
    signs = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return (magnitudes * signs).reshape(shape).astype(np.float32)


def uniform(shape, low, high, rng):
    return rng.uniform(low, high, size=shape).astype(np.float32)


def tolerance_use(reference, other, tolerance):
    """The largest |other - reference| as a fraction of the tolerance (abs, rel) at reference."""
    ref = np.asarray(reference, dtype=np.float64)
    diff = np.abs(np.asarray(other, dtype=np.float64) - ref)
    return float(np.max(diff / (tolerance[0] + tolerance[1] * np.abs(ref))))


def check_float32(where, reference, float32_result, tolerance=LAYER_TOLERANCE):
    """Records how much of the Java tolerance the float32 recomputation uses; fails if it is too much."""
    use = tolerance_use(reference, float32_result, tolerance)
    if use > _worst[0]:
        _worst[0], _worst[1] = use, where
    if use > MAX_TOLERANCE_USE:
        raise AssertionError("%s: float32 result uses %.3f of the tolerance (limit %.2f)"
                             % (where, use, MAX_TOLERANCE_USE))


def worst_tolerance_use():
    return _worst[0], _worst[1]
