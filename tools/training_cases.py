"""Loss, optimizer and one-training-step model fixtures, with PyTorch (torch.nn.functional, torch.optim) as
the reference. Hyper-parameters are recorded with Keras argument names."""

import numpy as np
import torch
import torch.nn.functional as F

from fixture_io import OPTIMIZER_TOLERANCE, Floats, check_float32, distinct, f32, tolerance_use, uniform
from layer_cases import probes_clear

# --- losses -----------------------------------------------------------------------------------------------


def _cross_entropy_case(function, logits, labels=None, targets=None):
    """Softmax cross-entropy on logits, mean over the batch, as F.cross_entropy (soft-target form when
    targets are given)."""
    results = []
    for dtype in (torch.float64, torch.float32):
        z = torch.tensor(logits, dtype=dtype, requires_grad=True)
        target = torch.tensor(labels) if labels is not None else torch.tensor(targets, dtype=dtype)
        loss = F.cross_entropy(z, target)
        loss.backward()
        results.append((loss.item(), z.grad))
    (loss, grad), (loss32, grad32) = results
    check_float32(function + " grad", f32(grad), grad32.numpy())
    check_float32(function + " loss", np.float32(loss), np.float32(loss32))
    document = {"function": function, "from_logits": True, "reduction": "mean", "predictions": Floats(logits)}
    if labels is not None:
        document["labels"] = [int(v) for v in labels]
    else:
        document["targets"] = Floats(targets)
    document.update({"loss": loss, "grad_predictions": Floats(f32(grad))})
    return document


def _mse_case(predictions, targets):
    results = []
    for dtype in (torch.float64, torch.float32):
        p = torch.tensor(predictions, dtype=dtype, requires_grad=True)
        loss = F.mse_loss(p, torch.tensor(targets, dtype=dtype))
        loss.backward()
        results.append((loss.item(), p.grad))
    (loss, grad), (loss32, grad32) = results
    check_float32("mse grad", f32(grad), grad32.numpy())
    check_float32("mse loss", np.float32(loss), np.float32(loss32))
    return {"function": "mean_squared_error", "reduction": "mean", "predictions": Floats(predictions),
            "targets": Floats(targets), "loss": loss, "grad_predictions": Floats(f32(grad))}


def _one_hot(labels, classes):
    return np.eye(classes, dtype=np.float32)[labels]


def loss_cases():
    rng = np.random.default_rng(2024)
    small = uniform((4, 5), -3, 3, rng)
    small_labels = np.array([0, 3, 4, 1])
    # Rows where the true class is far below the others (loss ~160), far above (loss ~0), and ties at +-80.
    large = np.array([[80, -80, 0, 10], [-80, 80, 79, -80], [80, 80, -80, -80], [-80, -80, -80, 80]],
                     dtype=np.float32)
    large_labels = np.array([1, 1, 0, 3])
    soft = rng.random((3, 4)).astype(np.float32)
    soft = (soft / soft.sum(axis=1, keepdims=True)).astype(np.float32)
    return [
        ("sparse_categorical_crossentropy", _cross_entropy_case("sparse_categorical_crossentropy", small,
                                                                labels=small_labels)),
        ("sparse_categorical_crossentropy_large_logits",
         _cross_entropy_case("sparse_categorical_crossentropy", large, labels=large_labels)),
        ("categorical_crossentropy_one_hot", _cross_entropy_case("categorical_crossentropy", small,
                                                                 targets=_one_hot(small_labels, 5))),
        ("categorical_crossentropy_large_logits",
         _cross_entropy_case("categorical_crossentropy", large, targets=_one_hot(large_labels, 4))),
        ("categorical_crossentropy_soft_targets",
         _cross_entropy_case("categorical_crossentropy", uniform((3, 4), -2, 2, rng), targets=soft)),
        ("mean_squared_error", _mse_case(uniform((4, 3), -2, 2, rng), uniform((4, 3), -2, 2, rng))),
        ("mean_squared_error_rank4", _mse_case(uniform((2, 3, 3, 2), -1, 1, rng), uniform((2, 3, 3, 2), -1, 1, rng))),
    ]


# --- optimizers -------------------------------------------------------------------------------------------

