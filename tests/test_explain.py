"""cnncourse.explain against independent routes: finite differences, the CAM identity,
hand-computed occlusions and FGSM steps of models with known weights."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncourse import explain


def small_cnn(seed=0, shape=(8, 8, 2), classes=3, activation="tanh"):
    """conv -> conv (named "last") -> GAP -> linear dense: smooth, so differences are clean."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape),
            keras.layers.Conv2D(4, 3, padding="same", activation=activation, name="first"),
            keras.layers.Conv2D(5, 3, activation=activation, name="last"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes, bias_initializer="random_normal", name="head"),
        ]
    )


def linear_model(weights, bias=0.0):
    """s(x) = sum(weights * x) + bias, one output."""
    weights = np.asarray(weights, dtype="float32")
    model = keras.Sequential(
        [keras.Input(weights.shape), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    model.layers[-1].set_weights([weights.reshape(-1, 1), np.array([bias], dtype="float32")])
    return model


@pytest.fixture(scope="module")
def cnn():
    return small_cnn()


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).uniform(size=(3, 8, 8, 2)).astype("float32")


def scores(model, x, c):
    return np.asarray(model(x.astype("float32"), training=False))[:, c]


# --------------------------------------------------------------------------- saliency


def test_saliency_matches_central_differences(cnn, images):
    gradient = explain.saliency(cnn, images, [0, 1, 2])
    assert gradient.shape == images.shape and gradient.dtype == np.float32
    rng = np.random.default_rng(2)
    h = 1e-2  # float32 model: truncation ~h^2, rounding ~1e-7 / h, both ~1e-4 of the scale
    for n, c in enumerate([0, 1, 2]):
        for _ in range(12):
            i, j, k = rng.integers(8), rng.integers(8), rng.integers(2)
            plus, minus = images[n : n + 1].astype("float64"), images[n : n + 1].astype("float64")
            plus[0, i, j, k] += h
            minus[0, i, j, k] -= h
            numeric = (scores(cnn, plus, c) - scores(cnn, minus, c))[0] / (2 * h)
            np.testing.assert_allclose(
                gradient[n, i, j, k], numeric, rtol=2e-2, atol=2e-3 * np.abs(gradient[n]).max()
            )


def test_saliency_of_a_linear_model_is_its_weights():
    weights = np.random.default_rng(3).normal(size=(4, 5, 3))
    model = linear_model(weights, bias=1.5)
    x = np.random.default_rng(4).uniform(size=(2, 4, 5, 3)).astype("float32")
    np.testing.assert_allclose(
        explain.saliency(model, x, 0), np.broadcast_to(weights, x.shape), rtol=1e-6
    )


def test_one_class_index_for_all_images_equals_one_per_image(cnn, images):
    np.testing.assert_array_equal(
        explain.saliency(cnn, images, 1), explain.saliency(cnn, images, [1, 1, 1])
    )


# --------------------------------------------------------------------------- SmoothGrad


def test_smoothgrad_is_the_mean_of_saliency_over_the_same_noise(cnn, images):
    n, sigma, seed = 4, 0.2, 7
    rng = np.random.default_rng(seed)
    by_hand = np.mean(
        [
            explain.saliency(cnn, images + rng.normal(scale=sigma, size=images.shape), 2)
            for _ in range(n)
        ],
        axis=0,
    )
    np.testing.assert_allclose(
        explain.smoothgrad(cnn, images, 2, n=n, sigma=sigma, seed=seed),
        by_hand,
        rtol=1e-5,
        atol=1e-7,
    )


def test_smoothgrad_without_noise_is_saliency(cnn, images):
    np.testing.assert_allclose(
        explain.smoothgrad(cnn, images, 0, n=3, sigma=0.0),
        explain.saliency(cnn, images, 0),
        rtol=1e-6,
    )


def test_smoothgrad_of_a_linear_model_is_its_weights_at_any_noise():
    weights = np.random.default_rng(5).normal(size=(3, 3, 1))
    x = np.zeros((1, 3, 3, 1), "float32")
    np.testing.assert_allclose(
        explain.smoothgrad(linear_model(weights), x, 0, n=5, sigma=1.0)[0], weights, rtol=1e-5
    )


# --------------------------------------------------------------------------- CAM, Grad-CAM


def test_grad_cam_of_the_last_convolution_is_relu_cam_over_hw(cnn, images):
    """For GAP + linear dense: alpha_k = w_kc / (h w), so Grad-CAM = ReLU(CAM) / (h w)."""
    for c in range(3):
        cam = explain.class_activation_map(cnn, images, c)
        assert cam.shape == (3, 6, 6)
        np.testing.assert_allclose(
            explain.grad_cam(cnn, images, c, "last"), np.maximum(cam, 0) / 36, rtol=1e-5, atol=1e-7
        )


def test_cam_averages_to_the_score_minus_the_bias(cnn, images):
    bias = cnn.get_layer("head").get_weights()[1]
    for c in range(3):
        cam = explain.class_activation_map(cnn, images, c)
        np.testing.assert_allclose(
            cam.mean(axis=(1, 2)) + bias[c], scores(cnn, images, c), rtol=1e-5, atol=1e-6
        )


def test_cam_by_hand_from_the_feature_maps(cnn, images):
    features = keras.Model(cnn.inputs[0], cnn.get_layer("last").output)(images).numpy()
    kernel = cnn.get_layer("head").get_weights()[0]
    expected = np.stack([features[n] @ kernel[:, c] for n, c in enumerate([2, 0, 1])])
    np.testing.assert_allclose(
        explain.class_activation_map(cnn, images, [2, 0, 1]), expected, rtol=1e-5, atol=1e-6
    )


def test_grad_cam_of_an_earlier_layer_by_hand():
    """Everything after layer "first" is linear, so dS/dA is a constant computed from the weights."""
    keras.utils.set_random_seed(8)
    model = keras.Sequential(
        [
            keras.Input((5, 5, 1)),
            keras.layers.Conv2D(3, 3, activation="relu", name="first"),
            keras.layers.Conv2D(2, 1, name="mix"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(2, name="head"),
        ]
    )
    x = np.random.default_rng(9).uniform(size=(2, 5, 5, 1)).astype("float32")
    mix, head = (
        model.get_layer("mix").get_weights()[0][0, 0],
        model.get_layer("head").get_weights()[0],
    )
    activations = keras.Model(model.inputs[0], model.get_layer("first").output)(
        x
    ).numpy()  # (2, 3, 3, 3)
    for c in range(2):
        alpha = (mix @ head[:, c]) / 9  # dS/dA_ijk = (mix @ head)_k / 9 at every position: its mean
        expected = np.maximum(activations @ alpha, 0)
        np.testing.assert_allclose(
            explain.grad_cam(model, x, c, "first"), expected, rtol=1e-5, atol=1e-7
        )


# --------------------------------------------------------------------------- occlusion


def test_occlusion_worked_by_hand():
    """s = sum(w * x), 4x4 image, patch 2, stride 2, value 0.5: D = sum over the patch of w (x - 0.5)."""
    weights = np.array([[1, 0, 0, 2], [0, 0, 0, 0], [0, 0, -1, 0], [3, 0, 0, 0]], dtype="float32")[
        ..., None
    ]
    x = np.ones((1, 4, 4, 1), "float32")
    drop = explain.occlusion_map(linear_model(weights), x, 0, patch=2, stride=2, value=0.5)
    # top-left patch holds w = 1: 1 * (1 - 0.5); top-right 2; bottom-left 3; bottom-right -1
    np.testing.assert_allclose(drop[0], [[0.5, 1.0], [1.5, -0.5]])


@settings(max_examples=10, deadline=None)
@given(
    height=st.integers(3, 7),
    width=st.integers(3, 7),
    patch=st.integers(1, 3),
    stride=st.integers(1, 3),
    value=st.floats(-1, 1),
    seed=st.integers(0, 2**16),
)
def test_occlusion_of_a_linear_model_is_the_patch_sum(height, width, patch, stride, value, seed):
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(height, width, 2))
    x = rng.uniform(size=(2, height, width, 2)).astype("float32")
    drop = explain.occlusion_map(
        linear_model(weights), x, 0, patch=patch, stride=stride, value=value
    )
    contribution = weights * (x - np.float32(value))
    rows, cols = range(0, height - patch + 1, stride), range(0, width - patch + 1, stride)
    expected = np.array(
        [
            [[contribution[n, r : r + patch, c : c + patch].sum() for c in cols] for r in rows]
            for n in range(2)
        ]
    )
    np.testing.assert_allclose(drop, expected, rtol=1e-4, atol=1e-4)


def test_occlusion_loops_agree_with_a_direct_evaluation(cnn, images):
    drop = explain.occlusion_map(cnn, images, [0, 1, 2], patch=3, stride=2, value=0.0)
    assert drop.shape == (3, 3, 3)
    covered = images[1:2].copy()
    covered[0, 2:5, 4:7, :] = 0.0
    np.testing.assert_allclose(
        drop[1, 1, 2],
        scores(cnn, images[1:2], 1)[0] - scores(cnn, covered, 1)[0],
        rtol=1e-5,
        atol=1e-6,
    )


# --------------------------------------------------------------------------- FGSM


def two_class_linear(w_true, w_other):
    """Logits (w_true . x, w_other . x); the loss gradient for label 0 points along w_other - w_true."""
    model = keras.Sequential(
        [keras.Input(w_true.shape), keras.layers.Flatten(), keras.layers.Dense(2, use_bias=False)]
    )
    model.layers[-1].set_weights(
        [np.stack([w_true.ravel(), w_other.ravel()], axis=1).astype("float32")]
    )
    return model


def test_fgsm_steps_along_the_sign_of_the_weight_difference():
    rng = np.random.default_rng(10)
    w_true, w_other = rng.normal(size=(6, 6, 1)), rng.normal(size=(6, 6, 1))
    model = two_class_linear(w_true, w_other)
    x = rng.uniform(0.2, 0.8, size=(3, 6, 6, 1)).astype("float32")
    adversarial = explain.fgsm(model, x, [0, 0, 0], 0.1, from_logits=True)
    np.testing.assert_allclose(
        adversarial, x + np.float32(0.1) * np.sign(w_other - w_true), rtol=1e-6
    )
    # the same step through a softmax output, from_logits=False
    probabilities = keras.Sequential([model, keras.layers.Softmax()])
    np.testing.assert_allclose(
        explain.fgsm(probabilities, x, [0, 0, 0], 0.1, from_logits=False), adversarial, rtol=1e-6
    )


def test_fgsm_stays_in_range_and_moves_by_epsilon(cnn, images):
    for epsilon in (0.0, 0.05, 0.3):
        adversarial = explain.fgsm(cnn, images, [0, 1, 2], epsilon, from_logits=True)
        assert adversarial.dtype == np.float32 and adversarial.shape == images.shape
        assert adversarial.min() >= 0 and adversarial.max() <= 1
        np.testing.assert_allclose(
            np.abs(adversarial - images).max(), epsilon, rtol=1e-6, atol=1e-7
        )


def test_fgsm_lowers_the_margin_of_a_linear_model_by_epsilon_times_l1():
    """Without clipping, the logit margin of a linear model drops by exactly eps * ||w_o - w_t||_1."""
    rng = np.random.default_rng(11)
    w_true, w_other = rng.normal(size=(4, 4, 1)), rng.normal(size=(4, 4, 1))
    model = two_class_linear(w_true, w_other)
    x = rng.uniform(size=(1, 4, 4, 1)).astype("float32")
    adversarial = explain.fgsm(model, x, [0], 0.2, from_logits=True, clip=None)

    def margin(images):  # logit of the true class minus the other's
        return np.asarray(model(images)) @ [1.0, -1.0]

    np.testing.assert_allclose(
        margin(x) - margin(adversarial), 0.2 * np.abs(w_other - w_true).sum(), rtol=1e-5
    )


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((8, 8, 2), "float32"), r"\(N, H, W, C\)"),
        (np.zeros((0, 8, 8, 2), "float32"), "must not be empty"),
        (np.zeros((1, 8, 8, 2), "uint8"), "floats"),
        (np.full((1, 8, 8, 2), np.nan, "float32"), "finite"),
        (np.zeros((1, 8, 7, 2), "float32"), "shape"),
        (None, "x must hold real numbers"),
        ([np.zeros((8, 8, 2)), np.zeros((8, 7, 2))], "x must be a rectangular array"),
        (np.full((1, 8, 8, 2), 1e39), "float32's range"),
    ],
)
def test_every_function_rejects_bad_images(cnn, x, message):
    calls = [
        lambda: explain.saliency(cnn, x, 0),
        lambda: explain.smoothgrad(cnn, x, 0, n=1),
        lambda: explain.grad_cam(cnn, x, 0, "last"),
        lambda: explain.class_activation_map(cnn, x, 0),
        lambda: explain.occlusion_map(cnn, x, 0),
        lambda: explain.fgsm(cnn, x, [0], 0.1, from_logits=True),
        lambda: explain.zero_gradient_count(cnn, x, [0], from_logits=True),
    ]
    for call in calls:
        with pytest.raises((ValueError, TypeError), match=message):
            call()


