"""Layer fixtures for BatchNormalization, ZeroPadding2D, Reshape and UpSampling2D (same format as layer_cases).

Batch-normalisation cases add two keys to the layer format: "training" (true: batch statistics, and the moving
averages are updated; false: the moving statistics, nothing updated) and "state_after", the non-trainable
parameters (moving_mean, moving_variance) after the forward pass. Their "params" hold every parameter, trainable or
not, and "grad_params" only the trainable ones (gamma, beta).
"""

import zlib

import numpy as np
import torch
import torch.nn.functional as F

from fixture_io import OPTIMIZER_TOLERANCE, Floats, check_float32, f32, tolerance_use, uniform
from layer_cases import Case, nchw, nhwc, run

# A moving variance computed with the biased batch variance (Keras's rule) must miss the fixture by at least this
# many optimizer tolerances, so the parity test tells the two conventions apart.
BIAS_MARGIN = 3.0


def zero_padding(name, input_shape, top, bottom, left, right):
    def forward(x, p, probes):
        return nhwc(F.pad(nchw(x), (left, right, top, bottom)))

    return Case({"type": "ZeroPadding2D", "name": name, "padding": [[top, bottom], [left, right]]}, input_shape,
                forward)


def reshape(name, input_shape, target_shape):
    return Case({"type": "Reshape", "name": name, "target_shape": list(target_shape)}, input_shape,
                lambda x, p, probes: x.reshape((x.shape[0],) + tuple(target_shape)))


def up_sampling(name, input_shape, size):
    def forward(x, p, probes):
        out = F.interpolate(nchw(x), scale_factor=size, mode="nearest")
        # Nearest neighbour with an integer factor repeats each pixel: torch must agree with that definition.
        repeated = nchw(x).repeat_interleave(size[0], dim=2).repeat_interleave(size[1], dim=3)
        assert torch.equal(out, repeated), name + ": F.interpolate is not a plain repetition"
        return nhwc(out)

    return Case({"type": "UpSampling2D", "name": name, "size": list(size), "interpolation": "nearest"}, input_shape,
                forward)


def batch_norm(name, input_shape, training, momentum=0.99, epsilon=1e-3, center=True, scale=True):
    """Keras's BatchNormalization over the last axis, computed by torch's F.batch_norm on channels-second data."""
    config = {"type": "BatchNormalization", "name": name, "momentum": momentum, "epsilon": epsilon,
              "center": center, "scale": scale}
    channels = input_shape[-1]
    rng = np.random.default_rng([zlib.crc32(name.encode())])
    # An offset and a spread per channel, so that the mean and variance are not near 0 and 1.
    x = (uniform(input_shape, -1.0, 1.0, rng) * uniform((channels,), 0.5, 2.0, rng)
         + uniform((channels,), -1.0, 1.0, rng)).astype(np.float32)
    params = {}
    if scale:
        params["gamma"] = uniform((channels,), 0.5, 1.5, rng)
    if center:
        params["beta"] = uniform((channels,), -0.5, 0.5, rng)
    params["moving_mean"] = uniform((channels,), -0.5, 0.5, rng)
    params["moving_variance"] = uniform((channels,), 0.5, 1.5, rng)
    grad_output = uniform(input_shape, -1.0, 1.0, rng)

    def evaluate(dtype, unbiased=True):
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        pt = {k: torch.tensor(v, dtype=dtype, requires_grad=k in ("gamma", "beta")) for k, v in params.items()}
        mean, var = pt["moving_mean"].detach().clone(), pt["moving_variance"].detach().clone()
        out = F.batch_norm(xt.movedim(-1, 1), mean, var, pt.get("gamma"), pt.get("beta"), training=training,
                           momentum=1 - momentum, eps=epsilon).movedim(1, -1)
        out.backward(torch.tensor(grad_output, dtype=dtype))
        if not unbiased:
            # Keras's moving variance: the biased batch variance instead of torch's unbiased one.
            batch_var = xt.detach().reshape(-1, channels).var(dim=0, unbiased=False)
            var = momentum * pt["moving_variance"].detach() + (1 - momentum) * batch_var
        grads = {k: v.grad for k, v in pt.items() if v.requires_grad}
        return out, xt.grad, grads, {"moving_mean": mean, "moving_variance": var}

    out, grad_x, grad_p, state = evaluate(torch.float64)
    single = evaluate(torch.float32)
    check_float32(name + " output", f32(out), single[0].detach().numpy())
    check_float32(name + " grad_input", f32(grad_x), single[1].numpy())
    for k in grad_p:
        check_float32(name + " grad " + k, f32(grad_p[k]), single[2][k].numpy())
    for k in state:
        check_float32(name + " " + k, f32(state[k]), single[3][k].numpy(), OPTIMIZER_TOLERANCE)
    if training:
        biased = f32(evaluate(torch.float64, unbiased=False)[3]["moving_variance"])
        miss = tolerance_use(f32(state["moving_variance"]), biased, OPTIMIZER_TOLERANCE)
        assert miss > BIAS_MARGIN, "%s: the biased moving variance is only %.2f tolerances away" % (name, miss)
    else:
        for k in state:
            assert np.array_equal(f32(state[k]), params[k]), name + ": inference changed " + k
    return name, {
        "layer": config,
        "training": training,
        "input": Floats(x),
        "params": {k: Floats(v) for k, v in params.items()},
        "grad_output": Floats(grad_output),
        "output": Floats(f32(out)),
        "grad_input": Floats(f32(grad_x)),
        "grad_params": {k: Floats(f32(v)) for k, v in grad_p.items()},
        "state_after": {k: Floats(f32(v)) for k, v in state.items()},
    }


def all_cases():
    simple = [
        zero_padding("zero_padding_asymmetric", (2, 3, 4, 2), 1, 2, 0, 3),
        reshape("reshape_inferred", (2, 3, 4, 2), (4, -1)),
        reshape("reshape_rank2_to_image", (2, 12), (2, 3, 2)),
        up_sampling("up_sampling_2x2", (2, 3, 4, 2), (2, 2)),
        up_sampling("up_sampling_2x3", (1, 3, 3, 2), (2, 3)),
    ]
    return [
        batch_norm("batch_norm_training", (2, 4, 5, 3), True),
        batch_norm("batch_norm_training_rank2", (6, 4), True, momentum=0.9, epsilon=1e-5),
        batch_norm("batch_norm_training_no_center", (2, 3, 3, 2), True, center=False),
        batch_norm("batch_norm_training_no_scale", (2, 3, 3, 2), True, scale=False),
        batch_norm("batch_norm_inference", (2, 4, 5, 3), False),
        batch_norm("batch_norm_inference_rank2", (5, 4), False, center=False, scale=False),
    ] + [(case.config["name"], run(case)) for case in simple]
