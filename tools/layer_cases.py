"""The single-layer fixtures: each case is a Striate layer config, an NHWC input and a PyTorch reference."""

import math
import zlib

import numpy as np
import torch
import torch.nn.functional as F

from fixture_io import Floats, check_float32, distinct, f32, uniform

# Pre-activations of ReLU-like functions, and the gap between the two largest values of every max-pooling
# window, must be at least this, so float32 rounding cannot move a kink or change an argmax.
KINK_MARGIN = 1e-4


def resolve_padding(padding, in_hw, kernel, strides, dilation):
    """(top, bottom, left, right), as Striate's ConvGeometry: 'same' is Keras's rule, odd pixel after."""
    if padding == "valid":
        return 0, 0, 0, 0
    if padding != "same":
        return tuple(padding)
    sides = []
    for size, k, s, d in zip(in_hw, kernel, strides, dilation):
        effective = d * (k - 1) + 1
        out = -(-size // s)
        total = max((out - 1) * s + effective - size, 0)
        sides += [total // 2, total - total // 2]
    return tuple(sides)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


def activate(name, z, probes, leaky_slope=0.2):
    """A Keras activation on an NHWC (or (N, units)) tensor; softmax runs over the last axis."""
    if name in ("relu", "leaky_relu"):
        probes.append(("kink", z))
    return {
        "linear": lambda: z,
        "relu": lambda: F.relu(z),
        "leaky_relu": lambda: F.leaky_relu(z, leaky_slope),
        "sigmoid": lambda: torch.sigmoid(z),
        "tanh": lambda: torch.tanh(z),
        "softmax": lambda: torch.softmax(z, dim=-1),
    }[name]()


class Case:
    def __init__(self, config, input_shape, forward, param_shapes=None, fan_in=1, input_scale=1.0):
        self.config = config
        self.input_shape = input_shape
        self.forward = forward  # (x NHWC, params in Striate layouts, probes) -> output
        self.param_shapes = param_shapes or {}
        self.fan_in = fan_in
        self.input_scale = input_scale
        self.padding = None


def conv(name, input_shape, filters, kernel=(3, 3), strides=(1, 1), padding="valid", dilation=(1, 1),
         groups=1, use_bias=True, activation="linear"):
    cin = input_shape[3]
    pads = resolve_padding(padding, input_shape[1:3], kernel, strides, dilation)
    top, bottom, left, right = pads

    def forward(x, p, probes):
        w = p["kernel"].permute(3, 2, 0, 1)  # (kH, kW, in/g, out) -> torch (out, in/g, kH, kW)
        z = F.conv2d(F.pad(nchw(x), (left, right, top, bottom)), w, p.get("bias"), strides, 0, dilation, groups)
        return activate(activation, nhwc(z), probes)

    params = {"kernel": (kernel[0], kernel[1], cin // groups, filters)}
    if use_bias:
        params["bias"] = (filters,)
    config = {"type": "Conv2D", "name": name, "filters": filters, "kernel_size": list(kernel),
              "strides": list(strides), "padding": padding if isinstance(padding, str) else list(padding),
              "dilation_rate": list(dilation), "groups": groups, "use_bias": use_bias, "activation": activation}
    case = Case(config, input_shape, forward, params, fan_in=kernel[0] * kernel[1] * cin // groups)
    case.padding = pads
    return case


def max_pool(name, input_shape, pool, strides, padding="valid", dilation=(1, 1)):
    pads = resolve_padding(padding, input_shape[1:3], pool, strides, dilation)
    top, bottom, left, right = pads

    def forward(x, p, probes):
        # Padding is -inf, so a padded pixel never wins; every window here holds at least one real pixel.
        padded = F.pad(nchw(x), (left, right, top, bottom), value=float("-inf"))
        n, c = padded.shape[:2]
        windows = F.unfold(padded, pool, dilation=dilation, stride=strides)
        probes.append(("max", windows.reshape(n, c, pool[0] * pool[1], -1).transpose(2, 3)))
        out = F.max_pool2d(padded, pool, strides, 0, dilation)
        assert torch.isfinite(out).all(), name + ": a window holds only padding"
        return nhwc(out)

    config = {"type": "MaxPool2D", "name": name, "pool_size": list(pool), "strides": list(strides),
              "padding": padding if isinstance(padding, str) else list(padding), "dilation_rate": list(dilation)}
    case = Case(config, input_shape, forward)
    case.padding = pads
    return case


def avg_pool(name, input_shape, pool, strides, padding="valid", count_include_pad=True):
    pads = resolve_padding(padding, input_shape[1:3], pool, strides, (1, 1))
    top, bottom, left, right = pads

    def forward(x, p, probes):
        # Zero padding then a plain average divides by the whole window (count_include_pad=True). Without
        # counting the padding, divide instead by the fraction of the window that lies on real pixels.
        out = F.avg_pool2d(F.pad(nchw(x), (left, right, top, bottom)), pool, strides, 0)
        if not count_include_pad:
            ones = torch.ones((1, 1) + tuple(input_shape[1:3]), dtype=x.dtype)
            out = out / F.avg_pool2d(F.pad(ones, (left, right, top, bottom)), pool, strides, 0)
        if top == bottom and left == right and top <= pool[0] // 2 and left <= pool[1] // 2:
            # PyTorch's own padding covers this case: it must agree with the construction above.
            native = F.avg_pool2d(nchw(x), pool, strides, (top, left), count_include_pad=count_include_pad)
            assert torch.allclose(native, out, rtol=1e-6, atol=1e-6), name + ": differs from torch's padding"
        return nhwc(out)

    config = {"type": "AvgPool2D", "name": name, "pool_size": list(pool), "strides": list(strides),
              "padding": padding if isinstance(padding, str) else list(padding),
              "count_include_pad": count_include_pad}
    case = Case(config, input_shape, forward)
    case.padding = pads
    return case


def global_max_pool(name, input_shape):
    def forward(x, p, probes):
        n, h, w, c = x.shape
        probes.append(("max", x.reshape(n, h * w, c).transpose(1, 2)))
        return x.amax(dim=(1, 2))

    return Case({"type": "GlobalMaxPool2D", "name": name}, input_shape, forward)


def global_avg_pool(name, input_shape):
    return Case({"type": "GlobalAvgPool2D", "name": name}, input_shape, lambda x, p, probes: x.mean(dim=(1, 2)))


def flatten(name, input_shape):
    # Striate flattens NHWC in row-major order (Keras), which is a plain reshape of the NHWC tensor.
    return Case({"type": "Flatten", "name": name}, input_shape, lambda x, p, probes: x.reshape(x.shape[0], -1))


def dense(name, input_shape, units, activation="linear", use_bias=True):
    def forward(x, p, probes):
        z = torch.matmul(x, p["kernel"])  # kernel (in, units) = torch Linear weight transposed
        if use_bias:
            z = z + p["bias"]
        return activate(activation, z, probes)

    params = {"kernel": (input_shape[-1], units)}
    if use_bias:
        params["bias"] = (units,)
    config = {"type": "Dense", "name": name, "units": units, "activation": activation, "use_bias": use_bias}
    return Case(config, input_shape, forward, params, fan_in=input_shape[-1])


def elementwise(type_name, name, input_shape, fn, kink=False, **settings):
    def forward(x, p, probes):
        if kink:
            probes.append(("kink", x))
        return fn(x)

    return Case(dict({"type": type_name, "name": name}, **settings), input_shape, forward, input_scale=3.0)


def all_cases():
    cases = [
        conv("conv_valid_3x3", (2, 7, 7, 3), 4),
        conv("conv_same_s1_odd", (2, 7, 7, 2), 3, padding="same"),
        conv("conv_same_s1_even_kernel", (1, 6, 7, 2), 3, kernel=(2, 4), padding="same"),
        conv("conv_same_s2_even", (2, 8, 8, 2), 3, strides=(2, 2), padding="same"),
        conv("conv_same_s2_odd", (2, 7, 9, 2), 3, kernel=(3, 4), strides=(2, 2), padding="same"),
        conv("conv_same_s3", (1, 8, 8, 2), 2, strides=(3, 3), padding="same"),
        conv("conv_explicit_asymmetric", (1, 6, 5, 2), 3, padding=(1, 2, 0, 3)),
        conv("conv_kernel_3x1", (2, 6, 5, 3), 2, kernel=(3, 1)),
        conv("conv_kernel_1x3", (2, 5, 6, 3), 2, kernel=(1, 3)),
        conv("conv_kernel_2x5", (1, 7, 8, 2), 3, kernel=(2, 5)),
        conv("conv_strides_2x1", (2, 8, 6, 2), 3, strides=(2, 1)),
        conv("conv_strides_3x2", (1, 8, 8, 2), 3, strides=(3, 2)),
        conv("conv_dilation_1x2", (1, 7, 9, 2), 3, dilation=(1, 2)),
        conv("conv_dilation_2x2_s2", (1, 9, 9, 2), 3, strides=(2, 2), dilation=(2, 2)),
        conv("conv_dilation_same", (1, 7, 8, 2), 3, padding="same", dilation=(2, 1)),
        conv("conv_dilation_same_s2", (1, 8, 7, 2), 2, strides=(2, 2), padding="same", dilation=(2, 2)),
        conv("conv_groups_2", (2, 5, 5, 4), 6, groups=2),
        conv("conv_groups_3", (1, 6, 6, 6), 6, kernel=(2, 3), groups=3),
        conv("conv_depthwise_same_s2", (1, 7, 6, 3), 3, strides=(2, 2), padding="same", groups=3),
        conv("conv_no_bias", (2, 5, 5, 2), 3, use_bias=False),
        conv("conv_relu", (2, 5, 5, 3), 4, activation="relu"),
        conv("conv_leaky_relu", (2, 5, 5, 3), 4, activation="leaky_relu"),
        conv("conv_sigmoid", (2, 5, 5, 3), 4, activation="sigmoid"),
        conv("conv_tanh", (2, 5, 5, 3), 4, activation="tanh"),
        conv("conv_softmax", (2, 5, 5, 3), 4, activation="softmax"),
        conv("conv_relu_same_s2_no_bias", (2, 6, 5, 2), 3, strides=(2, 2), padding="same", use_bias=False,
             activation="relu"),
        max_pool("max_pool_2x2", (2, 6, 6, 3), (2, 2), (2, 2)),
        max_pool("max_pool_2x2_odd_input", (1, 7, 7, 2), (2, 2), (2, 2)),
        max_pool("max_pool_3x3_s2", (2, 7, 7, 2), (3, 3), (2, 2)),
        max_pool("max_pool_same_s2", (1, 8, 7, 2), (3, 3), (2, 2), padding="same"),
        max_pool("max_pool_same_s1", (1, 5, 6, 2), (2, 2), (1, 1), padding="same"),
        max_pool("max_pool_explicit_padding", (1, 6, 6, 2), (3, 3), (2, 2), padding=(1, 0, 1, 1)),
        max_pool("max_pool_3x2_s1x2", (2, 6, 7, 2), (3, 2), (1, 2)),
        max_pool("max_pool_dilation", (1, 7, 7, 2), (2, 2), (1, 1), dilation=(2, 2)),
        avg_pool("avg_pool_2x2", (2, 6, 6, 3), (2, 2), (2, 2)),
        avg_pool("avg_pool_3x3_s2", (1, 7, 7, 2), (3, 3), (2, 2)),
        avg_pool("avg_pool_2x3_s1x2", (1, 5, 7, 2), (2, 3), (1, 2)),
        avg_pool("avg_pool_same_include_pad", (1, 8, 7, 2), (3, 3), (2, 2), "same", True),
        avg_pool("avg_pool_same_exclude_pad", (1, 8, 7, 2), (3, 3), (2, 2), "same", False),
        avg_pool("avg_pool_explicit_symmetric_include_pad", (1, 6, 6, 2), (3, 3), (2, 2), (1, 1, 1, 1), True),
        avg_pool("avg_pool_explicit_symmetric_exclude_pad", (1, 6, 6, 2), (3, 3), (2, 2), (1, 1, 1, 1), False),
        avg_pool("avg_pool_explicit_asymmetric_include_pad", (1, 6, 7, 2), (3, 3), (2, 2), (0, 1, 2, 1), True),
        avg_pool("avg_pool_explicit_asymmetric_exclude_pad", (1, 6, 7, 2), (3, 3), (2, 2), (0, 1, 2, 1), False),
        global_max_pool("global_max_pool", (2, 4, 5, 3)),
        global_avg_pool("global_avg_pool", (2, 4, 5, 3)),
        flatten("flatten", (2, 3, 4, 2)),
        dense("dense_linear", (3, 5), 4),
        dense("dense_no_bias", (3, 5), 4, use_bias=False),
        dense("dense_relu", (3, 6), 5, activation="relu"),
        dense("dense_softmax", (3, 5), 4, activation="softmax"),
        dense("dense_rank4_input", (2, 3, 2, 4), 3),
        elementwise("ReLU", "relu", (2, 4, 4, 3), F.relu, kink=True),
        # No negative_slope key: the layer must default to Keras's 0.3.
        elementwise("LeakyReLU", "leaky_relu_default", (2, 4, 4, 3), lambda x: F.leaky_relu(x, 0.3), kink=True),
        elementwise("LeakyReLU", "leaky_relu_custom", (2, 4, 4, 3), lambda x: F.leaky_relu(x, 0.05), kink=True,
                    negative_slope=0.05),
        elementwise("Sigmoid", "sigmoid", (2, 4, 4, 3), torch.sigmoid),
        elementwise("Tanh", "tanh", (2, 4, 4, 3), torch.tanh),
        elementwise("Softmax", "softmax", (2, 3, 3, 4), lambda x: torch.softmax(x, dim=-1)),
        elementwise("Softmax", "softmax_rank2", (3, 6), lambda x: torch.softmax(x, dim=-1)),
    ]
    return [(case.config["name"], run(case)) for case in cases]


def probes_clear(probes):
    for kind, t in probes:
        t = t.detach()
        if kind == "kink" and t.abs().min().item() < KINK_MARGIN:
            return False
        if kind == "max":
            top2 = t.topk(2, dim=-1).values if t.shape[-1] > 1 else None
            if top2 is not None and (top2[..., 0] - top2[..., 1]).min().item() < KINK_MARGIN:
                return False
    return True


def evaluate(case, x, params, grad_output, dtype):
    """Output, input gradient and parameter gradients, computed in dtype; None if a probe fails."""
    xt = torch.tensor(x, dtype=dtype, requires_grad=True)
    pt = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in params.items()}
    probes = []
    out = case.forward(xt, pt, probes)
    if not probes_clear(probes):
        return None
    if grad_output is None:
        return out
    out.backward(torch.tensor(grad_output, dtype=dtype))
    return out, xt.grad, {k: v.grad for k, v in pt.items()}


def run(case):
    name = case.config["name"]
    seed = zlib.crc32(name.encode())
    for attempt in range(50):
        rng = np.random.default_rng([seed, attempt])
        x = distinct(case.input_shape, case.input_scale, rng)
        bound = math.sqrt(3.0 / case.fan_in)
        params = {k: uniform(s, -bound, bound, rng) if k == "kernel" else uniform(s, -0.5, 0.5, rng)
                  for k, s in case.param_shapes.items()}
        probe = evaluate(case, x, params, None, torch.float64)
        if probe is not None:
            break
    else:
        raise AssertionError(name + ": no seed avoided ReLU kinks and max-pooling near-ties")
    grad_output = uniform(tuple(probe.shape), -1.0, 1.0, rng)
    out, grad_x, grad_p = evaluate(case, x, params, grad_output, torch.float64)
    single = evaluate(case, x, params, grad_output, torch.float32)
    assert single is not None, name + ": a kink or tie moved in float32"
    check_float32(name + " output", f32(out), single[0].detach().numpy())
    check_float32(name + " grad_input", f32(grad_x), single[1].numpy())
    for k in grad_p:
        check_float32(name + " grad " + k, f32(grad_p[k]), single[2][k].numpy())
    document = {"layer": case.config}
    if case.padding is not None:
        document["resolved_padding"] = list(case.padding)
    document.update({
        "input": Floats(x),
        "params": {k: Floats(v) for k, v in params.items()},
        "grad_output": Floats(grad_output),
        "output": Floats(f32(out)),
        "grad_input": Floats(f32(grad_x)),
        "grad_params": {k: Floats(f32(v)) for k, v in grad_p.items()},
    })
    return document
