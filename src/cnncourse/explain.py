"""What a trained CNN looks at: saliency, SmoothGrad, CAM, Grad-CAM, occlusion, FGSM.

Every function takes a batch of images in NHWC layout (a float array of shape
``(N, H, W, C)``) and a built Keras 3 model running on the TensorFlow backend. The
*class score* :math:`s_c(x)` is the model's output for class :math:`c`: the logit when
the model ends in a linear layer (the usual choice for explanations), the probability
when it ends in a softmax.

``saliency``              :math:`\\partial s_c / \\partial x`
``smoothgrad``            the same gradient averaged over noisy copies of the image
``class_activation_map``  :math:`\\sum_k w_{kc} A^k` for a GAP + dense head
``grad_cam``              :math:`\\mathrm{ReLU}(\\sum_k \\alpha_k A^k)` for any convolution
``occlusion_map``         the drop of :math:`s_c` when a patch of the image is greyed out
``fgsm``                  :math:`x + \\epsilon\\,\\mathrm{sign}(\\nabla_x L)`, clipped to the pixel range
``zero_gradient_count``   how many images FGSM leaves unchanged because their loss gradient is 0

Images enter as float32: a float64 batch is rounded to float32 first, and gradients come
back as float32 even from a float64 model (whose arithmetic inside stays float64).

Nothing here plots; :func:`cnncourse.plots.overlay` draws a map over its image.
"""

from __future__ import annotations

import numbers

import keras
import numpy as np

from cnncourse._validation import (
    REAL_KINDS,
    check_array,
    check_bool,
    check_float,
    check_int,
    check_labels,
)

__all__ = [
    "class_activation_map",
    "fgsm",
    "grad_cam",
    "occlusion_map",
    "saliency",
    "smoothgrad",
    "zero_gradient_count",
]

_BATCH = 256


# --------------------------------------------------------------------------- checks


def _tf():
    if keras.backend.backend() != "tensorflow":
        raise ValueError(
            "cnncourse.explain needs Keras's TensorFlow backend (KERAS_BACKEND=tensorflow); "
            f"got {keras.backend.backend()!r}"
        )
    import tensorflow as tf

    return tf


def _check_model(model) -> None:
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model; got {type(model).__name__}")
    if not model.built or not getattr(model, "inputs", None):
        raise ValueError(
            "model must be built with a known input, e.g. keras.Sequential([keras.Input(shape), ...])"
        )
    if len(model.outputs) != 1 or len(model.outputs[0].shape) != 2:
        shapes = [tuple(o.shape) for o in model.outputs]
        raise ValueError(f"model must have one output of shape (N, classes); got {shapes}")


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_images(x, name: str = "x") -> np.ndarray:
    array = check_array(x, name, ndim=4, kinds=REAL_KINDS, finite=True, shape_hint="(N, H, W, C)")
    if array.dtype.kind != "f":
        raise TypeError(
            f"{name} must hold floats (scale the pixels first, e.g. x / 255); got dtype {array.dtype}"
        )
    if np.abs(array).max() > _FLOAT32_MAX:
        raise ValueError(
            f"{name} must lie within float32's range (|{name}| <= {_FLOAT32_MAX:.4g}), because the "
            f"images enter the model as float32; got a largest magnitude of {np.abs(array).max():.4g}"
        )
    return array.astype("float32", copy=False)


def _check_fits(model, x: np.ndarray, name: str = "x") -> None:
    expected = tuple(model.inputs[0].shape[1:])
    if len(expected) != 3:
        raise ValueError(
            f"model must take images (N, H, W, C); its input is {tuple(model.inputs[0].shape)}"
        )
    if any(e is not None and e != g for e, g in zip(expected, x.shape[1:], strict=True)):
        raise ValueError(
            f"{name} must have images of shape {expected} for this model; got {x.shape[1:]}"
        )


def _n_classes(model) -> int:
    return int(model.outputs[0].shape[-1])


