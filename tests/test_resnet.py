"""The speedrun's residual network, its augmentation, and the layer cost counter."""

import keras
import numpy as np
import pytest

from cnncourse.models import (
    cifar10_cnn,
    cifar10_resnet,
    fit_augmented,
    flip_and_crop,
    forward_flops,
    layer_costs,
    predict_flip_average,
    standardise,
)


def test_resnet_shapes_parameters_and_flops():
    model = cifar10_resnet(width=8)
    assert model.output_shape == (None, 10)
    c = 8  # convolutions without biases (batch norm follows), batch norm 4 numbers per channel
    convs = [(3, c), (c, 2 * c), (2 * c, 2 * c), (2 * c, 2 * c), (2 * c, 4 * c), (4 * c, 8 * c)]
    convs += [(8 * c, 8 * c), (8 * c, 8 * c)]
    params = sum(9 * a * b + 4 * b for a, b in convs) + 8 * c * 10 + 10
    assert model.count_params() == params
    macs = forward_flops(model).macs.sum()
    np.testing.assert_allclose(macs, 92_160 * c**2 + 27_648 * c + 80 * c, rtol=1e-9)


def test_resnet_without_shortcuts_or_batch_norm():
    plain = cifar10_resnet(width=4, residual=False)
    assert not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    no_bn = cifar10_resnet(width=4, batch_norm=False)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in no_bn.layers)
    assert all(layer.use_bias for layer in no_bn.layers if isinstance(layer, keras.layers.Conv2D))


def test_residual_block_adds_its_input():
    """With the branch's last batch norm scaled to zero, the residual block is the identity."""
    model = cifar10_resnet(width=4)
    model.get_layer("res1b_bn").gamma.assign(np.zeros(8))
    model.get_layer("res1b_bn").beta.assign(np.zeros(8))
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    probe = keras.Model(
        model.input, [model.get_layer("layer1_pool").output, model.get_layer("res1_add").output]
    )
    before, after = probe(x, training=False)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(after), keras.ops.convert_to_numpy(before)
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": 0}, "width must be a positive int"),
        ({"label_smoothing": 1.0}, "label_smoothing must lie"),
        ({"epochs": 0}, "epochs must be a positive int"),
        ({"peak_learning_rate": -1.0}, "learning_rate must be"),
        ({"l2": -1.0}, "l2 must be"),
    ],
)
def test_resnet_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cifar10_resnet(**kwargs)


def test_flip_and_crop_is_a_shifted_or_mirrored_copy():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(64, 12, 12, 3)).astype(np.uint8)
    out = flip_and_crop(images, np.random.default_rng(1), pad=2)
    assert out.shape == images.shape and out.dtype == images.dtype
    padded = np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)), mode="reflect")
    flipped = np.pad(images[:, :, ::-1], ((0, 0), (2, 2), (2, 2), (0, 0)), mode="reflect")
    n_flipped = 0
    for index in range(len(images)):
        candidates = [
            (source[index, dy : dy + 12, dx : dx + 12], source is flipped)
            for source in (padded, flipped)
            for dy in range(5)
            for dx in range(5)
        ]
        matches = [
            was_flipped for crop, was_flipped in candidates if np.array_equal(crop, out[index])
        ]
        assert matches, f"image {index} is no crop of the padded image or its mirror"
        n_flipped += matches[0]
    assert 16 < n_flipped < 48  # about half mirrored


def test_flip_and_crop_rejects_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="images must have shape"):
        flip_and_crop(np.zeros((4, 4, 3)), rng)
    with pytest.raises(ValueError, match="pad must be"):
        flip_and_crop(np.zeros((1, 4, 4, 3)), rng, pad=-1)
    with pytest.raises(TypeError, match="rng must be"):
        flip_and_crop(np.zeros((1, 4, 4, 3)), 0)


def test_standardise():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 4, 4, 3)).astype(np.uint8)
    mean, std = np.array([125.3, 122.9, 113.9]), np.array([62.6, 61.9, 66.5])
    np.testing.assert_allclose(standardise(images), (images - mean) / std, rtol=1e-5)
    with pytest.raises(ValueError, match="images must be a 4-D array"):
        standardise(np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match=r"images must have shape \(N, H, W, 3\)"):
        standardise(np.zeros((1, 4, 4, 1)))
    np.testing.assert_allclose(standardise(images.astype(np.float64)), standardise(images))


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.full((1, 2, 2, 3), 0.5), "look scaled to \\[0, 1\\]"),  # x / 255
        (np.full((1, 2, 2, 3), 300.0), r"pixels in \[0, 255\]"),
        (np.full((1, 2, 2, 3), -1.0), r"pixels in \[0, 255\]"),
        (np.full((1, 2, 2, 3), np.nan), "finite"),
    ],
)
def test_standardise_refuses_images_on_another_scale(images, message):
    with pytest.raises(ValueError, match=message):
        standardise(images)


def test_layer_costs_agrees_with_forward_flops_and_count_params():
    for model in (cifar10_cnn(), cifar10_resnet(width=4)):
        costs = layer_costs(model)
        reference = forward_flops(model)
        assert costs.macs.sum() == reference.macs.sum()
        assert costs.params.sum() == model.count_params()


def test_layer_costs_of_depthwise_separable_and_transposed_layers():
    model = keras.Sequential(
        [
            keras.Input((10, 12, 4)),
            keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
            keras.layers.SeparableConv2D(6, 3, strides=2),
            keras.layers.Conv2DTranspose(5, 3, strides=2, padding="same"),
            keras.layers.BatchNormalization(),
        ]
    )
    costs = layer_costs(model).set_index("kind")
    assert costs.params.sum() == model.count_params()
    assert costs.loc["DepthwiseConv2D", "macs"] == 10 * 12 * 9 * 4 * 2
    assert costs.loc["SeparableConv2D", "macs"] == 4 * 5 * (9 * 8 + 8 * 6)
    assert costs.loc["Conv2DTranspose", "macs"] == 4 * 5 * 9 * 6 * 5


def test_layer_costs_rejects_unknown_layers_with_weights():
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(2)])
    with pytest.raises(ValueError, match="cannot count layer"):
        layer_costs(model)


@pytest.mark.slow
def test_fit_augmented_learns_and_flip_average_predicts():
    """Quick training on a separable toy problem: bright left half or bright right half?"""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 2, 512)
    x[y == 0, :, :16] += 1.0
    x[y == 1, :, 16:] += 1.0
    # a mirror swaps the halves, so train without flips; the crops only shift a little
    keras.utils.set_random_seed(0)
    model = cifar10_resnet(width=4, steps_per_epoch=8, epochs=3, peak_learning_rate=0.1)
    logs = fit_augmented(model, x, y, 3, batch_size=64, augment=False, validation_data=(x, y))
    assert len(logs["seconds"]) == 3 and len(logs["val_accuracy"]) == 3
    accuracy = np.mean(model.predict(x, verbose=0).argmax(1) == y)
    assert accuracy > 0.9  # measured: 1.000
    probabilities = predict_flip_average(model, x[:8])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        fit_augmented(model, x, y, 0)
    with pytest.raises(ValueError, match="one integer label per image"):
        fit_augmented(model, x, y[:10], 1)
