"""Classic CNNs built from their papers' tables: LeNet-5, AlexNet, VGG16/19, GoogLeNet, ResNets.

Every builder returns an *uncompiled* Keras model whose layer names follow the paper or Keras
(``C1``, ``S2`` … for LeNet-5; ``conv1`` … ``fc8`` for AlexNet; ``block1_conv1`` … for VGG, as in
``keras.applications``), so a notebook can print :func:`layer_table` / :func:`layer_costs` and
assert each row against the slides. :func:`resnet` builds CIFAR-style (6n+2) and ImageNet-style
ResNets, with a ``plain`` switch (same layers, no shortcuts) for the degradation experiment.

Parameter counts (with the defaults):

============  ==========================================================================
LeNet-5       61,706 (C1 156, C3 2,416, C5 48,120, F6 10,164, OUTPUT 850)
AlexNet       62,378,344 single tower; 60,965,224 with ``groups=2`` (conv2, conv4, conv5)
VGG16         138,357,544 (= ``keras.applications.VGG16(weights=None)``); VGG19 143,667,240
ResNet-50     25,610,152 (Keras' ResNet50 adds 26,560 conv biases: ``conv_bias=True``)
ResNet-20     269,722 trainable (CIFAR-style, zero-padding shortcuts, as in He et al.)
============  ==========================================================================

TensorFlow/Keras is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CostTable",
    "GOOGLENET_MODULES",
    "LayerTable",
    "LocalResponseNormalization",
    "VGG_CONFIGS",
    "alexnet",
    "alexnet_geometry",
    "basic_block_params",
    "bottleneck_block_params",
    "conv_flops",
    "conv_params",
    "googlenet",
    "layer_costs",
    "layer_table",
    "lenet5",
    "residual_block",
    "residual_block_check",
    "resnet",
    "simplified_lenet",
    "training_memory",
    "vgg16",
    "vgg19",
]

_ACTIVATIONS = ("tanh", "relu", "sigmoid", "elu", "gelu", "linear")


# --------------------------------------------------------------------------- argument checks


def _check_shape(input_shape: Any, min_size: int, what: str) -> tuple[int, int, int]:
    try:
        shape = tuple(int(s) for s in input_shape)
    except TypeError:
        raise TypeError(
            f"input_shape must be a tuple (height, width, channels), got {input_shape!r}"
        ) from None
    if len(shape) != 3 or any(s <= 0 for s in shape):
        raise ValueError(f"input_shape must be (height, width, channels) > 0, got {input_shape!r}")
    if min(shape[:2]) < min_size:
        raise ValueError(f"{what} needs images of at least {min_size}x{min_size}, got {shape[:2]}")
    return shape  # type: ignore[return-value]


def _check_classes(num_classes: Any) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
    return num_classes


def _check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


# --------------------------------------------------------------------------- LeNet-5


def lenet5(
    input_shape: tuple[int, int, int] = (32, 32, 1),
    num_classes: int = 10,
    activation: str = "tanh",
    pooling: str = "average",
):
    """LeNet-5 (LeCun et al. 1998) as in the slide table.

    ``32x32x1 → C1 6@28x28 (5x5) → S2 6@14x14 → C3 16@10x10 (5x5) → S4 16@5x5 →
    C5 120@1x1 (a 5x5 convolution) → F6 84 → OUTPUT 10 (softmax)``.

    C3 is fully connected to the six S2 maps (the paper's sparse connection table has
    1,516 weights instead of 2,416), and S2/S4 are plain pooling layers without the paper's
    trainable coefficient and bias per map, so the model has 61,706 parameters.

    Parameters
    ----------
    input_shape : (height, width, channels)
        At least 32x32; MNIST's 28x28 digits are padded by 2 pixels on each side first.
    num_classes : int
        Units of the softmax output.
    activation : str
        ``"tanh"`` (1998) or ``"relu"`` (the modern variant) — any of
        ``tanh, relu, sigmoid, elu, gelu, linear``.
    pooling : str
        ``"average"`` (1998, subsampling) or ``"max"`` (modern).

    Returns
    -------
    keras.Sequential
        Uncompiled; layers ``C1, S2, C3, S4, C5, flatten, F6, OUTPUT``. Input float images of
        shape (N, H, W, C); output class probabilities (N, num_classes).
    """
    import keras
    from keras import layers

    shape = _check_shape(input_shape, 32, "LeNet-5")
    num_classes = _check_classes(num_classes)
    activation = _check_choice("activation", activation, _ACTIVATIONS)
    pooling = _check_choice("pooling", pooling, ("average", "max"))
    Pool = layers.AveragePooling2D if pooling == "average" else layers.MaxPooling2D
    return keras.Sequential(
        [
            keras.Input(shape),
            layers.Conv2D(6, 5, activation=activation, name="C1"),
            Pool(2, name="S2"),
            layers.Conv2D(16, 5, activation=activation, name="C3"),
            Pool(2, name="S4"),
            layers.Conv2D(120, 5, activation=activation, name="C5"),
            layers.Flatten(name="flatten"),
            layers.Dense(84, activation=activation, name="F6"),
            layers.Dense(num_classes, activation="softmax", name="OUTPUT"),
        ],
        name=f"lenet5_{activation}_{pooling}",
    )


def simplified_lenet(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    num_classes: int = 10,
    activation: str = "relu",
    dense_units: int = 256,
    initializer: str = "glorot_uniform",
):
    """The simplified LeNet of the EuroPython talk (seed 003, 99.21 % on MNIST).

    ``28x28x1 → conv1 20@24x24 (5x5) → pool1 (2x2 max) → conv2 50@8x8 (5x5) → pool2 →
    flatten → fc1 256 → output 10 (softmax)``; 233,196 parameters on 28x28 inputs.

    Parameters
    ----------
    input_shape : (height, width, channels)
        At least 16x16 (28x28 MNIST or 32x32 padded digits both work).
    num_classes : int
        Units of the softmax output.
    activation : str
        Hidden-layer activation.
    dense_units : int
        Units of the hidden dense layer.
    initializer : str
        Kernel initialiser of every layer: Keras's default ``"glorot_uniform"``, or
        ``"he_normal"`` (variance 2/fan-in, made for ReLU units).

    Returns
    -------
    keras.Sequential
        Uncompiled; layers ``conv1, pool1, conv2, pool2, flatten, fc1, output``.
    """
    import keras
    from keras import layers

    shape = _check_shape(input_shape, 16, "the simplified LeNet")
    num_classes = _check_classes(num_classes)
    activation = _check_choice("activation", activation, _ACTIVATIONS)
    if isinstance(dense_units, bool) or not isinstance(dense_units, int) or dense_units < 1:
        raise ValueError(f"dense_units must be a positive integer, got {dense_units!r}")
    if not isinstance(initializer, str):
        raise TypeError(f"initializer must be a Keras initialiser name, got {initializer!r}")
    keras.initializers.get(initializer)  # raises ValueError for unknown names
    init = {"kernel_initializer": initializer}
    return keras.Sequential(
        [
            keras.Input(shape),
            layers.Conv2D(20, 5, activation=activation, name="conv1", **init),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(50, 5, activation=activation, name="conv2", **init),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(dense_units, activation=activation, name="fc1", **init),
            layers.Dense(num_classes, activation="softmax", name="output", **init),
        ],
        name="simplified_lenet",
    )


# --------------------------------------------------------------------------- AlexNet


def LocalResponseNormalization(  # noqa: N802 - behaves like a layer class
    depth_radius: int = 2, bias: float = 2.0, alpha: float = 1e-4, beta: float = 0.75, **kwargs
):
    """AlexNet's local response normalisation across channels, as a Keras layer.

    ``b[c] = a[c] / (bias + alpha * sum(a[c']^2 for |c' - c| <= depth_radius)) ** beta``;
    the defaults are the paper's ``k=2, n=5, alpha=1e-4, beta=0.75``. No trainable weights.
    Wraps ``tf.nn.local_response_normalization`` (TensorFlow backend only).

    Returns
    -------
    keras.layers.Layer
        Maps (N, H, W, C) to (N, H, W, C).
    """
    import keras

    if not isinstance(depth_radius, int) or depth_radius < 0:
        raise ValueError(f"depth_radius must be a non-negative integer, got {depth_radius!r}")
    for name, value in (("bias", bias), ("alpha", alpha), ("beta", beta)):
        if not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    cls = _lrn_class(keras)
    return cls(depth_radius=depth_radius, bias=bias, alpha=alpha, beta=beta, **kwargs)


_LRN_CLASS: Any = None


def _lrn_class(keras):
    global _LRN_CLASS
    if _LRN_CLASS is not None:
        return _LRN_CLASS

    @keras.saving.register_keras_serializable(package="course_utils")
    class LRN(keras.layers.Layer):
        def __init__(self, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, **kwargs):
            super().__init__(**kwargs)
            self.depth_radius, self.bias = int(depth_radius), float(bias)
            self.alpha, self.beta = float(alpha), float(beta)

        def call(self, inputs):
            import tensorflow as tf

            return tf.nn.local_response_normalization(
                inputs, self.depth_radius, self.bias, self.alpha, self.beta
            )

        def compute_output_shape(self, input_shape):
            return input_shape

        def get_config(self):
            return {**super().get_config(), "depth_radius": self.depth_radius,
                    "bias": self.bias, "alpha": self.alpha, "beta": self.beta}  # fmt: skip

    LRN.__name__ = LRN.__qualname__ = "LocalResponseNormalization"
    _LRN_CLASS = LRN
    return LRN


def _conv_out(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1


def alexnet_geometry(input_size: int) -> tuple[int, int]:
    """conv1's (kernel, stride) for square inputs of ``input_size`` pixels.

    The stride is ``input_size / 32`` rounded, between 1 and 4, and the kernel
    ``2 * stride + 3``: 227 gives the paper's (11, 4); 64 gives (7, 2) and 32 gives (5, 1), so
    conv1's output stays about 28x28 and leaves room for the three overlapping 3x3/2 poolings.

    >>> alexnet_geometry(227), alexnet_geometry(64), alexnet_geometry(32)
    ((11, 4), (7, 2), (5, 1))
    """
    if isinstance(input_size, bool) or not isinstance(input_size, int) or input_size <= 0:
        raise ValueError(f"input_size must be a positive integer, got {input_size!r}")
    stride = min(4, max(1, round(input_size / 32)))
    return 2 * stride + 3, stride


def alexnet(
    input_shape: tuple[int, int, int] = (227, 227, 3),
    num_classes: int = 1000,
    width: float = 1.0,
    groups: int = 1,
    normalization: str | None = None,
    dropout: float = 0.5,
    activation: str = "relu",
    conv1_kernel: int | None = None,
    conv1_stride: int | None = None,
    initializer: str = "he_normal",
):
    """AlexNet (Krizhevsky, Sutskever & Hinton 2012), optionally scaled down.

    ``227x227x3 → conv1 96@55x55 (11x11/4) → [norm1] → pool1 27x27 (3x3/2) → conv2 256@27x27
    (5x5) → [norm2] → pool2 13x13 → conv3 384 → conv4 384 → conv5 256 (3x3, 13x13) →
    pool5 6x6 → fc6 4096 → drop6 → fc7 4096 → drop7 → fc8 1000 (softmax)``.

    Parameters
    ----------
    input_shape : (height, width, channels)
        ``(227, 227, 3)`` for the paper; ``(32, 32, 3)`` or ``(64, 64, 3)`` for small images
        (conv1's kernel and stride then come from :func:`alexnet_geometry`).
    num_classes : int
        Units of fc8 (1000 ImageNet classes).
    width : float
        Multiplies every layer's filters and units (0.25 → conv1 24 filters, fc6 1024 units).
    groups : int
        1 (one tower) or 2: conv2, conv4 and conv5 see only their own GPU's half of the
        channels, as in the paper's two-GPU split (``Conv2D(groups=2)``).
    normalization : None, "lrn", "batch" or "batch_all"
        ``"lrn"`` and ``"batch"`` add a layer ``norm1``/``norm2`` after conv1 and conv2 (after
        the ReLU, the paper's positions): local response normalisation, or batch normalisation
        (momentum 0.9) for comparison. ``"batch_all"`` normalises *every* layer the way later
        networks do: each convolution and hidden dense layer loses its bias and its built-in
        activation and is followed by ``bn<i>`` (BatchNormalization, momentum 0.9) and
        ``relu<i>`` (an Activation layer named after ``activation``), as in Ioffe & Szegedy
        (2015) and ResNet.
    dropout : float
        Dropout rate of ``drop6``/``drop7`` (paper: 0.5); 0 leaves the layers out.
    activation : str
        Hidden activation (paper: ``"relu"``; ``"tanh"`` for the comparison).
    conv1_kernel, conv1_stride : int, optional
        Override conv1's geometry.
    initializer : str
        Kernel initialiser of every layer. ``"he_normal"`` (default) keeps the signal's
        variance through ReLU layers, so training starts at once; Keras's usual
        ``"glorot_uniform"`` leaves eight ReLU layers stuck near the chance loss for the
        first epochs. (The paper drew weights from N(0, 0.01²) and set some biases to 1.)

    Returns
    -------
    keras.Sequential
        Uncompiled. Input float images (N, H, W, C); output probabilities (N, num_classes).

    Raises
    ------
    ValueError
        Bad arguments, or an input too small for three 3x3/2 poolings.
    """
    import keras
    from keras import layers

    shape = _check_shape(input_shape, 8, "AlexNet")
    num_classes = _check_classes(num_classes)
    if isinstance(width, bool) or not isinstance(width, int | float) or not 0 < width <= 4:
        raise ValueError(f"width must be a number in (0, 4], got {width!r}")
    if groups not in (1, 2) or isinstance(groups, bool):
        raise ValueError(f"groups must be 1 or 2, got {groups!r}")
    if normalization not in (None, "lrn", "batch", "batch_all"):
        raise ValueError(
            f"normalization must be None, 'lrn', 'batch' or 'batch_all', got {normalization!r}"
        )
    if isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
    activation = _check_choice("activation", activation, _ACTIVATIONS)
    auto_kernel, auto_stride = alexnet_geometry(min(shape[:2]))
    k1 = auto_kernel if conv1_kernel is None else conv1_kernel
    s1 = auto_stride if conv1_stride is None else conv1_stride
    for name, value in (("conv1_kernel", k1), ("conv1_stride", s1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")

    # Spatial sizes, checked before building so a too-small input gets a clear message.
    size = min(shape[:2])
    for kernel, stride, padding in ((k1, s1, "valid"), (3, 2, "valid"), (3, 2, "valid"),
                                    (3, 2, "valid")):  # fmt: skip
        size = _conv_out(size, kernel, stride, padding)
        if size < 1:
            raise ValueError(
                f"input {shape[:2]} is too small for conv1 {k1}x{k1}/{s1} and three 3x3/2 "
                "poolings; use a larger input or a smaller conv1_kernel/conv1_stride"
            )

    def n(filters: int) -> int:  # scaled width, divisible by the number of groups
        return max(groups, int(round(filters * width / groups)) * groups)

    def norm(name: str):
        if normalization == "lrn":
            return [LocalResponseNormalization(name=name)]
        if normalization == "batch":
            # momentum 0.9, not Keras's 0.99: the running statistics used at test time
            # must settle within the few hundred steps of a short course run.
            return [layers.BatchNormalization(momentum=0.9, name=name)]
        return []

    def drop(name: str):
        return [layers.Dropout(dropout, name=name)] if dropout > 0 else []

    if not isinstance(initializer, str):
        raise TypeError(f"initializer must be a Keras initialiser name, got {initializer!r}")
    keras.initializers.get(initializer)  # raises ValueError for unknown names
    init = initializer  # a name: every layer makes its own initialiser instance
    act = activation

    every = normalization == "batch_all"

    def normalized(layer, name: str) -> list:
        """``layer`` (built without activation and bias) -> BatchNorm -> activation."""
        i = name[-1]
        return [layer, layers.BatchNormalization(momentum=0.9, name=f"bn{i}"),
                layers.Activation(act, name=f"{act}{i}")]  # fmt: skip

    def conv(filters: int, kernel: int, name: str, **kw) -> list:
        if every:
            layer = layers.Conv2D(filters, kernel, use_bias=False, kernel_initializer=init,
                                  name=name, **kw)  # fmt: skip
            return normalized(layer, name)
        return [layers.Conv2D(filters, kernel, activation=act, kernel_initializer=init,
                              name=name, **kw)]  # fmt: skip

    def dense(units: int, name: str) -> list:
        if every:
            layer = layers.Dense(units, use_bias=False, kernel_initializer=init, name=name)
            return normalized(layer, name)
        return [layers.Dense(units, activation=act, kernel_initializer=init, name=name)]

    stack = [
        keras.Input(shape),
        *conv(n(96), k1, "conv1", strides=s1),
        *norm("norm1"),
        layers.MaxPooling2D(3, strides=2, name="pool1"),
        *conv(n(256), 5, "conv2", padding="same", groups=groups),
        *norm("norm2"),
        layers.MaxPooling2D(3, strides=2, name="pool2"),
        *conv(n(384), 3, "conv3", padding="same"),
        *conv(n(384), 3, "conv4", padding="same", groups=groups),
        *conv(n(256), 3, "conv5", padding="same", groups=groups),
        layers.MaxPooling2D(3, strides=2, name="pool5"),
        layers.Flatten(name="flatten"),
        *dense(n(4096), "fc6"),
        *drop("drop6"),
        *dense(n(4096), "fc7"),
        *drop("drop7"),
        layers.Dense(num_classes, activation="softmax", kernel_initializer=init, name="fc8"),
    ]
    return keras.Sequential(stack, name="alexnet" if width == 1 else f"alexnet_w{width:g}")


# --------------------------------------------------------------------------- layer table


@dataclass(frozen=True)
class LayerTable:
    """Per-layer summary of a model: the table the notebooks assert against the slides.

    Attributes
    ----------
    rows : tuple[dict, ...]
        One dict per layer (the input first) with keys ``name``, ``type``, ``detail``
        (e.g. ``"96@11x11/4"``), ``output_shape`` (tuple without the batch axis),
        ``params`` (int), ``activations`` (floats per image) and ``activation_bytes``
        (bytes per image at the layer's dtype).

    Index by position or by layer name: ``table["conv1"]["params"]``.
    """

    rows: tuple[dict, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __getitem__(self, key: int | str) -> dict:
        if isinstance(key, str):
            for row in self.rows:
                if row["name"] == key:
                    return row
            raise KeyError(f"no layer named {key!r}; layers: {', '.join(self.names)}")
        return self.rows[key]

    @property
    def names(self) -> list[str]:
        """Layer names in order."""
        return [row["name"] for row in self.rows]

    @property
    def total_params(self) -> int:
        """Sum of all layers' parameters (equals ``model.count_params()``)."""
        return sum(row["params"] for row in self.rows)

    @property
    def total_activations(self) -> int:
        """Floats stored per image in a forward pass (all layer outputs, input included)."""
        return sum(row["activations"] for row in self.rows)

    @property
    def total_activation_bytes(self) -> int:
        """Bytes of all layer outputs per image."""
        return sum(row["activation_bytes"] for row in self.rows)

    def to_text(self) -> str:
        """A fixed-width text table with a total line."""
        head = ("layer", "type", "detail", "output shape", "params", "activations", "memory")
        body = [
            (r["name"], r["type"], r["detail"], "x".join(map(str, r["output_shape"])),
             f"{r['params']:,}", f"{r['activations']:,}", _human_bytes(r["activation_bytes"]))
            for r in self.rows
        ]  # fmt: skip
        total_bytes = _human_bytes(self.total_activation_bytes)
        body.append(
            ("total", "", "", "", f"{self.total_params:,}", f"{self.total_activations:,}",
             total_bytes)
        )  # fmt: skip
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        right = {4, 5, 6}

        def fmt(row):
            cells = zip(row, widths, strict=True)
            return "  ".join(
                c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(cells)
            ).rstrip()

        rule = "-" * len(fmt(head))
        return "\n".join([fmt(head), rule, *map(fmt, body[:-1]), rule, fmt(body[-1])])

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{r['name']}</td><td>{r['type']}</td><td>{r['detail']}</td>"
            f"<td>{'x'.join(map(str, r['output_shape']))}</td><td>{r['params']:,}</td>"
            f"<td>{r['activations']:,}</td><td>{_human_bytes(r['activation_bytes'])}</td></tr>"
            for r in self.rows
        )
        total = (
            f"<tr><th>total</th><th></th><th></th><th></th><th>{self.total_params:,}</th>"
            f"<th>{self.total_activations:,}</th>"
            f"<th>{_human_bytes(self.total_activation_bytes)}</th></tr>"
        )
        head = "".join(f"<th>{h}</th>" for h in ("layer", "type", "detail", "output shape",
                                                 "params", "activations", "memory"))  # fmt: skip
        return f"<table><tr>{head}</tr>{cells}{total}</table>"


def _human_bytes(n: int) -> str:
    for unit, size in (("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def _detail(layer: Any) -> str:
    cfg = layer.get_config()
    kind = type(layer).__name__
    if kind == "Conv2D":
        k, s = cfg["kernel_size"], cfg["strides"]
        text = f"{cfg['filters']}@{k[0]}x{k[1]}" + (f"/{s[0]}" if s[0] != 1 else "")
        if cfg.get("groups", 1) != 1:
            text += f", groups={cfg['groups']}"
        return text + f", {cfg['activation']}"
    if kind.startswith("Global") and kind.endswith("Pooling2D"):
        return "global"
    if kind.endswith("Pooling2D"):
        p, s = cfg["pool_size"], cfg["strides"]
        return f"{p[0]}x{p[1]}/{s[0]}"
    if kind == "Dense":
        return f"{cfg['units']}, {cfg['activation']}"
    if kind == "Dropout":
        return f"rate {cfg['rate']:g}"
    if kind == "LocalResponseNormalization":
        return f"n={2 * cfg['depth_radius'] + 1}, k={cfg['bias']:g}"
    return ""


def layer_table(model: Any) -> LayerTable:
    """Tabulate a built Keras model layer by layer.

    Parameters
    ----------
    model : keras.Model
        A model with a known input shape (e.g. from :func:`lenet5` or :func:`alexnet`).

    Returns
    -------
    LayerTable
        Rows ``input``, then one per layer; it renders as text and HTML.

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model.
    ValueError
        If the model has not been built (unknown input shape).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if not model.built:
        raise ValueError("the model is not built; give it an input shape (keras.Input) first")
    rows = []
    in_shape = tuple(model.inputs[0].shape[1:])
    itemsize = _itemsize(model.inputs[0].dtype)
    size = math.prod(in_shape)
    rows.append({"name": "input", "type": "Input", "detail": "", "output_shape": in_shape,
                 "params": 0, "activations": size,
                 "activation_bytes": size * itemsize})  # fmt: skip
    for layer in model.layers:
        out = tuple(layer.output.shape[1:])
        size = math.prod(out)
        rows.append({
            "name": layer.name,
            "type": type(layer).__name__,
            "detail": _detail(layer),
            "output_shape": out,
            "params": int(layer.count_params()),
            "activations": size,
            "activation_bytes": size * _itemsize(layer.compute_dtype),
        })  # fmt: skip
    return LayerTable(tuple(rows))


def _itemsize(dtype: Any) -> int:
    import numpy as np

    return np.dtype(str(getattr(dtype, "name", dtype))).itemsize


# =========================================================================== VGG (helper "vgg")
# VGG16/VGG19 built from the slide's table, per-layer multiply-adds and training memory.
# Section owned by notebook 06; other sections of this file are not touched from here.


#: Convolutions per block (filters, number of 3x3 convs) for the two VGG depths of the paper.
VGG_CONFIGS: dict[int, tuple[tuple[int, int], ...]] = {
    16: ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)),
    19: ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4)),
}


def _vgg(depth: int, input_shape: Any, num_classes: Any, include_top: Any):
    import keras
    from keras import layers

    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be True or False, got {include_top!r}")
    shape = _check_shape(input_shape, 32, f"VGG{depth} (five 2x2 poolings)")
    num_classes = _check_classes(num_classes)
    stack: list[Any] = [keras.Input(shape, name="input_layer")]
    for b, (filters, n_convs) in enumerate(VGG_CONFIGS[depth], start=1):
        for i in range(1, n_convs + 1):
            stack.append(layers.Conv2D(filters, 3, padding="same", activation="relu",
                                       name=f"block{b}_conv{i}"))  # fmt: skip
        stack.append(layers.MaxPooling2D(2, strides=2, name=f"block{b}_pool"))
    if include_top:
        stack += [
            layers.Flatten(name="flatten"),
            layers.Dense(4096, activation="relu", name="fc1"),
            layers.Dense(4096, activation="relu", name="fc2"),
            layers.Dense(num_classes, activation="softmax", name="predictions"),
        ]
    return keras.Sequential(stack, name=f"vgg{depth}" if include_top else f"vgg{depth}_base")


def vgg16(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int = 1000,
    include_top: bool = True,
):
    """VGG16 (Simonyan & Zisserman 2014, configuration D) from the slide's table.

    Thirteen 3x3 convolutions (stride 1, 'same' padding, ReLU) in five blocks of
    ``64, 64 | 128, 128 | 256 x3 | 512 x3 | 512 x3`` filters, each block closed by a 2x2/2 max
    pooling, then ``fc1 4096 → fc2 4096 → predictions 1000 (softmax)``. Layer names are those
    of ``keras.applications.VGG16`` (``block1_conv1`` … ``block5_pool``, ``flatten``, ``fc1``,
    ``fc2``, ``predictions``), so weights can be copied layer by layer. 138,357,544 parameters
    at 224x224x3 with 1000 classes (14,714,688 without the top).

    Parameters
    ----------
    input_shape : (height, width, channels)
        At least 32x32 (five poolings halve the size). With ``include_top`` the size fixes
        fc1's input: 224x224 gives 7x7x512 = 25,088 inputs.
    num_classes : int
        Units of the softmax layer ``predictions``.
    include_top : bool
        False stops after ``block5_pool`` (the convolutional base used for transfer learning).

    Returns
    -------
    keras.Sequential
        Uncompiled, randomly initialised. Input float images (N, H, W, C); output
        probabilities (N, num_classes), or feature maps (N, H/32, W/32, 512) without the top.

    Raises
    ------
    TypeError, ValueError
        Bad ``input_shape``, ``num_classes`` or ``include_top``.
    """
    return _vgg(16, input_shape, num_classes, include_top)


def vgg19(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int = 1000,
    include_top: bool = True,
):
    """VGG19 (configuration E, "OxfordNet"): as :func:`vgg16` with four convolutions in blocks
    3, 4 and 5 (sixteen 3x3 convolutions). 143,667,240 parameters at 224x224x3 with 1000
    classes (20,024,384 without the top). Same arguments, returns and errors as :func:`vgg16`.
    """
    return _vgg(19, input_shape, num_classes, include_top)


@dataclass(frozen=True, repr=False)  # keep LayerTable's text repr
class CostTable(LayerTable):
    """A :class:`LayerTable` whose rows also carry ``macs``: multiply-adds per image.

    One multiply-add (MAC) is two floating-point operations (FLOPs). Convolutions count
    ``H_out·W_out·C_out·k_h·k_w·C_in/groups``, dense layers ``inputs·units``; pooling,
    activations and reshapes are counted as 0 (they are comparisons or copies, a rounding
    error next to the convolutions).
    """

    @property
    def total_macs(self) -> int:
        """Multiply-adds per image of the whole model."""
        return sum(row["macs"] for row in self.rows)

    @property
    def total_flops(self) -> int:
        """FLOPs per image (2 per multiply-add)."""
        return 2 * self.total_macs

    def to_text(self) -> str:
        """The :class:`LayerTable` text table with a ``MACs`` column (in millions)."""
        lines = super().to_text().split("\n")
        macs = [f"{r['macs'] / 1e6:,.1f}M" if r["macs"] else "0" for r in self.rows]
        values = ["MACs", "", *macs[:], "", f"{self.total_macs / 1e6:,.1f}M"]
        width = max(len(v) for v in values)
        out = []
        for line, value in zip(lines, values, strict=True):
            if set(line) == {"-"}:
                out.append(line + "-" * (width + 2))
            else:
                out.append(line.ljust(len(lines[1])) + "  " + value.rjust(width))
        return "\n".join(out)

    def _repr_html_(self) -> str:
        html = super()._repr_html_()
        # one extra cell per row: header, rows, total
        cells = ["<th>MACs</th>", *(f"<td>{r['macs']:,}</td>" for r in self.rows),
                 f"<th>{self.total_macs:,}</th>"]  # fmt: skip
        parts = html.split("</tr>")
        return "</tr>".join(p + c for p, c in zip(parts[:-1], cells, strict=True)) + "</tr>" + \
            parts[-1]  # fmt: skip


def layer_costs(model: Any) -> CostTable:
    """:func:`layer_table` plus multiply-adds per image for every layer.

    Parameters
    ----------
    model : keras.Model
        A built model (known input shape).

    Returns
    -------
    CostTable
        Rows as in :func:`layer_table` with an extra key ``macs`` (int); ``total_macs``,
        ``total_flops``.

    Raises
    ------
    TypeError, ValueError
        As :func:`layer_table`.
    """
    table = layer_table(model)
    by_name = {layer.name: layer for layer in model.layers}
    rows = []
    for row in table:
        layer = by_name.get(row["name"]) if row["type"] != "Input" else None
        macs = 0
        kind = type(layer).__name__ if layer is not None else ""
        if kind in ("Conv2D", "Conv1D"):
            cfg = layer.get_config()
            c_in = int(layer.input.shape[-1])
            k = math.prod(cfg["kernel_size"])
            macs = math.prod(row["output_shape"]) * k * c_in // cfg.get("groups", 1)
        elif kind == "Dense":
            macs = int(layer.input.shape[-1]) * math.prod(row["output_shape"])
        rows.append({**row, "macs": int(macs)})
    return CostTable(tuple(rows))


def training_memory(
    params: int,
    activations_per_image: int,
    batch_size: int = 1,
    optimizer_slots: int = 2,
    bytes_per_float: int = 4,
) -> dict[str, int]:
    """Bytes a training step holds, split by what needs them (a lower bound).

    Parameters
    ----------
    params : int
        Trainable parameters (weights).
    activations_per_image : int
        Floats stored per image in the forward pass (``LayerTable.total_activations``).
    batch_size : int
        Images per step.
    optimizer_slots : int
        Extra floats per parameter kept by the optimizer: 0 for plain SGD, 1 for momentum,
        2 for Adam (first and second moments).
    bytes_per_float : int
        4 for float32, 2 for float16/bfloat16.

    Returns
    -------
    dict[str, int]
        ``weights``, ``gradients``, ``optimizer``, ``activations`` (forward values kept for
        backprop, whole batch), ``activation_gradients`` (the same size again in the backward
        pass) and ``total``, all in bytes.
    """
    for name, value, low in (("params", params, 0), ("activations_per_image",
                             activations_per_image, 0), ("batch_size", batch_size, 1),
                             ("optimizer_slots", optimizer_slots, 0),
                             ("bytes_per_float", bytes_per_float, 1)):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an integer, got {value!r}")
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    out = {
        "weights": params * bytes_per_float,
        "gradients": params * bytes_per_float,
        "optimizer": optimizer_slots * params * bytes_per_float,
        "activations": batch_size * activations_per_image * bytes_per_float,
        "activation_gradients": batch_size * activations_per_image * bytes_per_float,
    }
    out["total"] = sum(out.values())
    return out


#: GoogLeNet's nine inception modules (Szegedy et al. 2014, table 1): name -> (1x1, 3x3 reduce,
#: 3x3, 5x5 reduce, 5x5, pool proj); None marks the 3x3/2 max pooling between stages.
GOOGLENET_MODULES: tuple[tuple[str, tuple[int, ...]] | None, ...] = (
    ("inception_3a", (64, 96, 128, 16, 32, 32)), ("inception_3b", (128, 128, 192, 32, 96, 64)),
    None,
    ("inception_4a", (192, 96, 208, 16, 48, 64)), ("inception_4b", (160, 112, 224, 24, 64, 64)),
    ("inception_4c", (128, 128, 256, 24, 64, 64)), ("inception_4d", (112, 144, 288, 32, 64, 64)),
    ("inception_4e", (256, 160, 320, 32, 128, 128)),
    None,
    ("inception_5a", (256, 160, 320, 32, 128, 128)),
    ("inception_5b", (384, 192, 384, 48, 128, 128)),
)  # fmt: skip


def googlenet(input_shape: tuple[int, int, int] = (224, 224, 3), num_classes: int = 1000):
    """GoogLeNet / Inception v1 (Szegedy et al. 2014) from the paper's table 1, for counting.

    ``conv1 7x7/2 64 → pool 3x3/2 → conv2 1x1 64 → conv2 3x3 192 → pool → inception 3a, 3b →
    pool → 4a … 4e → pool → 5a, 5b → global average pooling → dropout 0.4 → fc 1000``; each
    inception module concatenates a 1x1, a 1x1→3x3, a 1x1→5x5 and a 3x3-pool→1x1 branch.
    Without the paper's LRN layers and auxiliary classifiers (used only in training):
    6,998,552 parameters at 224x224x3 with 1000 classes, 1.6 G multiply-adds per image.

    Returns
    -------
    keras.Model
        Uncompiled functional model; input (N, H, W, C) with H, W >= 32; output (N, num_classes).
    """
    import keras
    from keras import layers

    shape = _check_shape(input_shape, 32, "GoogLeNet")
    num_classes = _check_classes(num_classes)

    def conv(x, filters, k, name, stride=1):
        return layers.Conv2D(filters, k, strides=stride, padding="same", activation="relu",
                             name=name)(x)  # fmt: skip

    inputs = keras.Input(shape, name="input_layer")
    x = conv(inputs, 64, 7, "conv1", stride=2)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = conv(x, 64, 1, "conv2_reduce")
    x = conv(x, 192, 3, "conv2")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    stage = 3
    for module in GOOGLENET_MODULES:
        if module is None:
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{stage}")(x)
            stage += 1
            continue
        name, (c1, r3, c3, r5, c5, pp) = module
        b1 = conv(x, c1, 1, f"{name}_1x1")
        b3 = conv(conv(x, r3, 1, f"{name}_3x3_reduce"), c3, 3, f"{name}_3x3")
        b5 = conv(conv(x, r5, 1, f"{name}_5x5_reduce"), c5, 5, f"{name}_5x5")
        bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
        bp = conv(bp, pp, 1, f"{name}_pool_proj")
        x = layers.Concatenate(name=name)([b1, b3, b5, bp])
    # the paper's "avg pool 7x7/1" over the whole final map (7x7 at 224x224 inputs)
    x = layers.AveragePooling2D(tuple(x.shape[1:3]), name="avg_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.4, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="fc")(x)
    return keras.Model(inputs, outputs, name="googlenet")


def conv_params(kernel_size: int, c_in: int, c_out: int, bias: bool = True) -> int:
    """Parameters of a ``Conv2D`` layer with square kernels: ``k·k·c_in·c_out (+ c_out)``.

    >>> conv_params(3, 3, 64), conv_params(3, 512, 512, bias=False)
    (1792, 2359296)
    """
    for name, value in (("kernel_size", kernel_size), ("c_in", c_in), ("c_out", c_out)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return kernel_size * kernel_size * c_in * c_out + (c_out if bias else 0)


# =========================================================================== end of VGG section


# =========================================================================== ResNet (notebook 07)
# Residual networks (He et al. 2015): CIFAR-style 6n+2 nets and ImageNet-style ResNet-18/34/50,
# their "plain" counterparts (same layers, no shortcuts) and a checker for the notebook's
# residual-block exercise. Owned by notebook 07; other builders live above.

RESNET_IMAGENET_STAGES: dict[int, tuple[str, tuple[int, ...]]] = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
"""ImageNet ResNets of the paper's Table 1: depth -> (block kind, blocks per stage)."""

_RESNET_STYLES = ("cifar", "imagenet")
_SHORTCUTS = ("projection", "zeropad")


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _bn(layers, name: str, zero_gamma: bool = False):
    # Keras' default momentum 0.99 needs hundreds of steps before the running statistics used
    # at test time settle; 0.9 suits the course's short runs (as in the other builders).
    return layers.BatchNormalization(
        momentum=0.9, epsilon=1e-5, name=name, gamma_initializer="zeros" if zero_gamma else "ones"
    )


def residual_block(
    x: Any,
    filters: int,
    stride: int = 1,
    *,
    bottleneck: bool = False,
    plain: bool = False,
    use_batchnorm: bool = True,
    shortcut: str = "projection",
    zero_init: bool = False,
    conv_bias: bool | None = None,
    name: str = "block",
):
    """Apply one residual block to the Keras tensor ``x`` (functional API).

    Basic block (ResNet-18/34, CIFAR nets): ``3x3 conv(stride) → BN → ReLU → 3x3 conv → BN``,
    then ``+ shortcut(x)`` and a ReLU. Bottleneck block (ResNet-50+): ``1x1 conv(stride) → BN →
    ReLU → 3x3 conv → BN → ReLU → 1x1 conv (4·filters) → BN``, ``+ shortcut(x)``, ReLU; the stride
    sits on the first 1x1 convolution as in the paper and Keras' ``ResNet50``. The shortcut is the
    identity when input and output shapes agree, otherwise a 1x1 convolution with the block's
    stride followed by BN (the paper's option B) or, with ``shortcut="zeropad"``, a strided
    identity padded with zero channels (option A, no parameters; the paper's CIFAR nets).

    Parameters
    ----------
    x : KerasTensor
        Input of shape (N, H, W, C_in).
    filters : int
        Output channels of a basic block; width of a bottleneck's 3x3 conv (its output has
        ``4 * filters`` channels).
    stride : int
        1, or 2 to halve H and W.
    bottleneck : bool
        Bottleneck instead of basic block.
    plain : bool
        Leave out the shortcut (the "plain" network of the degradation experiment).
    use_batchnorm : bool
        Batch normalisation after every convolution (if False, convolutions get biases).
    shortcut : str
        ``"projection"`` or ``"zeropad"``: what the shortcut does when shapes change.
    zero_init : bool
        Initialise the residual branch's last BN scale (gamma) — or, without BN, its last
        convolution kernel — to zero, so that the block starts as the identity (Goyal et al. 2017).
    conv_bias : bool, optional
        Biases in the convolutions; default: only without batch normalisation. Keras'
        ``ResNet50`` has them (``True``) although BN makes them redundant.
    name : str
        Prefix of the layer names: ``{name}_conv1``, ``{name}_bn1``, ``{name}_relu1``, …,
        ``{name}_shortcut_conv``, ``{name}_add``, ``{name}_out`` (the block's output).

    Returns
    -------
    KerasTensor
        Shape (N, ceil(H/stride), ceil(W/stride), C_out) with C_out = ``filters`` (basic) or
        ``4 * filters`` (bottleneck).
    """
    import keras
    from keras import layers

    filters = _positive_int("filters", filters)
    if stride not in (1, 2):
        raise ValueError(f"stride must be 1 or 2, got {stride!r}")
    _check_choice("shortcut", shortcut, _SHORTCUTS)
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    if not hasattr(x, "shape") or len(x.shape) != 4:
        raise TypeError("x must be a Keras tensor of shape (N, H, W, C)")
    bias = (not use_batchnorm) if conv_bias is None else bool(conv_bias)
    out_channels = 4 * filters if bottleneck else filters
    if bottleneck:
        convs = [(filters, 1, stride), (filters, 3, 1), (out_channels, 1, 1)]
    else:
        convs = [(filters, 3, stride), (filters, 3, 1)]
    y = x
    for i, (f, k, s) in enumerate(convs, start=1):
        last = i == len(convs)
        zero_kernel = zero_init and last and not use_batchnorm
        y = layers.Conv2D(
            f, k, strides=s, padding="same", use_bias=bias, kernel_initializer="zeros"
            if zero_kernel else "he_normal", name=f"{name}_conv{i}",
        )(y)  # fmt: skip
        if use_batchnorm:
            y = _bn(layers, f"{name}_bn{i}", zero_gamma=zero_init and last)(y)
        if not last:
            y = layers.Activation("relu", name=f"{name}_relu{i}")(y)
    if not plain:
        in_channels = int(x.shape[-1])
        if stride == 1 and in_channels == out_channels:
            short = x
        elif shortcut == "projection":
            short = layers.Conv2D(
                out_channels, 1, strides=stride, use_bias=bias, kernel_initializer="he_normal",
                name=f"{name}_shortcut_conv",
            )(x)  # fmt: skip
            if use_batchnorm:
                short = _bn(layers, f"{name}_shortcut_bn")(short)
        else:
            if out_channels < in_channels:
                raise ValueError("shortcut='zeropad' cannot reduce the number of channels")
            extra = out_channels - in_channels
            short = x
            if stride == 2:
                short = layers.Lambda(lambda t: t[:, ::2, ::2, :], name=f"{name}_shortcut_sub")(
                    short
                )
            short = layers.Lambda(
                lambda t, e=extra: keras.ops.pad(t, [[0, 0], [0, 0], [0, 0], [e // 2, e - e // 2]]),
                name=f"{name}_shortcut_pad",
            )(short)  # fmt: skip
        y = layers.Add(name=f"{name}_add")([y, short])
    return layers.Activation("relu", name=f"{name}_out")(y)


def resnet(
    depth: int = 20,
    input_shape: tuple[int, int, int] | None = None,
    num_classes: int | None = None,
    *,
    style: str | None = None,
    width: int | None = None,
    plain: bool = False,
    use_batchnorm: bool = True,
    shortcut: str = "projection",
    zero_init: bool = False,
    conv_bias: bool | None = None,
    name: str | None = None,
):
    """A residual network (He et al. 2015) or its plain counterpart, as a Keras functional model.

    ``style="cifar"`` (default for depths 6n+2 other than 50): the paper's CIFAR-10 nets.
    A 3x3 conv with ``width`` filters, then three stages of n basic blocks with ``width``,
    ``2·width``, ``4·width`` filters (feature maps 32, 16, 8 for 32x32 input; the first block of
    stages 2 and 3 has stride 2), global average pooling and a softmax layer: 6n + 2 weighted
    layers. ResNet-20/32/44/56/110 are n = 3/5/7/9/18.

    ``style="imagenet"`` (default for 18, 34, 50, 101, 152): a 7x7/2 conv with 64 filters,
    3x3/2 max pooling, four stages (64, 128, 256, 512 filters; basic blocks for 18/34,
    bottleneck blocks with 4x wider output for 50+, see :data:`RESNET_IMAGENET_STAGES`),
    global average pooling and a 1000-way softmax.

    Parameters
    ----------
    depth : int
        Number of weighted layers (convolutions + the dense layer, shortcuts not counted).
    input_shape : (height, width, channels), optional
        Default (32, 32, 3) for CIFAR style, (224, 224, 3) for ImageNet style.
    num_classes : int, optional
        Default 10 (CIFAR style) or 1000 (ImageNet style).
    style : str, optional
        ``"cifar"`` or ``"imagenet"``; chosen from ``depth`` when omitted.
    width : int, optional
        Filters of the first stage (default 16 for CIFAR style, 64 for ImageNet style).
    plain : bool
        Same layers without shortcuts (the paper's "plain" baseline).
    use_batchnorm : bool
        Batch normalisation after every convolution.
    shortcut : str
        ``"projection"`` (1x1 conv + BN where shapes change; option B) or ``"zeropad"``
        (parameter-free, option A; what the paper used on CIFAR-10).
    zero_init : bool
        Start every residual block as the identity (last BN gamma = 0); see
        :func:`residual_block`.
    conv_bias : bool, optional
        Biases in the convolutions; default only without batch normalisation. ``True`` gives
        exactly the parameter count of ``keras.applications.ResNet50(weights=None)``.
    name : str, optional
        Model name (default ``resnet20``, ``plain20``, ``resnet50`` …).

    Returns
    -------
    keras.Model
        Uncompiled; input float images (N, H, W, C), output class probabilities
        (N, num_classes). Block outputs are named ``stage{s}_block{b}_out``; the model's
        attribute ``blocks`` lists those names in order.

    Raises
    ------
    ValueError
        Depth not of the form 6n+2 (CIFAR) or not in :data:`RESNET_IMAGENET_STAGES`
        (ImageNet), unknown style/shortcut, bad sizes.
    """
    import keras
    from keras import layers

    if isinstance(depth, bool) or not isinstance(depth, int):
        raise TypeError(f"depth must be an integer, got {type(depth).__name__}")
    if style is None:
        style = "imagenet" if depth in RESNET_IMAGENET_STAGES and depth != 110 else "cifar"
    _check_choice("style", style, _RESNET_STYLES)
    _check_choice("shortcut", shortcut, _SHORTCUTS)
    for flag, value in (("plain", plain), ("use_batchnorm", use_batchnorm),
                        ("zero_init", zero_init)):  # fmt: skip
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    if style == "cifar":
        if depth < 8 or (depth - 2) % 6:
            raise ValueError(
                f"CIFAR-style ResNets have 6n+2 layers (8, 14, 20, 32, 44, 56, 110 …); got {depth}"
            )
        n = (depth - 2) // 6
        kind, stages = "basic", (n, n, n)
        width = 16 if width is None else _positive_int("width", width)
        widths = (width, 2 * width, 4 * width)
        input_shape = _check_shape((32, 32, 3) if input_shape is None else input_shape, 8,
                                   "a CIFAR-style ResNet")  # fmt: skip
        num_classes = _check_classes(10 if num_classes is None else num_classes)
    else:
        if depth not in RESNET_IMAGENET_STAGES:
            raise ValueError(
                f"ImageNet-style ResNets have depth {sorted(RESNET_IMAGENET_STAGES)}; got {depth}"
            )
        kind, stages = RESNET_IMAGENET_STAGES[depth]
        width = 64 if width is None else _positive_int("width", width)
        widths = tuple(width * 2**i for i in range(4))
        input_shape = _check_shape((224, 224, 3) if input_shape is None else input_shape, 32,
                                   "an ImageNet-style ResNet")  # fmt: skip
        num_classes = _check_classes(1000 if num_classes is None else num_classes)
    bias = (not use_batchnorm) if conv_bias is None else bool(conv_bias)

    inputs = keras.Input(shape=input_shape, name="image")
    if style == "cifar":
        x = layers.Conv2D(widths[0], 3, padding="same", use_bias=bias,
                          kernel_initializer="he_normal", name="stem_conv")(inputs)  # fmt: skip
    else:
        x = layers.Conv2D(widths[0], 7, strides=2, padding="same", use_bias=bias,
                          kernel_initializer="he_normal", name="stem_conv")(inputs)  # fmt: skip
    if use_batchnorm:
        x = _bn(layers, "stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    if style == "imagenet":
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    blocks = []
    for s, (n_blocks, filters) in enumerate(zip(stages, widths, strict=True), start=1):
        for b in range(1, n_blocks + 1):
            stride = 2 if (b == 1 and s > 1) else 1
            block_name = f"stage{s}_block{b}"
            x = residual_block(
                x, filters, stride, bottleneck=kind == "bottleneck", plain=plain,
                use_batchnorm=use_batchnorm, shortcut=shortcut, zero_init=zero_init,
                conv_bias=bias, name=block_name,
            )  # fmt: skip
            blocks.append(f"{block_name}_out")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="fc")(x)
    if name is None:
        name = f"{'plain' if plain else 'resnet'}{depth}"
    model = keras.Model(inputs, outputs, name=name)
    model.blocks = blocks
    return model


def basic_block_params(c_in: int, c_out: int, stride: int = 1, batchnorm: bool = True) -> int:
    """Parameters of a basic residual block (no conv biases, BN counts 4 per channel).

    Two 3x3 convolutions ``c_in → c_out → c_out``, each with BN (gamma, beta, moving mean and
    variance: 4 numbers per channel, as ``model.count_params()`` counts them), plus a projection
    shortcut (1x1 conv + BN) when ``stride != 1`` or ``c_in != c_out``.
    """
    for label, v in (("c_in", c_in), ("c_out", c_out)):
        _positive_int(label, v)
    if stride not in (1, 2):
        raise ValueError(f"stride must be 1 or 2, got {stride!r}")
    bn = 4 * c_out if batchnorm else 0
    total = 9 * c_in * c_out + bn + 9 * c_out * c_out + bn
    if stride != 1 or c_in != c_out:
        total += c_in * c_out + bn
    return total


def bottleneck_block_params(c_in: int, filters: int, stride: int = 1) -> int:
    """Parameters of a bottleneck block (1x1 → 3x3 → 1x1 with 4x output, BN, no conv biases).

    ``c_in·f + 9·f² + f·4f`` weights, BN with 4 numbers per channel after each convolution, and a
    projection (1x1 conv ``c_in → 4f`` + BN) when ``stride != 1`` or ``c_in != 4f``.

    Parameters
    ----------
    c_in : int
        Input channels.
    filters : int
        Width f of the 3x3 convolution; the block outputs 4f channels.
    stride : int
        1 or 2.

    Returns
    -------
    int
        What ``count_params()`` reports for the block's layers.
    """
    _positive_int("c_in", c_in)
    f = _positive_int("filters", filters)
    if stride not in (1, 2):
        raise ValueError(f"stride must be 1 or 2, got {stride!r}")
    total = c_in * f + 4 * f + 9 * f * f + 4 * f + f * 4 * f + 4 * 4 * f
    if stride != 1 or c_in != 4 * f:
        total += c_in * 4 * f + 4 * 4 * f
    return total


def conv_flops(model: Any) -> int:
    """Multiply-accumulate operations per image of a model's Conv2D and Dense layers.

    Counts ``H_out·W_out·C_out·(k_h·k_w·C_in/groups)`` for every ``Conv2D`` and ``in·out`` for
    every ``Dense``; batch norm, activations, pooling and additions (a small fraction) are left
    out. The paper's "FLOPs" are these multiply-adds (ResNet-50: 3.8·10⁹).

    Parameters
    ----------
    model : keras.Model
        A built model.

    Returns
    -------
    int
        Multiply-adds for one image.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            kh, kw, c_in_per_group, c_out = layer.kernel.shape
            h, w = layer.output.shape[1:3]
            total += int(h) * int(w) * int(c_out) * int(kh) * int(kw) * int(c_in_per_group)
        elif kind == "Dense":
            total += int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
    return total


def residual_block_check(block_fn: Any, verbose: bool = True):
    """Test a student's residual block by behaviour (the notebook 07 exercise).

    ``block_fn(x, filters, stride)`` must map a Keras tensor (N, H, W, C) to
    (N, H/stride, W/stride, filters). Tests, each printed with ✅/❌:

    1. shape with stride 1 (16 → 16 channels) and with stride 2 (16 → 32 channels);
    2. **identity**: with every weight of the block set to zero (kernels, biases, BN
       gamma/beta; BN variance 1), the block returns its (non-negative) input unchanged —
       that needs the shortcut ``+ x``;
    3. it is not the identity with random weights (the residual branch is there);
    4. with stride 2 the shortcut still carries the input: with zero weights in every layer
       except the 1x1 projection's kernel (set to a known matrix), the output is non-zero;
    5. parameter counts match :func:`basic_block_params` (two 3x3 convs without bias, each
       with BN; a 1x1 projection + BN when the shape changes).

    Parameters
    ----------
    block_fn : callable or Ellipsis
        The student's function; ``...``/None means not attempted yet.
    verbose : bool
        Print one line per test.

    Returns
    -------
    course_utils.exercises.CheckResult
        Truthy when every test passes.
    """
    import keras
    import numpy as np

    from course_utils.exercises import CheckResult

    name = "residual block"
    if block_fn is ... or block_fn is None:
        print(f"⏳ {name}: not attempted yet — write the function, then run this cell.")
        return CheckResult(False)
    if not callable(block_fn):
        raise TypeError("block_fn must be a function block_fn(x, filters, stride)")
    say = print if verbose else (lambda *_: None)
    results = []

    def build(h, c_in, filters, stride):
        inp = keras.Input((h, h, c_in))
        out = block_fn(inp, filters, stride)
        return None if out is None else keras.Model(inp, out)

    def zero_all(model):
        for layer in model.layers:
            for w in layer.weights:
                var = w.path.endswith("moving_variance")
                value = np.ones(w.shape) if var else np.zeros(w.shape)
                w.assign(value.astype("float32"))

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (2, 8, 8, 16)).astype("float32")
    try:
        same, down = build(8, 16, 16, 1), build(8, 16, 32, 2)
    except Exception as err:  # noqa: BLE001 - report any construction error to the student
        print(f"❌ {name}: building the block failed: {type(err).__name__}: {err}")
        return CheckResult(False)
    if same is None or down is None:  # the stub `...` returns None
        print(f"⏳ {name}: not attempted yet — your function returns None; return the output.")
        return CheckResult(False)

    def record(ok, text):
        results.append(bool(ok))
        say(("✅ " if ok else "❌ ") + text)

    got = tuple(same.output.shape[1:]), tuple(down.output.shape[1:])
    record(
        got == ((8, 8, 16), (4, 4, 32)),
        f"shapes: stride 1 (8, 8, 16) and stride 2 (4, 4, 32); got {got[0]} and {got[1]}",
    )
    y_random = np.asarray(same(x, training=False))
    record(np.abs(y_random - x).max() > 1e-3, "with random weights the block changes its input")
    zero_all(same)
    y_zero = np.asarray(same(x, training=False))
    record(
        np.allclose(y_zero, x, atol=1e-5),
        "with all weights zero the block is the identity (F = 0, output = relu(0 + x) = x)",
    )
    zero_all(down)
    projections = [
        layer for layer in down.layers
        if type(layer).__name__ == "Conv2D" and layer.kernel.shape[:2] == (1, 1)
    ]  # fmt: skip
    for layer in projections:
        layer.kernel.assign(np.ones(layer.kernel.shape, "float32") / 16)
    for layer in down.layers:  # BN after the projection must pass the signal: gamma = 1
        if type(layer).__name__ == "BatchNormalization":
            layer.gamma.assign(np.ones(layer.gamma.shape, "float32"))
    y_down = np.asarray(down(x, training=False))
    record(bool(projections) and np.abs(y_down).max() > 1e-3,
           "with stride 2 a 1x1 projection shortcut carries the input")  # fmt: skip
    counts = same.count_params(), down.count_params()
    expected = basic_block_params(16, 16, 1), basic_block_params(16, 32, 2)
    record(counts == expected, f"parameters {counts[0]:,} and {counts[1]:,} "
           f"(expected {expected[0]:,} and {expected[1]:,})")  # fmt: skip
    ok = all(results)
    print(f"✅ {name}: correct!" if ok else f"❌ {name}: not yet — see the failed tests above.")
    return CheckResult(ok)


# =========================================================================== end of ResNet section
