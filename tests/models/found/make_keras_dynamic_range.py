"""Writes keras_dense_conv_lstm_dynamic_range.tflite: a Keras model (Conv1D, LSTM, Dense)
converted by TensorFlow's converter with dynamic-range quantization (Optimize.DEFAULT and
no representative dataset: int8 weights, float activations), as a user's would be.

Needs TensorFlow, which tfldbg's venv does not hold:
    python3 -m venv /tmp/tf && /tmp/tf/bin/pip install tensorflow-cpu==2.21.0
    /tmp/tf/bin/python tests/models/found/make_keras_dynamic_range.py OUT_DIR
"""
import sys
from pathlib import Path

import tensorflow as tf

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
tf.keras.utils.set_random_seed(0)
x = tf.keras.Input((10, 8), batch_size=1)
h = tf.keras.layers.Conv1D(16, 3, padding="same", activation="relu")(x)
h = tf.keras.layers.LSTM(24, return_sequences=True)(h)
h = tf.keras.layers.Flatten()(h)
y = tf.keras.layers.Dense(5, activation="softmax")(tf.keras.layers.Dense(32, activation="relu")(h))
converter = tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(x, y))
converter.optimizations = [tf.lite.Optimize.DEFAULT]
(out / "keras_dense_conv_lstm_dynamic_range.tflite").write_bytes(converter.convert())
