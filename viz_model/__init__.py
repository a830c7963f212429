"""viz_model: an instrumented encoder-decoder Transformer, its training data and figures. Knows no screen."""

from .checkpoint import CheckpointError
from .config import PRESETS, ModelConfig, preset
from .decoding import DecodeSettings
from .model import Recorder, Transformer
from .tokenizer import InputError
from .trace import Trace

__all__ = ["PRESETS", "CheckpointError", "DecodeSettings", "InputError", "ModelConfig", "Recorder", "Trace",
           "Transformer", "preset"]
