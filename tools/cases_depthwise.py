"""Layer fixtures for depthwise and separable convolutions, and more grouped, dilated and anisotropic Conv2D and
dilated max-pooling cases; same case format as layer_cases."""

import torch.nn.functional as F

from layer_cases import Case, activate, conv, max_pool, nchw, nhwc, resolve_padding, run


def depthwise_conv(x, kernel, pads, strides, dilation):
    """NHWC x and a Keras depthwise kernel (kH, kW, in, mult) -> NCHW output with in * mult channels.

    Output channel c * mult + m comes from input channel c: torch's grouped conv2d with groups = in, whose weight
    (in * mult, 1, kH, kW) is the Keras kernel read as (kH, kW, 1, in * mult), then permuted."""
    kh, kw, cin, mult = kernel.shape
    weight = kernel.reshape(kh, kw, 1, cin * mult).permute(3, 2, 0, 1)
    top, bottom, left, right = pads
    return F.conv2d(F.pad(nchw(x), (left, right, top, bottom)), weight, None, strides, 0, dilation, cin)


def _settings(kernel, strides, padding, dilation, depth_multiplier, use_bias, activation):
    """The config keys DepthwiseConv2D and SeparableConv2D share, every one written out."""
    return {"kernel_size": list(kernel), "strides": list(strides),
            "padding": padding if isinstance(padding, str) else list(padding), "depth_multiplier": depth_multiplier,
            "dilation_rate": list(dilation), "use_bias": use_bias, "activation": activation}


def depthwise(name, input_shape, kernel=(3, 3), strides=(1, 1), padding="valid", dilation=(1, 1), depth_multiplier=1,
              use_bias=True, activation="linear"):
    cin = input_shape[3]
    pads = resolve_padding(padding, input_shape[1:3], kernel, strides, dilation)

    def forward(x, p, probes):
        z = nhwc(depthwise_conv(x, p["depthwise_kernel"], pads, strides, dilation))
        if use_bias:
            z = z + p["bias"]
        return activate(activation, z, probes)

    params = {"depthwise_kernel": (kernel[0], kernel[1], cin, depth_multiplier)}
    if use_bias:
        params["bias"] = (cin * depth_multiplier,)
    config = dict({"type": "DepthwiseConv2D", "name": name},
                  **_settings(kernel, strides, padding, dilation, depth_multiplier, use_bias, activation))
    case = Case(config, input_shape, forward, params)
    case.padding = pads
    return case


def separable(name, input_shape, filters, kernel=(3, 3), strides=(1, 1), padding="valid", dilation=(1, 1),
              depth_multiplier=1, use_bias=True, activation="linear"):
    cin = input_shape[3]
    pads = resolve_padding(padding, input_shape[1:3], kernel, strides, dilation)

    def forward(x, p, probes):
        # Depthwise without bias, then a 1x1 convolution with the bias: Keras's SeparableConv2D.
        mid = depthwise_conv(x, p["depthwise_kernel"], pads, strides, dilation)
        pointwise = p["pointwise_kernel"].permute(3, 2, 0, 1)  # (1, 1, in * mult, filters) -> (filters, in * mult, 1, 1)
        z = F.conv2d(mid, pointwise, p.get("bias"))
        return activate(activation, nhwc(z), probes)

    params = {"depthwise_kernel": (kernel[0], kernel[1], cin, depth_multiplier),
              "pointwise_kernel": (1, 1, cin * depth_multiplier, filters)}
    if use_bias:
        params["bias"] = (filters,)
    config = dict({"type": "SeparableConv2D", "name": name, "filters": filters},
                  **_settings(kernel, strides, padding, dilation, depth_multiplier, use_bias, activation))
    case = Case(config, input_shape, forward, params)
    case.padding = pads
    return case