def _check_classes(class_index, n: int, n_classes: int, name: str = "class_index") -> np.ndarray:
    if isinstance(class_index, numbers.Integral) and not isinstance(class_index, bool):
        classes = np.full(n, int(class_index))
    elif (
        isinstance(class_index, np.ndarray)
        and class_index.ndim == 0
        and class_index.dtype.kind in "iu"
    ):
        classes = np.full(n, int(class_index))
    else:
        classes = np.asarray(class_index)
        if classes.dtype.kind not in "iu" or classes.shape != (n,):
            raise ValueError(
                f"{name} must be an int or {n} ints (one per image); got {class_index!r}"
            )
    if classes.min() < 0 or classes.max() >= n_classes:
        raise ValueError(
            f"{name} must lie in 0..{n_classes - 1} (the model has {n_classes} outputs); "
            f"got {class_index!r}"
        )
    return classes.astype("int32")


def _class_scores(tf, outputs, classes):
    return tf.gather(outputs, classes, axis=1, batch_dims=1)


def _gradient(tape, target, source, what: str):
    gradient = tape.gradient(target, source)
    if gradient is None:
        raise ValueError(
            f"model: its output does not depend on {what}, so there is no gradient to follow "
            "(tape.gradient returned None)"
        )
    return gradient


def _predict(model, x: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [
            keras.ops.convert_to_numpy(model(x[s : s + _BATCH], training=False))
            for s in range(0, len(x), _BATCH)
        ]
    )


# --------------------------------------------------------------------------- gradients


def _input_gradients(model, x: np.ndarray, classes: np.ndarray) -> np.ndarray:
    tf = _tf()
    grads = []
    for s in range(0, len(x), _BATCH):
        xb = tf.convert_to_tensor(x[s : s + _BATCH])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            scores = _class_scores(tf, model(xb, training=False), classes[s : s + _BATCH])
        grads.append(_gradient(tape, scores, xb, "its input").numpy())
    return np.concatenate(grads)


def saliency(model, x, class_index) -> np.ndarray:
    r"""The gradient of the class score with respect to the input pixels.

    .. math:: g = \frac{\partial s_c(x)}{\partial x}, \qquad
              \text{saliency map } M_{ij} = \max_{\text{channels}} |g_{ij}|

    (Simonyan, Vedaldi and Zisserman, 2014). This function returns the signed gradient
    :math:`g`; the saliency map of the paper is ``np.abs(g).max(axis=-1)``. Each image's
    score depends only on that image (the model is called with ``training=False``), so one
    backward pass gives the gradients of the whole batch.

    Parameters
    ----------
    model : keras.Model
        Built, one output of shape (N, classes).
    x : array_like, shape (N, H, W, C), float
    class_index : int or array_like of N ints
        The class whose score is differentiated, the same for all images or one per image.

    Returns
    -------
    numpy.ndarray, shape (N, H, W, C), float32

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    >>> saliency(model, np.zeros((1, 2, 2, 1), "float32"), 0)[0, ..., 0]    # s = sum of pixels
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    _check_model(model)
    x = _check_images(x)
    _check_fits(model, x)
    classes = _check_classes(class_index, len(x), _n_classes(model))
    return _input_gradients(model, x, classes)


def smoothgrad(
    model, x, class_index, n: int = 50, sigma: float = 0.15, seed: int = 0
) -> np.ndarray:
    r"""SmoothGrad: the input gradient averaged over noisy copies of each image.

    .. math:: \hat g = \frac{1}{n}\sum_{m=1}^{n}
              \frac{\partial s_c}{\partial x}\Big(x + \varepsilon_m\Big),
              \qquad \varepsilon_m \sim \mathcal N(0, \sigma^2 I)

    (Smilkov et al., 2017). ``sigma`` is in the units of the pixels (0.15 is 15 % of the
    range of images in [0, 1]). The noise is drawn from ``numpy.random.default_rng(seed)``,
    so a call is reproducible; the noisy copies are not clipped to the pixel range.

    Parameters
    ----------
    model : keras.Model
    x : array_like, shape (N, H, W, C), float
    class_index : int or array_like of N ints
    n : int
        Number of noisy copies per image (n = 1 with sigma = 0 is :func:`saliency`).
    sigma : float
        Standard deviation of the noise, >= 0.
    seed : int

    Returns
    -------
    numpy.ndarray, shape (N, H, W, C), float32

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    >>> smoothgrad(model, np.zeros((1, 2, 2, 1), "float32"), 0, n=4)[0, ..., 0]  # linear: no change
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    _check_model(model)
    x = _check_images(x)
    _check_fits(model, x)
    classes = _check_classes(class_index, len(x), _n_classes(model))
    n = check_int(n, "n", min_value=1)
    sigma = check_float(sigma, "sigma", min_value=0)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    total = np.zeros_like(x)
    for _ in range(n):
        noisy = (x + rng.normal(scale=sigma, size=x.shape)).astype("float32")
        total += _input_gradients(model, noisy, classes)
    return total / n