@pytest.mark.parametrize("class_index", [3, -1, [0, 1], [0.0, 1.0, 2.0], True, "0"])
def test_bad_class_index(cnn, images, class_index):
    for function in (explain.saliency, explain.class_activation_map, explain.occlusion_map):
        with pytest.raises(ValueError, match="class_index"):
            function(cnn, images, class_index)
    with pytest.raises(ValueError, match="class_index"):
        explain.grad_cam(cnn, images, class_index, "last")


@pytest.mark.parametrize("model", [None, "model", np.zeros(3)])
def test_not_a_model(images, model):
    with pytest.raises(ValueError, match="Keras model"):
        explain.saliency(model, images, 0)


def test_a_model_without_an_input_is_rejected(images):
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="built"):
        explain.saliency(model, images, 0)


def test_a_model_with_a_non_flat_output_is_rejected(images):
    model = keras.Sequential([keras.Input((8, 8, 2)), keras.layers.Conv2D(2, 1)])
    with pytest.raises(ValueError, match=r"\(N, classes\)"):
        explain.saliency(model, images, 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 0}, "n must be an int >= 1"),
        ({"n": 2.5}, "n must be an int >= 1"),
        ({"sigma": -0.1}, "sigma"),
        ({"sigma": float("nan")}, "sigma"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_smoothgrad_bad_arguments(cnn, images, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        explain.smoothgrad(cnn, images, 0, **kwargs)


@pytest.mark.parametrize(
    "layer_name, message",
    [("nope", "layer_name must name"), (3, "layer_name must name"), ("head", r"\(N, h, w, K\)")],
)
def test_grad_cam_bad_layer(cnn, images, layer_name, message):
    with pytest.raises(ValueError, match=message):
        explain.grad_cam(cnn, images, 0, layer_name)


def test_cam_needs_a_gap_and_dense_head(images):
    flat = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(2, 3),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )
    with pytest.raises(ValueError, match="GlobalAveragePooling2D"):
        explain.class_activation_map(flat, images, 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"patch": 9}, "patch must be at most"),
        ({"patch": 0}, "patch"),
        ({"stride": 0}, "stride"),
        ({"stride": 1.0}, "stride"),
        ({"value": float("inf")}, "value"),
        ({"value": "grey"}, "value"),
    ],
)
def test_occlusion_bad_arguments(cnn, images, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        explain.occlusion_map(cnn, images, 0, **kwargs)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"epsilon": -0.1}, "epsilon"),
        ({"epsilon": float("nan")}, "epsilon"),
        ({"epsilon": 1e39}, "epsilon must be a finite real number in"),
        ({"y": [0, 1]}, r"y must hold one label per example \(3\)"),
        ({"y": [0.0, 1.0, 2.0]}, "y must be integer class indices"),
        ({"y": [0, 1, 3]}, r"y must be class indices in \[0, 3\)"),
        ({"clip": (1.0, 0.0)}, "clip"),
        ({"clip": (0.0,)}, "clip"),
        ({"clip": 0.5}, "clip"),
        ({"clip": (0.0, 0.5)}, "inside clip"),
        ({"from_logits": 1}, "from_logits"),
    ],
)
def test_fgsm_bad_arguments(cnn, images, change, message):
    arguments = {"y": [0, 1, 2], "epsilon": 0.1, "from_logits": True} | change
    y, epsilon = arguments.pop("y"), arguments.pop("epsilon")
    with pytest.raises((ValueError, TypeError), match=message):
        explain.fgsm(cnn, images, y, epsilon, **arguments)