def all_cases():
    cases = [
        depthwise("depthwise_valid_3x3", (2, 6, 7, 3)),
        depthwise("depthwise_multiplier_2", (2, 5, 6, 3), kernel=(3, 2), depth_multiplier=2),
        depthwise("depthwise_strides_2x1_odd", (2, 7, 5, 2), strides=(2, 1)),
        depthwise("depthwise_dilation_1x2_strides_2x1", (1, 7, 9, 2), kernel=(2, 3), strides=(2, 1), dilation=(1, 2),
                  depth_multiplier=2),
        depthwise("depthwise_kernel_3x1", (2, 5, 3, 2), kernel=(3, 1), depth_multiplier=3),
        depthwise("depthwise_same_s2_odd", (1, 7, 9, 3), kernel=(3, 4), strides=(2, 2), padding="same"),
        depthwise("depthwise_same_dilation_1x2_strides_2x1", (1, 8, 9, 2), strides=(2, 1), padding="same",
                  dilation=(1, 2), depth_multiplier=2),
        depthwise("depthwise_explicit_asymmetric", (1, 4, 5, 2), kernel=(3, 2), padding=(2, 0, 1, 3),
                  depth_multiplier=2),
        depthwise("depthwise_no_bias", (2, 5, 5, 3), use_bias=False),
        depthwise("depthwise_relu_multiplier_2", (2, 5, 5, 2), depth_multiplier=2, activation="relu"),
        depthwise("depthwise_leaky_relu", (2, 5, 5, 3), activation="leaky_relu"),
        depthwise("depthwise_sigmoid", (2, 5, 5, 3), activation="sigmoid"),
        depthwise("depthwise_tanh", (2, 5, 5, 3), activation="tanh"),
        depthwise("depthwise_softmax", (2, 5, 5, 2), depth_multiplier=2, activation="softmax"),
        separable("separable_valid_3x3", (2, 6, 7, 3), 4),
        separable("separable_multiplier_2_strides_2x1_odd", (2, 7, 5, 2), 3, kernel=(3, 2), strides=(2, 1),
                  depth_multiplier=2),
        separable("separable_dilation_1x2_strides_2x1", (1, 7, 9, 3), 2, kernel=(2, 3), strides=(2, 1),
                  dilation=(1, 2)),
        separable("separable_kernel_3x1", (2, 5, 3, 2), 3, kernel=(3, 1), depth_multiplier=2),
        separable("separable_same_s2_odd", (1, 7, 9, 2), 2, kernel=(3, 4), strides=(2, 2), padding="same"),
        separable("separable_explicit_asymmetric", (1, 4, 5, 2), 3, kernel=(3, 2), padding=(2, 0, 1, 3),
                  depth_multiplier=2),
        separable("separable_no_bias", (2, 5, 5, 3), 4, use_bias=False),
        separable("separable_relu_same", (2, 6, 5, 2), 3, padding="same", activation="relu"),
        separable("separable_leaky_relu", (2, 5, 5, 3), 4, activation="leaky_relu"),
        separable("separable_sigmoid", (2, 5, 5, 3), 4, activation="sigmoid"),
        separable("separable_tanh", (2, 5, 5, 3), 4, activation="tanh"),
        separable("separable_softmax", (2, 5, 5, 3), 4, depth_multiplier=2, activation="softmax"),
        # Grouped convolution combined with the other settings, and anisotropic settings on odd sizes.
        conv("conv_groups_2_strides_2x1_dilation_1x2_same", (2, 7, 9, 4), 6, strides=(2, 1), padding="same",
             dilation=(1, 2), groups=2),
        conv("conv_groups_3_explicit_asymmetric_no_bias", (1, 6, 5, 6), 6, kernel=(3, 2), padding=(1, 2, 0, 3),
             groups=3, use_bias=False),
        conv("conv_groups_4_kernel_3x1", (2, 6, 5, 4), 8, kernel=(3, 1), groups=4),
        conv("conv_groups_2_dilation_2x1_strides_1x2_no_bias", (1, 9, 7, 4), 4, kernel=(2, 2), strides=(1, 2),
             dilation=(2, 1), groups=2, use_bias=False),
        conv("conv_groups_2_relu_same_s2_odd", (2, 7, 5, 4), 4, strides=(2, 2), padding="same", groups=2,
             activation="relu"),
        conv("conv_strides_2x1_dilation_1x2_odd", (1, 7, 9, 2), 3, strides=(2, 1), dilation=(1, 2)),
        conv("conv_kernel_3x1_strides_2x1_same_odd", (2, 7, 5, 3), 2, kernel=(3, 1), strides=(2, 1), padding="same"),
        conv("conv_dilation_1x2_strides_1x2_explicit", (1, 5, 9, 2), 3, kernel=(2, 3), strides=(1, 2),
             padding=(0, 1, 2, 1), dilation=(1, 2)),
        max_pool("max_pool_dilation_1x2_strides_2x1", (2, 7, 9, 2), (2, 2), (2, 1), dilation=(1, 2)),
        max_pool("max_pool_dilation_1x2_strides_1x2_same", (1, 6, 9, 2), (3, 2), (1, 2), padding="same",
                 dilation=(1, 2)),
        max_pool("max_pool_dilation_2x1_strides_2x2_explicit", (1, 9, 7, 2), (2, 3), (2, 2), padding=(1, 0, 1, 1),
                 dilation=(2, 1)),
    ]
    return [(case.config["name"], run(case)) for case in cases]
