"""Plausible wrong answers to every exercise of lectures 01-09, kept out of the notebooks.

``WRONG_ANSWERS[notebook][k]`` lists code strings for exercise ``k`` (in notebook order).
Each string takes the place of the exercise's solution cell: it runs in the kernel in
which the whole notebook (solutions included) has just run, possibly after the stub has
reset the answers to ``...`` and after the earlier wrong answers of the same exercise, so
it sets every answer the check reads (the second wrong answer of lecture 7's exercise 3
reuses the table ``repeat`` that the first one trained). After it, the check must fail. ``tests/test_wrong_answers.py`` runs them.

Each is a mistake a student could make: an off-by-one, a missing bias or factor, the
wrong axis, the wrong data set, a formula that only looks right.
"""

# an answer that claims to equal anything (a check that compares with == lets it through)
ALWAYS_EQUAL = (
    "class AlwaysEqual:\n"
    "    def __eq__(self, other):\n"
    "        return True\n"
    "\n"
    "    __hash__ = None\n"
    "\n"
)

WRONG_ANSWERS: dict[str, list[list[str]]] = {
    "01_convolution_and_polynomials.ipynb": [
        [  # nine convolutions instead of ten; all ones
            "coefficients = np.array([1])\n"
            "for _ in range(9):\n"
            "    coefficients = convolve1d(coefficients, np.array([1, 1]))",
            "coefficients = np.ones(11, dtype=int)",
        ],
        [  # mode 'same' instead of 'valid'; a sum instead of a mean
            'smooth = convolve1d(x, np.ones(5) / 5, mode="same")',
            'smooth = convolve1d(x, np.ones(5), mode="valid")',
        ],
        [  # right = left in disguise; the factors swapped; both built for inputs of length n
            "left = toeplitz_matrix(convolve1d(u, v), n)\n"
            "T_v = toeplitz_matrix(v, n)\n"
            "T_u = left @ np.linalg.pinv(T_v)",
            "left = toeplitz_matrix(convolve1d(u, v), n)\n"
            "T_u = toeplitz_matrix(v, n + 2)\n"
            "T_v = toeplitz_matrix(u, n)",
            "left = toeplitz_matrix(convolve1d(u, v), n)\n"
            "T_u = toeplitz_matrix(u, n)\n"
            "T_v = toeplitz_matrix(v, n)",
        ],
    ],
    "02_fourier_series_square_wave.ipynb": [
        [  # the sign of (-1)^n flipped; the alternating sign forgotten
            "a_saw = np.zeros(10)\n"
            "b_saw = np.array([(-1) ** n * T / (n * np.pi) for n in range(1, 11)])",
            "a_saw = np.zeros(10)\nb_saw = np.array([T / (n * np.pi) for n in range(1, 11)])",
            # three cosine coefficients instead of ten (broadcasting would let zeros(3) pass)
            "a_saw = np.zeros(3)\n"
            "b_saw = np.array([(-1) ** (n + 1) * T / (n * np.pi) for n in range(1, 11)])",
        ],
        [  # every even harmonic (true for W = T/2, not T/4); multiples of 4 up to 12 only
            "vanishing = [2, 4, 6, 8, 10, 12, 14, 16]",
            "vanishing = [4, 8, 12]",
        ],
        [  # force times displacement instead of velocity; |v| instead of v^2
            "s = np.linspace(0, T, 20_001)\n"
            "x_s = steady_state(s, *square_wave_coefficients(500, T, W, A), T, m, b_light, k_res)\n"
            "v_s = np.gradient(x_s, s)\n"
            "work_in = integrate.trapezoid(square_wave(s) * x_s, s)\n"
            "dissipated = integrate.trapezoid(b_light * v_s**2, s)",
            "s = np.linspace(0, T, 20_001)\n"
            "x_s = steady_state(s, *square_wave_coefficients(500, T, W, A), T, m, b_light, k_res)\n"
            "v_s = np.gradient(x_s, s)\n"
            "work_in = integrate.trapezoid(square_wave(s) * v_s, s)\n"
            "dissipated = integrate.trapezoid(b_light * np.abs(v_s), s)",
        ],
    ],
    "03_convolution_theorem.ipynb": [
        [  # no constant; N instead of sqrt(N)
            "constant = 1.0",
            "constant = 64.0",
        ],
        [  # no deconvolution at all; multiplying by the kernel's spectrum instead of dividing
            "W_hat = np.fft.rfft(wrapped_kernel)\n"
            "blurred = np.fft.irfft(np.fft.rfft(truth) * W_hat, truth.size)\n"
            "recovered = blurred\n"
            "noisy_recovered = blurred + 1e-6 * rng.normal(size=truth.size)",
            "W_hat = np.fft.rfft(wrapped_kernel)\n"
            "blurred = np.fft.irfft(np.fft.rfft(truth) * W_hat, truth.size)\n"
            "recovered = np.fft.irfft(np.fft.rfft(blurred) * W_hat, truth.size)\n"
            "noisy_recovered = np.fft.irfft(np.fft.rfft(blurred + 1e-6 * rng.normal(size=truth.size))"
            " / W_hat, truth.size)",
            # the noiseless part right, but the noisy signal never deconvolved
            "W_hat = np.fft.rfft(wrapped_kernel)\n"
            "blurred = np.fft.irfft(np.fft.rfft(truth) * W_hat, truth.size)\n"
            "recovered = np.fft.irfft(np.fft.rfft(blurred) / W_hat, truth.size)\n"
            "noisy_recovered = blurred + 1e-6 * rng.normal(size=truth.size)",
        ],
        [  # the convolution theorem instead (no conjugate); the conjugate on the wrong factor
            "via_dft = np.fft.ifft(np.fft.fft(x_c) * np.fft.fft(y_c)).real",
            "via_dft = np.fft.ifft(np.fft.fft(x_c) * np.conj(np.fft.fft(y_c))).real",
        ],
    ],
    "04_convolution_in_2d.ipynb": [
        [  # one blur with g itself; the matrix product g @ g instead of the convolution g * g
            "twice = conv2d(conv2d(grey, g), g)\nonce = conv2d(grey, g)",
            "twice = conv2d(conv2d(grey, g), g)\nonce = conv2d(grey, g @ g)",
        ],
        [  # 'valid' thinking; all the padding after the input
            "outputs_per_row, pad_before, pad_after = 3, 0, 0",
            "outputs_per_row, pad_before, pad_after = 4, 0, 2",
        ],
        [  # the identity (rows do not sum to 0); the kernel of the other diagonal
            "line = np.eye(3)",
            "line = np.fliplr(np.array([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]], float))",
        ],
    ],
    "05_cnn_building_blocks.ipynb": [
        [  # no biases; pooling forgotten before the dense layer
            "conv_params, dense1_params, dense2_params = 90, 4500, 500",
            "conv_params = 100\ndense1_params = 6 * 6 * 10 * 50 + 50\ndense2_params = 510",
            # an object that claims to equal anything; the three counts as one array
            ALWAYS_EQUAL + "conv_params = dense1_params = dense2_params = AlwaysEqual()",
            "conv_params = np.array([100, 4550, 510])\ndense1_params, dense2_params = 4550, 510",
        ],
        [  # a = b (max pooling is positively homogeneous); constant inputs; a kernel that mixes channels
            "a = b = rng.normal(size=(1, 4, 4, 3))\n"
            "kernel = np.zeros((2, 2, 3, 3))\n"
            "for c in range(3):\n"
            "    kernel[:, :, c, c] = 0.25",
            "a, b = np.ones((1, 4, 4, 3)), 2 * np.ones((1, 4, 4, 3))\n"
            "kernel = np.zeros((2, 2, 3, 3))\n"
            "for c in range(3):\n"
            "    kernel[:, :, c, c] = 0.25",
            "a, b = rng.normal(size=(2, 1, 6, 6, 3))\nkernel = np.full((2, 2, 3, 3), 0.25)",
        ],
        [  # no biases; a receptive field of 3 + 3 + 3
            "three_small = 3 * 3 * 3 * C * C\none_large = 7 * 7 * C * C\nreceptive_field = 7",
            "three_small = 3 * (3 * 3 * C * C + C)\none_large = 7 * 7 * C * C + C\nreceptive_field = 9",
            # objects that claim to equal anything
            ALWAYS_EQUAL + "three_small = one_large = AlwaysEqual()\nreceptive_field = 7",
        ],
    ],
    "06_keras_cnn_digits_and_mnist.ipynb": [
        [  # precision (columns) instead of recall (rows); divided by the total
            "recall = np.diag(matrix) / matrix.sum(axis=0)",
            "recall = np.diag(matrix) / matrix.sum()",
        ],
        [  # shifted down (axis 1) instead of right; on the test set instead of the validation set
            "shifted_accuracy = {}\n"
            "for shift in (1, 2):\n"
            "    shifted = np.roll(x_val, shift, axis=1)\n"
            "    shifted[:, :shift] = 0\n"
            "    shifted_accuracy[shift] = np.mean(model.predict(shifted, verbose=0).argmax(axis=1) == y_val)",
            "shifted_accuracy = {}\n"
            "for shift in (1, 2):\n"
            "    shifted = np.roll(x_test, shift, axis=2)\n"
            "    shifted[:, :, :shift] = 0\n"
            "    shifted_accuracy[shift] = np.mean(model.predict(shifted, verbose=0).argmax(axis=1) == y_test)",
        ],
        [  # no L2 penalty; trained on all training digits; Adam instead of SGD
            "average_model = keras.Sequential([\n"
            "    keras.Input((8, 8, 1)),\n"
            '    keras.layers.Conv2D(10, 3, activation="relu"),\n'
            "    keras.layers.AveragePooling2D(2),\n"
            "    keras.layers.Flatten(),\n"
            '    keras.layers.Dense(50, activation="relu"),\n'
            '    keras.layers.Dense(10, activation="softmax"),\n'
            "])\n"
            "average_model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta),\n"
            '                      loss="categorical_crossentropy", metrics=["accuracy"])\n'
            "average_model.fit(x_fit, Y_fit, epochs=epochs, batch_size=100, verbose=0)\n"
            "average_accuracy = average_model.evaluate(x_test, Y_test, verbose=0)[1]",
            "l2 = keras.regularizers.L2(lmbd)\n"
            "average_model = keras.Sequential([\n"
            "    keras.Input((8, 8, 1)),\n"
            '    keras.layers.Conv2D(10, 3, activation="relu", kernel_regularizer=l2),\n'
            "    keras.layers.AveragePooling2D(2),\n"
            "    keras.layers.Flatten(),\n"
            '    keras.layers.Dense(50, activation="relu", kernel_regularizer=l2),\n'
            '    keras.layers.Dense(10, activation="softmax", kernel_regularizer=l2),\n'
            "])\n"
            "average_model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta),\n"
            '                      loss="categorical_crossentropy", metrics=["accuracy"])\n'
            "average_model.fit(x_train, Y_train, epochs=epochs, batch_size=100, verbose=0)\n"
            "average_accuracy = average_model.evaluate(x_test, Y_test, verbose=0)[1]",
            "l2 = keras.regularizers.L2(lmbd)\n"
            "average_model = keras.Sequential([\n"
            "    keras.Input((8, 8, 1)),\n"
            '    keras.layers.Conv2D(10, 3, activation="relu", kernel_regularizer=l2),\n'
            "    keras.layers.AveragePooling2D(2),\n"
            "    keras.layers.Flatten(),\n"
            '    keras.layers.Dense(50, activation="relu", kernel_regularizer=l2),\n'
            '    keras.layers.Dense(10, activation="softmax", kernel_regularizer=l2),\n'
            "])\n"
            'average_model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])\n'
            "average_model.fit(x_fit, Y_fit, epochs=epochs, batch_size=100, verbose=0)\n"
            "average_accuracy = average_model.evaluate(x_test, Y_test, verbose=0)[1]",
        ],
    ],
    "07_grid_search_heatmaps.ipynb": [
        [  # the eta * lambda > 1 rule taken literally (10 is not on the grid); one step too early
            "first_nan_lambda = 10.0",
            "first_nan_lambda = 9.0",
        ],
        [  # the smallest and a middle learning rate
            "fastest_eta = 1e-3",
            "fastest_eta = 0.1",
        ],
        [  # the test set's n in the binomial SE; the standard error of the mean instead of the std
            "repeat = grid_search(x_fit, y_fit, x_test, y_test, [best_eta], [best_lmbd], epochs=epochs,\n"
            "                     seeds=range(5), progress=False, validation_data=(x_val, y_val))\n"
            "p = repeat.validation_accuracy.mean()\n"
            "seed_std = repeat.validation_accuracy.std()\n"
            "binomial_se = np.sqrt(p * (1 - p) / n_test)",
            "p = repeat.validation_accuracy.mean()\n"
            "seed_std = repeat.validation_accuracy.std() / np.sqrt(5)\n"
            "binomial_se = np.sqrt(p * (1 - p) / n_val)",
        ],
    ],
    "08_keras_cnn_cifar10.ipynb": [
        [  # no test-time augmentation; mirrored upside down (axis 1) instead of left to right
            "tta_labels = keras.ops.convert_to_numpy(model.predict(x_val, verbose=0)).argmax(axis=1)",
            "logits_plain = model.predict(x_val, verbose=0)\n"
            "logits_flipped = model.predict(x_val[:, ::-1], verbose=0)\n"
            "tta_labels = (keras.ops.convert_to_numpy(keras.ops.softmax(logits_plain))\n"
            "              + keras.ops.convert_to_numpy(keras.ops.softmax(logits_flipped))).argmax(axis=1)",
        ],
        [  # no biases; the dense layer's input taken as 6 x 6 x 64
            "params_by_layer = [3 * 3 * 3 * 32, 3 * 3 * 32 * 64, 3 * 3 * 64 * 64, 4 * 4 * 64 * 64, 64 * 10]",
            "params_by_layer = [896, 18496, 36928, 6 * 6 * 64 * 64 + 64, 650]",
            # objects that claim to equal anything
            ALWAYS_EQUAL + "params_by_layer = [AlwaysEqual()] * 5",
        ],
        [  # the best class instead of the worst; every misclassified image, of any class
            "worst_class = int(np.argmax(per_class.to_numpy()))\n"
            "wrong = np.flatnonzero((y_test == worst_class) & (predicted != worst_class))[:10]",
            "worst_class = int(np.argmin(per_class.to_numpy()))\n"
            "wrong = np.flatnonzero(predicted != y_test)[:10]",
            # an object that claims to equal anything, with the right images
            ALWAYS_EQUAL + "wrong = np.flatnonzero((y_test == int(np.argmin(per_class.to_numpy())))"
            " & (predicted != int(np.argmin(per_class.to_numpy()))))[:10]\n"
            "worst_class = AlwaysEqual()",
        ],
    ],
    "09_cnn_from_scratch.ipynb": [
        [  # as small as possible (rounding dominates); large (truncation dominates)
            "best_epsilon = 1e-12",
            "best_epsilon = 1e-2",
        ],
        [  # the quarter forgotten; tiling instead of repeating each gradient over its window
            "def avg_pool_backward(grad):\n"
            "    return np.repeat(np.repeat(grad, 2, axis=1), 2, axis=2)",
            "def avg_pool_backward(grad):\n    return np.tile(grad, (1, 2, 2, 1)) / 4",
        ],
        [  # not in place (rebinds the name); the gradient's sign flipped
            "def momentum_step(params, grads, velocity, eta, mu):\n"
            "    for name, value in params.items():\n"
            "        velocity[name] = mu * velocity.get(name, 0.0) - eta * grads[name]\n"
            "        value = value + velocity[name]",
            "def momentum_step(params, grads, velocity, eta, mu):\n"
            "    for name, value in params.items():\n"
            "        velocity[name] = mu * velocity.get(name, 0.0) + eta * grads[name]\n"
            "        value += velocity[name]",
        ],
    ],
    "10_modern_cnns.ipynb": [
        [  # the standard deviation without epsilon and the mean not subtracted; the bias left alone
            "def fold_batch_norm(kernel, bias, gamma, beta, mean, var, eps=1e-3):\n"
            "    scale = gamma / np.sqrt(var + eps)\n"
            "    return kernel * scale, bias * scale + beta",
            "def fold_batch_norm(kernel, bias, gamma, beta, mean, var, eps=1e-3):\n"
            "    scale = gamma / np.sqrt(var + eps)\n"
            "    return kernel * scale, bias",
        ],
        [  # the inverse ratio; the pointwise step forgotten
            "def separable_saving(h_out, w_out, c, f):\n    return (9 * c + c * f) / (9 * c * f)",
            "def separable_saving(h_out, w_out, c, f):\n"
            "    return (h_out * w_out * 9 * c * f) / (h_out * w_out * 9 * c)",
        ],
        [  # the kernel's spatial flip forgotten; the gradient of a stride-1 convolution
            "gradient_z = conv2d_transpose(g_ex, w_ex[::-1, ::-1], 2, 'same')",
            "z_var = tf.Variable(z_ex)\n"
            "with tf.GradientTape() as tape:\n"
            "    inner = tf.reduce_sum(tf.nn.conv2d(z_var, w_ex, 1, 'SAME')[:, ::2, ::2] * g_ex)\n"
            "gradient_z = tape.gradient(inner, z_var).numpy()[..., ::-1]",
        ],
    ],
    "11_what_a_cnn_sees.ipynb": [
        [  # the grey patch left as it was; the maps of another class
            "background_map = explain.occlusion_map(probabilities, x_occ[:4], c_occ[:4], patch=patch, stride=stride)",
            "background_map = explain.occlusion_map(probabilities, x_occ[:4], (c_occ[:4] + 1) % 10, patch=patch,\n"
            "                                       stride=stride, value=0.0)",
        ],
        [  # scaled by the largest weight instead of the sign; the 2-norm instead of the 1-norm
            "worst_perturbation = lambda w, e: e * w / np.abs(w).max()\n"
            "largest_change = lambda w, e: e * np.abs(w).sum()",
            "worst_perturbation = lambda w, e: e * np.sign(w)\n"
            "largest_change = lambda w, e: e * np.linalg.norm(w)",
        ],
        [  # ten steps with no projection back into the epsilon box; a single FGSM step
            "x_pgd = x_att[:500].copy()\n"
            "for _ in range(10):\n"
            "    x_pgd = explain.fgsm(model, x_pgd, y_att[:500], 0.025, from_logits=True)\n"
            "pgd_accuracy = float(np.mean(model.predict(x_pgd, verbose=0).argmax(1) == y_att[:500]))",
            "x_pgd = adversarial[0.1][:500]\n"
            "pgd_accuracy = float(np.mean(model.predict(x_pgd, verbose=0).argmax(1) == y_att[:500]))",
        ],
    ],
}
