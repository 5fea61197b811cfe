import pytest

from cnncourse.models import digits_cnn, mnist_cnn


def test_digits_cnn_is_the_lecture_model():
    model = digits_cnn(eta=0.25, lmbd=1e-3)
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


@pytest.mark.parametrize("eta, lmbd", [(0, 0.1), (-0.1, 0.1), (0.1, -1e-3), (float("inf"), 0.0)])
def test_digits_cnn_rejects_bad_hyperparameters(eta, lmbd):
    with pytest.raises(ValueError, match="must be a (positive|non-negative) number"):
        digits_cnn(eta, lmbd)


def test_mnist_cnn_rejects_bad_dropout():
    with pytest.raises(ValueError, match=r"dropout must lie in \[0, 1\)"):
        mnist_cnn(dropout=1.0)


def test_cifar10_models_shapes_and_flops():
    import keras

    from cnncourse.models import cifar10_cnn, cifar10_improved, forward_flops

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
    improved = cifar10_improved(steps_per_epoch=10, epochs=2)
    assert improved.output_shape == (None, 10)
    kinds = {layer.__class__.__name__ for layer in improved.layers}
    assert {"RandomFlip", "RandomTranslation", "BatchNormalization", "Dropout"} <= kinds
    from cnncourse.models import warmup_cosine_schedule

    schedule = warmup_cosine_schedule(20, 3e-3)
    assert float(schedule(0)) < float(schedule(3)) and float(schedule(20)) < 1e-6  # warm-up, decay


@pytest.mark.parametrize(
    "options, message",
    [
        ({"widths": (32, 64)}, "widths must be three positive ints"),
        ({"convs_per_block": (1, 0, 2)}, "convs_per_block must be three positive ints"),
        ({"dropout": 1.5}, r"dropout must lie in \[0, 1\)"),
        ({"peak_learning_rate": 0.0}, "must be a positive number"),
    ],
)
def test_cifar10_improved_rejects_bad_options(options, message):
    from cnncourse.models import cifar10_improved

    with pytest.raises(ValueError, match=message):
        cifar10_improved(**options)
