"""finlocal: offline tone scoring of financial text with a distilled int8 ONNX student."""

__version__ = "0.1.0"