def test_fgsm_needs_from_logits_spelled_out(cnn, images):
    with pytest.raises(TypeError, match="from_logits"):
        explain.fgsm(cnn, images, [0, 1, 2], 0.1)
    with pytest.raises(TypeError, match="from_logits"):
        explain.zero_gradient_count(cnn, images, [0, 1, 2])


def test_fgsm_rejects_logits_declared_as_probabilities(cnn, images):
    for call in (
        lambda: explain.fgsm(cnn, images, [0, 1, 2], 0.1, from_logits=False),
        lambda: explain.zero_gradient_count(cnn, images, [0, 1, 2], from_logits=False),
    ):
        with pytest.raises(
            ValueError, match="from_logits=False needs a model whose outputs are probabilities"
        ):
            call()


def test_zero_gradient_images_are_counted_and_left_unchanged():
    """Logits (k x0, -k x0): for k x0 = 100 the softmax is exactly 1 in float32, for x0 = 0.1 it is not."""
    w_true, w_other = np.zeros((1, 2, 1)), np.zeros((1, 2, 1))
    w_true[0, 0, 0], w_other[0, 0, 0] = 200.0, -200.0
    model = two_class_linear(w_true, w_other)
    x = np.array([[0.5, 0.3], [0.01, 0.3], [0.6, 0.2]], "float32").reshape(3, 1, 2, 1)
    logits = np.asarray(model(x))
    by_hand = np.exp(logits[:, 1] - logits[:, 0]).astype("float32") == 0  # p_other underflows to 0
    np.testing.assert_array_equal(by_hand, [True, False, True])
    assert explain.zero_gradient_count(model, x, [0, 0, 0], from_logits=True) == 2
    adversarial = explain.fgsm(model, x, [0, 0, 0], 0.1, from_logits=True)
    np.testing.assert_array_equal(adversarial[by_hand], x[by_hand])  # not attacked
    np.testing.assert_allclose(
        adversarial[1, 0, 0, 0], 0.0, atol=1e-7
    )  # moved down by 0.01, clipped at 0