OPTIMIZERS = {
    # name: (Keras-style name, Keras-style config, torch constructor)
    "sgd": ("sgd", {"learning_rate": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.0},
            lambda p, c: torch.optim.SGD(p, lr=c["learning_rate"])),
    "sgd_momentum": ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
                     lambda p, c: torch.optim.SGD(p, lr=c["learning_rate"], momentum=c["momentum"])),
    "sgd_nesterov": ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.0},
                     lambda p, c: torch.optim.SGD(p, lr=c["learning_rate"], momentum=c["momentum"], nesterov=True)),
    "sgd_weight_decay": ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.01},
                         lambda p, c: torch.optim.SGD(p, lr=c["learning_rate"], momentum=c["momentum"],
                                                      weight_decay=c["weight_decay"])),
    "adam": ("adam", {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "weight_decay": 0.0},
             lambda p, c: torch.optim.Adam(p, lr=c["learning_rate"], betas=(c["beta_1"], c["beta_2"]),
                                           eps=c["epsilon"])),
    "adamw": ("adamw", {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                        "weight_decay": 0.004},
              lambda p, c: torch.optim.AdamW(p, lr=c["learning_rate"], betas=(c["beta_1"], c["beta_2"]),
                                             eps=c["epsilon"], weight_decay=c["weight_decay"])),
}


# Torch semantics a Keras-minded implementation could miss; each fixture must tell them apart (see
# _require_distinguishable). AdamW's decay is decoupled (p *= 1 - lr * wd); the coupled alternative adds
# wd * p to the gradient, as torch's Adam(weight_decay=...) does.
PLAUSIBLE_MISTAKES = {
    "adamw": lambda p, c: torch.optim.Adam(p, lr=c["learning_rate"], betas=(c["beta_1"], c["beta_2"]),
                                           eps=c["epsilon"], weight_decay=c["weight_decay"]),
    "sgd_nesterov": lambda p, c: torch.optim.SGD(p, lr=c["learning_rate"], momentum=c["momentum"]),
    "sgd_weight_decay": lambda p, c: torch.optim.SGD(p, lr=c["learning_rate"], momentum=c["momentum"]),
}


def _require_distinguishable(where, reference, mistaken):
    use = max(tolerance_use(f32(reference[k]), f32(mistaken[k]), OPTIMIZER_TOLERANCE) for k in reference)
    assert use > 3, "%s: a plausible mistake stays within %.2f of the tolerance" % (where, use)


def _run_optimizer(key, initial, grad_steps, dtype, make=None):
    config = OPTIMIZERS[key][1]
    make = make or OPTIMIZERS[key][2]
    params = {k: torch.tensor(v, dtype=dtype) for k, v in initial.items()}
    optimizer = make(list(params.values()), config)
    trajectory = []
    for grads in grad_steps:
        for k, p in params.items():
            p.grad = torch.tensor(grads[k], dtype=dtype)
        optimizer.step()
        trajectory.append({k: p.detach().clone() for k, p in params.items()})
    return trajectory


def optimizer_cases():
    rng = np.random.default_rng(7)
    initial = {"kernel": uniform((3, 4), -1, 1, rng), "bias": uniform((4,), -0.5, 0.5, rng)}
    grad_steps = []
    for step in range(3):
        grads = {"kernel": uniform((3, 4), -1, 1, rng), "bias": uniform((4,), -0.1, 0.1, rng)}
        # An exact zero and a gradient near epsilon: where torch's eps placement (added to sqrt(v_hat))
        # differs most from Keras's (added to sqrt(v), before bias correction).
        grads["kernel"][0, 0] = 0.0
        grads["kernel"][2, 3] = np.float32(3e-7 * (step + 1))
        grad_steps.append(grads)
    cases = []
    for key, (name, config, _) in OPTIMIZERS.items():
        reference = _run_optimizer(key, initial, grad_steps, torch.float64)
        single = _run_optimizer(key, initial, grad_steps, torch.float32)
        if key in PLAUSIBLE_MISTAKES:
            mistaken = _run_optimizer(key, initial, grad_steps, torch.float64, PLAUSIBLE_MISTAKES[key])
            _require_distinguishable(key, reference[-1], mistaken[-1])
        steps = []
        for i, grads in enumerate(grad_steps):
            for k in initial:
                check_float32("%s step %d %s" % (key, i + 1, k), f32(reference[i][k]), single[i][k].numpy(),
                              OPTIMIZER_TOLERANCE)
            steps.append({"grads": {k: Floats(v) for k, v in grads.items()},
                          "params": {k: Floats(f32(v)) for k, v in reference[i].items()}})
        cases.append((key, {"optimizer": name, "config": config,
                            "params": {k: Floats(v) for k, v in initial.items()}, "steps": steps}))
    return cases


# --- one training step of a tiny CNN ----------------------------------------------------------------------

