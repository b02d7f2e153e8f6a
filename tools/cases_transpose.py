"""Conv2DTranspose fixtures: F.conv_transpose2d, with Keras's padding rules and asymmetric crops."""

import torch
import torch.nn.functional as F

from layer_cases import Case, activate, nchw, nhwc, run


def transposed_axis(size, k, s, d, padding, axis, output_padding):
    """(out, before) of one axis: the output keeps rows [before, before + out) of the full transposed output of
    (size - 1) * s + ek rows, extended with zero rows at the end where that runs past it."""
    ek = d * (k - 1) + 1
    full = (size - 1) * s + ek
    if padding == "same":
        # Keras 3 (JAX backend): lax.conv_transpose pads the stride-dilated input with (left, right), so the
        # output has (size - 1) * s + left + right - ek + 2 rows and row 0 is full row ek - 1 - left.
        pad_len = s + ek - 2 if output_padding is None else ek + ek % 2 - 2 + output_padding
        left = min(pad_len // 2 + pad_len % 2, ek - 1)
        out = (size - 1) * s + pad_len - ek + 2
        assert output_padding is not None or out == size * s
        return out, ek - 1 - left
    if padding == "valid":
        op = max(s - ek, 0) if output_padding is None else output_padding  # Keras's default for None
        return full + op, 0
    before, after = padding[2 * axis], padding[2 * axis + 1]
    return full - before - after + (output_padding or 0), before


def conv_transpose(name, input_shape, filters, kernel=(3, 3), strides=(1, 1), padding="valid", output_padding=None,
                   dilation=(1, 1), groups=1, use_bias=True, activation="linear", seed_name=None):
    cin = input_shape[3]
    ops = (None, None) if output_padding is None else output_padding
    axes = [transposed_axis(input_shape[1 + a], kernel[a], strides[a], dilation[a], padding, a, ops[a])
            for a in (0, 1)]
    (out_h, top), (out_w, left) = axes
    full_h, full_w = [(input_shape[1 + a] - 1) * strides[a] + dilation[a] * (kernel[a] - 1) + 1 for a in (0, 1)]

    def forward(x, p, probes):
        w = p["kernel"].permute(3, 2, 0, 1)  # (kH, kW, filters/g, in) -> torch (in, filters/g, kH, kW)
        full = F.conv_transpose2d(nchw(x), w, None, strides, 0, 0, groups, dilation)
        extended = F.pad(full, (0, max(left + out_w - full_w, 0), 0, max(top + out_h - full_h, 0)))
        z = extended[:, :, top:top + out_h, left:left + out_w]
        if use_bias:
            z = z + p["bias"].reshape(1, -1, 1, 1)
        native_padding = padding == "valid" or (isinstance(padding, tuple) and padding[0] == padding[1]
                                                and padding[2] == padding[3])
        if native_padding:
            # PyTorch's own padding covers this case: it must agree with the crop above.
            sym = (0, 0) if padding == "valid" else (padding[0], padding[2])
            op = tuple(out - (full_size - 2 * pad) for out, full_size, pad in
                       ((out_h, full_h, sym[0]), (out_w, full_w, sym[1])))
            native = F.conv_transpose2d(nchw(x), w, p.get("bias"), strides, sym, op, groups, dilation)
            assert torch.allclose(native, z, rtol=1e-6, atol=1e-6), name + ": differs from torch's padding"
        return activate(activation, nhwc(z), probes)

    params = {"kernel": (kernel[0], kernel[1], filters // groups, cin)}
    if use_bias:
        params["bias"] = (filters,)
    config = {"type": "Conv2DTranspose", "name": seed_name or name, "filters": filters,
              "kernel_size": list(kernel), "strides": list(strides),
              "padding": padding if isinstance(padding, str) else list(padding),
              "output_padding": None if output_padding is None else list(output_padding),
              "dilation_rate": list(dilation), "groups": groups, "use_bias": use_bias, "activation": activation}
    case = Case(config, input_shape, forward, params, fan_in=kernel[0] * kernel[1] * cin // groups)
    # What is cropped from each side of the full output; negative: rows or columns of zeros added.
    case.padding = (top, full_h - top - out_h, left, full_w - left - out_w)
    return name, case


def named_run(named):
    """Runs a case; one built with seed_name draws its input and parameters from that name, then takes its own."""
    name, case = named
    document = run(case)
    document["layer"]["name"] = name
    return name, document


def all_cases():
    cases = [
        conv_transpose("convt_valid_3x3", (2, 4, 4, 3), 4),
        conv_transpose("convt_valid_s2", (2, 3, 4, 2), 3, strides=(2, 2)),
        # One input and kernel, two output sizes: 7x7 and 8x8 (PyTorch's (3, 2, padding 1, output_padding 0/1)).
        conv_transpose("convt_output_padding_0", (1, 4, 4, 2), 2, strides=(2, 2), padding=(1, 1, 1, 1),
                       output_padding=(0, 0), seed_name="convt_output_padding"),
        conv_transpose("convt_output_padding_1", (1, 4, 4, 2), 2, strides=(2, 2), padding=(1, 1, 1, 1),
                       output_padding=(1, 1), seed_name="convt_output_padding"),
        conv_transpose("convt_strides_2x1", (2, 3, 4, 2), 3, kernel=(3, 2), strides=(2, 1)),
        conv_transpose("convt_dilation_1x2", (1, 4, 3, 2), 2, dilation=(1, 2)),
        # Width: output padding 1 >= stride 1, allowed because it is below the dilation 2.
        conv_transpose("convt_dilation_s2_output_padding", (1, 3, 3, 2), 2, strides=(2, 1), dilation=(2, 2),
                       padding=(1, 1, 1, 1), output_padding=(1, 1)),
        # Output padding 2 >= stride 1 but < dilation 3, valid: two rows that no input pixel reaches.
        conv_transpose("convt_output_padding_beyond_stride", (2, 3, 2, 2), 2, kernel=(2, 2), dilation=(3, 1),
                       output_padding=(2, 0)),
        conv_transpose("convt_kernel_3x1", (2, 4, 3, 3), 2, kernel=(3, 1), strides=(2, 2)),
        conv_transpose("convt_odd_input", (1, 5, 7, 2), 2, strides=(2, 2)),
        conv_transpose("convt_groups_2", (2, 3, 3, 4), 6, strides=(2, 2), groups=2),
        conv_transpose("convt_groups_3_same", (1, 3, 4, 3), 6, kernel=(2, 3), padding="same", groups=3),
        conv_transpose("convt_no_bias", (2, 3, 3, 2), 3, strides=(2, 2), use_bias=False),
        conv_transpose("convt_same_s2_odd_kernel", (2, 3, 4, 2), 3, strides=(2, 2), padding="same"),
        conv_transpose("convt_same_s2_even_kernel", (1, 3, 3, 2), 2, kernel=(4, 4), strides=(2, 2), padding="same"),
        # Kernel below the stride: Keras's same adds zero rows past the full output.
        conv_transpose("convt_same_s3_kernel_1x2", (1, 3, 2, 2), 2, kernel=(1, 2), strides=(3, 3), padding="same"),
        conv_transpose("convt_same_output_padding", (1, 3, 3, 2), 2, kernel=(4, 3), strides=(2, 2), padding="same",
                       output_padding=(1, 1)),
        conv_transpose("convt_same_dilation", (1, 4, 4, 2), 2, dilation=(2, 2), padding="same"),
        conv_transpose("convt_explicit_asymmetric", (1, 3, 4, 2), 3, kernel=(3, 4), strides=(2, 2),
                       padding=(2, 0, 1, 3), output_padding=(1, 0)),
        # Valid with the stride above the kernel and no output_padding: Keras adds stride - kernel = 1.
        conv_transpose("convt_valid_stride_above_kernel", (1, 3, 3, 2), 2, kernel=(2, 2), strides=(3, 3)),
        conv_transpose("convt_relu", (2, 3, 3, 3), 4, strides=(2, 2), activation="relu"),
        conv_transpose("convt_tanh", (2, 3, 3, 3), 4, strides=(2, 2), activation="tanh"),
        conv_transpose("convt_softmax", (1, 3, 3, 3), 4, strides=(2, 2), padding="same", activation="softmax"),
    ]
    return [named_run(c) for c in cases]