# --------------------------------------------------------------------------- CAM, Grad-CAM


def grad_cam(model, x, class_index, layer_name: str) -> np.ndarray:
    r"""Grad-CAM: the feature maps of one layer weighted by their mean gradient.

    With :math:`A^k_{ij}` the activation of channel :math:`k` of layer ``layer_name`` at
    position :math:`(i, j)` of its :math:`h \times w` grid,

    .. math:: \alpha_k = \frac{1}{hw}\sum_{i,j}\frac{\partial s_c}{\partial A^k_{ij}},
              \qquad L_{ij} = \mathrm{ReLU}\Big(\sum_k \alpha_k A^k_{ij}\Big)

    (Selvaraju et al., 2017). The map has the layer's resolution, not the image's.

    Parameters
    ----------
    model : keras.Model
    x : array_like, shape (N, H, W, C), float
    class_index : int or array_like of N ints
    layer_name : str
        A layer of ``model`` whose output has shape (N, h, w, K), usually the last
        convolution.

    Returns
    -------
    numpy.ndarray, shape (N, h, w), float32, non-negative

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((3, 3, 1)),
    ...     keras.layers.Conv2D(1, 1, use_bias=False, kernel_initializer="ones", name="conv"),
    ...     keras.layers.GlobalAveragePooling2D(),
    ...     keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    >>> grad_cam(model, x, 0, "conv")[0] * 9     # alpha = 1/9, A = x
    array([[0., 1., 2.],
           [3., 4., 5.],
           [6., 7., 8.]], dtype=float32)
    """
    tf = _tf()
    _check_model(model)
    x = _check_images(x)
    _check_fits(model, x)
    classes = _check_classes(class_index, len(x), _n_classes(model))
    names = [layer.name for layer in model.layers]
    if not isinstance(layer_name, str) or layer_name not in names:
        inside = _nested_owner(model, layer_name) if isinstance(layer_name, str) else None
        where = (
            f"; {layer_name!r} lies inside the nested model {inside!r}: name a layer of the "
            f"outer model ({inside!r} itself gives that model's last feature maps)"
            if inside
            else ""
        )
        raise ValueError(
            f"layer_name must name a layer of the model, one of {names}; got {layer_name!r}{where}"
        )
    both = _activations_and_outputs(model, model.get_layer(layer_name))
    maps = []
    for s in range(0, len(x), _BATCH):
        with tf.GradientTape() as tape:
            activations, outputs = both(x[s : s + _BATCH], training=False)
            scores = _class_scores(tf, outputs, classes[s : s + _BATCH])
        grads = _gradient(tape, scores, activations, f"layer {layer_name!r}")
        alpha = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        maps.append(tf.nn.relu(tf.reduce_sum(alpha * activations, axis=-1)).numpy())
    # float32 also from a mixed-precision (float16) model, as documented
    return np.concatenate(maps).astype("float32")