MODEL_LAYERS = [
    {"type": "Conv2D", "name": "conv2d", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
     "dilation_rate": [1, 1], "groups": 1, "use_bias": True, "activation": "relu"},
    {"type": "MaxPool2D", "name": "max_pool2d", "pool_size": [2, 2], "strides": [2, 2], "padding": "valid",
     "dilation_rate": [1, 1]},
    {"type": "Flatten", "name": "flatten"},
    {"type": "Dense", "name": "dense", "units": 3, "activation": "linear", "use_bias": True},
]
MODEL_OPTIMIZERS = ["sgd_momentum", "adam", "adamw"]
# Adam divides by |g| + eps; with |g| well above eps, float32 noise in g cannot swing the update.
MIN_GRADIENT = 1e-5


def _model_loss(x, labels, p, probes):
    z = F.conv2d(x.permute(0, 3, 1, 2), p["conv2d/kernel"].permute(3, 2, 0, 1), p["conv2d/bias"])
    probes.append(("kink", z))
    a = F.relu(z)
    windows = F.unfold(a, 2, stride=2).reshape(a.shape[0], a.shape[1], 4, -1).transpose(2, 3)
    probes.append(("max", windows + (windows.amax(dim=-1, keepdim=True) <= 0) * torch.arange(4.0)))
    pooled = F.max_pool2d(a, 2, 2)
    flat = pooled.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # Striate flattens NHWC
    logits = flat @ p["dense/kernel"] + p["dense/bias"]
    return F.cross_entropy(logits, labels), logits


def _model_step(key, x, labels, initial, dtype, make=None):
    params = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in initial.items()}
    probes = []
    loss, logits = _model_loss(torch.tensor(x, dtype=dtype), torch.tensor(labels), params, probes)
    loss.backward()
    grads = {k: p.grad.clone() for k, p in params.items()}
    config = OPTIMIZERS[key][1]
    (make or OPTIMIZERS[key][2])(list(params.values()), config).step()
    return loss.item(), logits.detach(), grads, {k: p.detach() for k, p in params.items()}, probes


def _nested(flat):
    out = {}
    for k, v in flat.items():
        layer, name = k.split("/")
        out.setdefault(layer, {})[name] = Floats(f32(v))
    return out


def model_cases():
    shapes = {"conv2d/kernel": (3, 3, 1, 4), "conv2d/bias": (4,), "dense/kernel": (36, 3), "dense/bias": (3,)}
    for attempt in range(50):
        rng = np.random.default_rng([11, attempt])
        x = (distinct((2, 8, 8, 1), 1.0, rng) + 1) / 2  # pixels in (0, 1]
        labels = np.array([2, 0])
        initial = {k: uniform(s, -0.6, 0.6, rng) for k, s in shapes.items()}
        loss, logits, grads, _, probes = _model_step("adam", x, labels, initial, torch.float64)
        if probes_clear(probes) and all(((g.abs() >= MIN_GRADIENT) | (g == 0)).all() for g in grads.values()):
            break
    else:
        raise AssertionError("tiny CNN: no seed avoided kinks, ties and near-zero gradients")
    cases = []
    for key in MODEL_OPTIMIZERS:
        loss, logits, grads, after, _ = _model_step(key, x, labels, initial, torch.float64)
        loss32, _, grads32, after32, _ = _model_step(key, x, labels, initial, torch.float32)
        if key in PLAUSIBLE_MISTAKES:
            _require_distinguishable("model " + key, after,
                                     _model_step(key, x, labels, initial, torch.float64, PLAUSIBLE_MISTAKES[key])[3])
        check_float32(key + " model loss", np.float32(loss), np.float32(loss32))
        for k in after:
            check_float32("%s model grad %s" % (key, k), f32(grads[k]), grads32[k].numpy())
            check_float32("%s model after %s" % (key, k), f32(after[k]), after32[k].numpy(), OPTIMIZER_TOLERANCE)
        name, config, _ = OPTIMIZERS[key]
        cases.append(("one_step_" + key, {
            "layers": MODEL_LAYERS, "input_shape": [8, 8, 1],
            "loss": {"function": "sparse_categorical_crossentropy", "from_logits": True, "reduction": "mean"},
            "optimizer": name, "config": config,
            "inputs": Floats(x), "labels": [int(v) for v in labels],
            "params": _nested(initial), "logits": Floats(f32(logits)), "loss_before": loss,
            "grads": _nested(grads), "params_after": _nested(after),
        }))
    return cases
