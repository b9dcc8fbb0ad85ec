"""finlocal: offline tone scoring of financial text with a distilled int8 ONNX student."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("finlocal")  # the one place it is set: pyproject.toml
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