def _nested_owner(model, name: str):
    """The name of the nested model of ``model`` that holds a layer called ``name``, or None."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            if name in [inner.name for inner in layer.layers] or _nested_owner(layer, name):
                return layer.name
    return None


def _connected(model, layer, side: str, with_output: bool = False):
    """(a model from the input to the layer's input or output tensor, that tensor), taken
    from the call (node) of the layer that belongs to ``model``'s graph; None if none does.

    A layer shared by two models, or a nested model (called once in its own graph and once
    in the outer one), has several calls, and its ``input``/``output`` is the first."""
    for node in getattr(layer, "_inbound_nodes", []):
        tensors = getattr(node, side)
        if len(tensors) != 1:
            continue
        outputs = [tensors[0], model.outputs[0]] if with_output else tensors[0]
        try:
            return keras.Model(model.inputs[0], outputs), tensors[0]
        except ValueError:  # this call of the layer is not part of the model's graph
            continue
    return None


def _activations_and_outputs(model, layer):
    """A model from the input to (the layer's output, the model's output).

    (:func:`_connected`), for a nested model too.
    """
    name = layer.name
    connected = _connected(model, layer, "output_tensors", with_output=True)
    if connected is not None:
        both, tensor = connected
        if len(tensor.shape) != 4:
            raise ValueError(
                f"layer_name must name a layer with output (N, h, w, K); {name!r} gives "
                f"{tuple(tensor.shape)}"
            )
        return both
    raise ValueError(
        f"layer_name {name!r}: the layer's output is not connected to the model's input in the "
        "model's own graph, so there is no map to compute; name another layer, or build the "
        "model flat (one functional graph from the input to the output)"
    )


def _gap_head(model):
    """(model from the input to the feature maps, the dense layer after the GAP layer)."""
    layers = model.layers
    gaps = [
        i
        for i, layer in enumerate(layers)
        if isinstance(layer, keras.layers.GlobalAveragePooling2D)
    ]
    if (
        len(gaps) != 1
        or gaps[0] + 1 >= len(layers)
        or not isinstance(layers[gaps[0] + 1], keras.layers.Dense)
    ):
        kinds = [type(layer).__name__ for layer in layers]
        raise ValueError(
            "model must contain one GlobalAveragePooling2D layer followed directly by a Dense "
            f"layer (the head CAM is defined for); got layers {kinds}"
        )
    gap, dense = layers[gaps[0]], layers[gaps[0] + 1]
    after = layers[gaps[0] + 2 :]
    if after and not (len(after) == 1 and _softmax_layer(model) == after[0].name):
        kinds = [type(layer).__name__ for layer in after]
        raise ValueError(
            "model: the Dense layer after GlobalAveragePooling2D must be the model's output "
            f"(optionally followed by a softmax); here it is followed by {kinds}, so CAM would "
            "explain a hidden unit, not a class score"
        )
    activation = getattr(dense.activation, "__name__", repr(dense.activation))
    if activation != "linear":
        raise ValueError(
            "model: the Dense layer after GlobalAveragePooling2D must be linear (activation=None), "
            f"because CAM splits the linear score; got activation {activation!r}. Build the model with "
            "a linear head and apply the softmax outside it"
        )
    connected = _connected(model, gap, "input_tensors")
    if connected is None:
        raise ValueError(
            "model: its GlobalAveragePooling2D layer is not connected to the model's input in "
            "the model's own graph; build the model as one graph from the input to the output"
        )
    return connected[0], dense


def class_activation_map(model, x, class_index) -> np.ndarray:
    r"""The class activation map (CAM) of a model whose head is GAP followed by a dense layer.

    If the last feature maps :math:`A^k_{ij}` (an :math:`h\times w` grid, :math:`K`
    channels) are averaged by global average pooling and a dense layer with kernel
    :math:`w_{kc}` and bias :math:`b_c` computes the score, then

    .. math:: s_c = \sum_k w_{kc}\,\frac{1}{hw}\sum_{i,j} A^k_{ij} + b_c
              = \frac{1}{hw}\sum_{i,j} M^c_{ij} + b_c, \qquad
              M^c_{ij} = \sum_k w_{kc} A^k_{ij}

    (Zhou et al., 2016): the CAM :math:`M^c` says how much each position contributes to
    the score. It is signed; :func:`grad_cam` of the last convolution equals
    :math:`\mathrm{ReLU}(M^c)/(hw)` when the score is the dense layer's linear output.

    Parameters
    ----------
    model : keras.Model
        Contains exactly one ``GlobalAveragePooling2D`` layer, directly followed by a
        linear ``Dense`` layer that is the model's output, or is followed only by a
        ``Softmax`` (the map then explains the logit). A softmax activation on the dense
        layer itself, or further layers after it, raise ``ValueError``: the map would
        explain something other than the class's linear score.
    x : array_like, shape (N, H, W, C), float
    class_index : int or array_like of N ints

    Returns
    -------
    numpy.ndarray, shape (N, h, w), float32

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)),
    ...     keras.layers.Conv2D(1, 1, use_bias=False, kernel_initializer="ones"),
    ...     keras.layers.GlobalAveragePooling2D(),
    ...     keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(2.0))])
    >>> class_activation_map(model, np.ones((1, 2, 2, 1), "float32"), 0)[0]
    array([[2., 2.],
           [2., 2.]], dtype=float32)
    """
    _check_model(model)
    x = _check_images(x)
    _check_fits(model, x)
    features, dense = _gap_head(model)
    classes = _check_classes(class_index, len(x), int(dense.units))
    kernel = dense.get_weights()[0]  # (K, classes)
    activations = _predict(features, x)  # (N, h, w, K)
    return np.einsum("nhwk,kn->nhw", activations, kernel[:, classes]).astype("float32")


# --------------------------------------------------------------------------- occlusion


def occlusion_map(
    model, x, class_index, patch: int = 6, stride: int = 2, value: float = 0.5
) -> np.ndarray:
    r"""Occlusion sensitivity: how much the class score drops when a patch is covered.

    For every top-left corner :math:`(i s, j s)` with the square patch inside the image,

    .. math:: D_{ij} = s_c(x) - s_c\big(x \text{ with } x[is:is+p,\ js:js+p,\ :] = v\big)

    (Zeiler and Fergus, 2014), with patch size :math:`p`, stride :math:`s` and grey value
    :math:`v`. A large positive :math:`D_{ij}` means the covered region supported class
    :math:`c`; a negative one that it spoke against it. Pass a model that ends in a
    softmax for the drop in probability.

    Parameters
    ----------
    model : keras.Model
    x : array_like, shape (N, H, W, C), float
    class_index : int or array_like of N ints
    patch : int
        Side of the square patch, at most min(H, W).
    stride : int
    value : float
        The grey value written into the patch (0.5 is mid-grey for images in [0, 1]).

    Returns
    -------
    numpy.ndarray, shape (N, (H - patch) // stride + 1, (W - patch) // stride + 1), float32

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    >>> x = np.array([[1, 2], [3, 4]], "float32").reshape(1, 2, 2, 1)
    >>> occlusion_map(model, x, 0, patch=1, stride=1, value=0.0)[0]   # drop = the pixel itself
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """
    _check_model(model)
    x = _check_images(x)
    _check_fits(model, x)
    classes = _check_classes(class_index, len(x), _n_classes(model))
    patch = check_int(patch, "patch", min_value=1)
    stride = check_int(stride, "stride", min_value=1)
    value = check_float(value, "value")
    n, height, width, _ = x.shape
    if patch > min(height, width):
        raise ValueError(f"patch must be at most min(H, W) = {min(height, width)}; got {patch}")
    rows = range(0, height - patch + 1, stride)
    cols = range(0, width - patch + 1, stride)
    base = _predict(model, x)[np.arange(n), classes]
    drops = np.empty((n, len(rows), len(cols)), dtype="float32")
    for index in range(n):
        covered = np.repeat(x[index : index + 1], len(rows) * len(cols), axis=0)
        for k, (top, left) in enumerate((r, c) for r in rows for c in cols):
            covered[k, top : top + patch, left : left + patch, :] = value
        scores = _predict(model, covered)[:, classes[index]]
        drops[index] = (base[index] - scores).reshape(len(rows), len(cols))
    return drops


# --------------------------------------------------------------------------- adversarial


def _softmax_layer(model):
    """The name of the softmax the model ends in, or None (nested models looked into)."""
    layer = model.layers[-1] if model.layers else None
    while isinstance(layer, keras.Model) and layer.layers:
        layer = layer.layers[-1]
    if isinstance(layer, keras.layers.Softmax):
        return layer.name
    activation = getattr(layer, "activation", None)
    if getattr(activation, "__name__", None) == "softmax":
        return layer.name
    return None


def _check_attack(model, x, y, from_logits):
    x = _check_images(x)
    _check_fits(model, x)
    labels = check_labels(y, "y", _n_classes(model), n_examples=len(x))
    from_logits = check_bool(from_logits, "from_logits")
    softmax = _softmax_layer(model)
    if from_logits and softmax is not None:
        raise ValueError(
            f"from_logits=True, but the model ends in a softmax (layer {softmax!r}), so its "
            "outputs are probabilities: pass from_logits=False, or build the model without "
            "the final softmax"
        )
    return x, labels.astype("int32")


def _loss_gradients(model, x: np.ndarray, labels: np.ndarray, from_logits: bool) -> np.ndarray:
    """Gradient of the summed cross-entropy, (N, H, W, C); checks probability outputs on the way."""
    tf = _tf()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction="sum")
    grads = []
    for s in range(0, len(x), _BATCH):
        xb = tf.convert_to_tensor(x[s : s + _BATCH])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            outputs = model(xb, training=False)
            loss = loss_fn(labels[s : s + _BATCH], outputs)
        if not from_logits:
            out = keras.ops.convert_to_numpy(outputs)
            if out.min() < 0 or out.max() > 1 or not np.allclose(out.sum(axis=1), 1, atol=1e-3):
                raise ValueError(
                    "from_logits=False needs a model whose outputs are probabilities (in [0, 1], "
                    f"summing to 1); got outputs in [{out.min():.3g}, {out.max():.3g}] with row sums "
                    f"up to {np.abs(out.sum(axis=1) - 1).max():.3g} away from 1. Pass from_logits=True "
                    "for a model that ends in logits"
                )
        grads.append(_gradient(tape, loss, xb, "its input").numpy())
    return np.concatenate(grads)


def fgsm(model, x, y, epsilon: float, *, from_logits: bool, clip=(0.0, 1.0)) -> np.ndarray:
    r"""The fast gradient sign method: one step of size epsilon up the loss, per pixel.

    .. math:: x' = \mathrm{clip}_{[a, b]}\Big(x + \epsilon\,\mathrm{sign}\big(\nabla_x L(x, y)\big)\Big)

    with :math:`L` the cross-entropy of the true label :math:`y` (Goodfellow, Shlens and
    Szegedy, 2015). Every pixel whose gradient is not zero moves by exactly
    :math:`\pm\epsilon` unless clipping to :math:`[a, b]` stops it, so
    :math:`\|x' - x\|_\infty \le \epsilon`, with equality as soon as one such pixel is not
    clipped (up to float32 rounding). An image whose whole gradient is 0 comes back
    unchanged: in float32 this happens when the model is so confident that the softmax
    rounds to exactly 1; :func:`zero_gradient_count` counts such images.

    Parameters
    ----------
    model : keras.Model
        Its output: probabilities (``from_logits=False``) or logits (``from_logits=True``).
    x : array_like, shape (N, H, W, C), float, inside ``clip``
    y : array_like of N ints
        The true labels.
    epsilon : float
        The step, >= 0, in the units of the pixels.
    from_logits : bool, keyword only, required
        There is no default: the wrong value silently computes the gradient of another
        function. With ``False`` the outputs are checked to be probabilities.
    clip : (float, float) or None
        The pixel range ``(a, b)`` the result is clipped to; ``None`` for no clipping.

    Returns
    -------
    numpy.ndarray, shape (N, H, W, C), float32

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((1, 2, 1)), keras.layers.Flatten(),
    ...     keras.layers.Dense(2, use_bias=False,
    ...                        kernel_initializer=keras.initializers.Constant([[1, 0], [0, 1]]))])
    >>> x = np.full((1, 1, 2, 1), 0.5, "float32")      # logits = the two pixels
    >>> fgsm(model, x, [0], 0.25, from_logits=True)[0, 0, :, 0]   # lower pixel 0, raise pixel 1
    array([0.25, 0.75], dtype=float32)
    """
    _tf()
    _check_model(model)
    x, labels = _check_attack(model, x, y, from_logits)
    # at most float32's largest number: a larger step overflows to inf, and inf * 0 is NaN
    epsilon = check_float(epsilon, "epsilon", min_value=0, max_value=_FLOAT32_MAX)
    if clip is not None:
        if (
            not isinstance(clip, tuple | list)
            or len(clip) != 2
            or not all(isinstance(v, numbers.Real) for v in clip)
            or not clip[0] < clip[1]
        ):
            raise ValueError(
                f"clip must be None or a pair (low, high) with low < high; got {clip!r}"
            )
        if x.min() < clip[0] or x.max() > clip[1]:
            raise ValueError(
                f"x must lie inside clip = {tuple(clip)}; got pixels in [{x.min()}, {x.max()}]"
            )
    signs = np.sign(_loss_gradients(model, x, labels, from_logits))
    adversarial = x + np.float32(epsilon) * signs
    if clip is not None:
        adversarial = np.clip(adversarial, clip[0], clip[1])
    return adversarial.astype("float32")


def zero_gradient_count(model, x, y, *, from_logits: bool) -> int:
    r"""How many images have a loss gradient that is exactly zero (FGSM leaves them unchanged).

    .. math:: \#\{n : \nabla_x L(x_n, y_n) = 0 \text{ in every pixel}\}

    In float32 the softmax of a very confident image rounds to exactly 1 for its class,
    the cross-entropy's gradient :math:`p - e_y` then underflows to 0, and
    :func:`fgsm` has no direction to step in. Call this with the same arguments as
    :func:`fgsm` (without epsilon) to know how many of its images were not attacked.

    Parameters
    ----------
    model : keras.Model
    x : array_like, shape (N, H, W, C), float
    y : array_like of N ints
    from_logits : bool, keyword only, required

    Returns
    -------
    int, between 0 and N

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((1, 2, 1)), keras.layers.Flatten(),
    ...     keras.layers.Dense(2, use_bias=False,
    ...                        kernel_initializer=keras.initializers.Constant([[200, 0], [0, -200]]))])
    >>> x = np.array([[0.5, 0.5], [0.0, 0.0]], "float32").reshape(2, 1, 2, 1)
    >>> zero_gradient_count(model, x, [0, 0], from_logits=True)   # logits (100, -100): p is 1
    1
    """
    _tf()
    _check_model(model)
    x, labels = _check_attack(model, x, y, from_logits)
    gradients = _loss_gradients(model, x, labels, from_logits)
    return int(np.sum(~np.any(gradients != 0, axis=(1, 2, 3))))