def test_fgsm_moves_each_image_by_epsilon(cnn, images):
    adversarial = explain.fgsm(cnn, images, [0, 1, 2], 0.05, from_logits=True)
    np.testing.assert_allclose(
        np.abs(adversarial - images).max(axis=(1, 2, 3)), 0.05, rtol=0, atol=1e-7
    )
    assert explain.zero_gradient_count(cnn, images, [0, 1, 2], from_logits=True) == 0


def test_cam_rejects_a_softmax_head(images):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(4, 3),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    with pytest.raises(ValueError, match="must be linear.*'softmax'"):
        explain.class_activation_map(model, images, 0)


def test_a_zero_dimensional_class_index_is_one_class(cnn, images):
    np.testing.assert_array_equal(
        explain.saliency(cnn, images, np.array(1)), explain.saliency(cnn, images, 1)
    )
    with pytest.raises(ValueError, match="class_index"):
        explain.saliency(cnn, images, np.array(1.0))


def test_an_output_that_ignores_the_input_is_rejected(images):
    constant = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Flatten(),
            keras.layers.Lambda(lambda t: keras.ops.zeros_like(t[:, :3])),
        ]
    )
    for call in (
        lambda: explain.saliency(constant, images, 0),
        lambda: explain.fgsm(constant, images, [0, 1, 2], 0.1, from_logits=True),
    ):
        with pytest.raises(ValueError, match="does not depend on its input"):
            call()


