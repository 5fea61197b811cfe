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
