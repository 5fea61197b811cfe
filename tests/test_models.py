import numpy as np
import pytest

from cnncourse.models import PARAMETER_NAMES, digits_cnn, initial_weights, mnist_cnn


def test_digits_cnn_is_the_lecture_model():
    model = digits_cnn(learning_rate=0.25, l2=1e-3)
    assert [layer.__class__.__name__ for layer in model.layers] == [
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    assert model.count_params() == (9 * 10 + 10) + (90 * 50 + 50) + (50 * 10 + 10)
    assert model.optimizer.__class__.__name__ == "SGD"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.25)
    assert model.layers[0].kernel_regularizer.l2 == pytest.approx(1e-3)
    assert model.output_shape == (None, 10)


def test_mnist_cnn_shapes():
    model = mnist_cnn()
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)


@pytest.mark.parametrize(
    "learning_rate, l2, message",
    [
        (0, 0.1, "learning_rate must be a finite real number > 0; got 0"),
        (-0.1, 0.1, "learning_rate must be"),
        (0.1, -1e-3, "l2 must be a finite real number >= 0"),
        (float("inf"), 0.0, "learning_rate must be a finite real number"),
    ],
)
def test_digits_cnn_rejects_bad_hyperparameters(learning_rate, l2, message):
    with pytest.raises(ValueError, match=message):
        digits_cnn(learning_rate, l2)


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"kernel_size": 0}, ValueError, "kernel_size must be an int >= 1; got 0"),
        ({"kernel_size": 2.5}, TypeError, "kernel_size must be an int"),
        ({"kernel_size": 8}, ValueError, "input_shape must be at least 9x9"),
        ({"n_filters": 0}, ValueError, "n_filters must be an int >= 1"),
        ({"input_shape": (8, 8)}, ValueError, r"input_shape must be \(H, W, C\)"),
    ],
)
def test_digits_cnn_rejects_bad_sizes(options, error, message):
    with pytest.raises(error, match=message):
        digits_cnn(0.1, 0.0, **options)


def test_digits_cnn_kernel_size_and_initial_weights():
    model = digits_cnn(0.1, 0.0, kernel_size=5, input_shape=(12, 12, 1))
    assert model.layers[0].kernel_size == (5, 5)
    weights = initial_weights(3)
    assert tuple(weights) == PARAMETER_NAMES
    again = initial_weights(3)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(weights[name], again[name])
    assert initial_weights(0, kernel_size=5, input_shape=(12, 12, 1))["conv_kernel"].shape == (
        5,
        5,
        1,
        10,
    )


def test_mnist_cnn_rejects_bad_dropout():
    with pytest.raises(ValueError, match=r"dropout must be a finite real number in \[0, 1\)"):
        mnist_cnn(dropout=1.0)


def test_cifar10_models_shapes_and_flops():
    import keras

    from cnncourse.models import cifar10_cnn, forward_flops

    lecture = cifar10_cnn()
    assert lecture.output_shape == (None, 10)
    assert [tuple(layer.output.shape[1:]) for layer in lecture.layers[:5]] == [
        (30, 30, 32),
        (15, 15, 32),
        (13, 13, 64),
        (6, 6, 64),
        (4, 4, 64),
    ]
    flops = forward_flops(lecture).set_index("layer")
    assert flops.loc["conv2", "macs"] == 13 * 13 * 64 * 3 * 3 * 32
    assert flops.loc["hidden", "macs"] == 1024 * 64
    assert isinstance(lecture.loss, keras.losses.SparseCategoricalCrossentropy)
    from cnncourse.models import warmup_cosine_schedule

    schedule = warmup_cosine_schedule(20, 3e-3)
    assert float(schedule(0)) < float(schedule(3)) and float(schedule(20)) < 1e-6  # warm-up, decay