# --------------------------------------------------------------------------- issue 22, item 13


def test_labels_as_a_column_are_accepted(cnn, images):
    """load_cifar10 returns labels of shape (N, 1): the attack takes them as they come."""
    column = np.array([[0], [1], [2]], np.uint8)
    np.testing.assert_array_equal(
        explain.fgsm(cnn, images, column, 0.1, from_logits=True),
        explain.fgsm(cnn, images, [0, 1, 2], 0.1, from_logits=True),
    )
    assert explain.zero_gradient_count(cnn, images, column, from_logits=True) == 0


def test_the_largest_epsilon_gives_no_nan(cnn, images):
    largest = float(np.finfo(np.float32).max)
    adversarial = explain.fgsm(cnn, images, [0, 1, 2], largest, from_logits=True)
    assert np.isfinite(adversarial).all()
    assert set(np.unique(adversarial)) <= {0.0, 1.0}


def softmax_models():
    yield keras.Sequential(
        [keras.Input((8, 8, 2)), keras.layers.Flatten(), keras.layers.Dense(3, "softmax")]
    )
    yield keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
            keras.layers.Softmax(name="probabilities"),
        ]
    )


@pytest.mark.parametrize("model", list(softmax_models()))
def test_from_logits_on_a_softmax_model_is_refused(model, images):
    for call in (
        lambda: explain.fgsm(model, images, [0, 1, 2], 0.1, from_logits=True),
        lambda: explain.zero_gradient_count(model, images, [0, 1, 2], from_logits=True),
    ):
        with pytest.raises(ValueError, match="from_logits=True, but the model ends in a softmax"):
            call()
    explain.fgsm(model, images, [0, 1, 2], 0.1, from_logits=False)  # the right flag works


def nested_cnn(functional_outer: bool):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 2))
    h = keras.layers.Conv2D(4, 3, padding="same", activation="tanh", name="inner_first")(inputs)
    h = keras.layers.Conv2D(5, 3, activation="tanh", name="inner_last")(h)
    base = keras.Model(inputs, h, name="base")
    head = [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, name="head")]
    if not functional_outer:
        return keras.Sequential([keras.Input((8, 8, 2)), base, *head])
    outer = keras.Input((8, 8, 2))
    out = base(outer)
    for layer in head:
        out = layer(out)
    return keras.Model(outer, out)


@pytest.mark.parametrize("functional_outer", [False, True])
def test_grad_cam_of_a_nested_base_model(functional_outer, images):
    """Grad-CAM of the nested model equals Grad-CAM of the same weights built flat."""
    model = nested_cnn(functional_outer)
    base = model.get_layer("base")
    flat = keras.Sequential([keras.Input((8, 8, 2)), *base.layers[1:], *model.layers[-2:]])
    np.testing.assert_allclose(
        explain.grad_cam(model, images, [0, 1, 2], "base"),
        explain.grad_cam(flat, images, [0, 1, 2], "inner_last"),
        rtol=1e-5,
        atol=1e-7,
    )
    with pytest.raises(ValueError, match="lies inside the nested model 'base'"):
        explain.grad_cam(model, images, 0, "inner_last")


def test_grad_cam_of_a_mixed_precision_model_is_float32(images):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = small_cnn()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert explain.grad_cam(model, images, 0, "last").dtype == np.float32


def test_cam_refuses_a_hidden_dense_layer(images):
    """GAP -> Dense(8) -> Dense(3): the dense layer after the GAP is a hidden layer."""
    model = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(4, 3),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(8),
            keras.layers.Dense(3),
        ]
    )
    for class_index in (0, 5):
        with pytest.raises(ValueError, match="must be the model's output"):
            explain.class_activation_map(model, images, class_index)


def test_cam_of_a_head_followed_by_a_softmax_explains_the_logit(cnn, images):
    with_softmax = keras.Sequential([keras.Input((8, 8, 2)), *cnn.layers, keras.layers.Softmax()])
    np.testing.assert_allclose(
        explain.class_activation_map(with_softmax, images, [0, 1, 2]),
        explain.class_activation_map(cnn, images, [0, 1, 2]),
    )
