"""What ``--doctest-modules`` collects from the package itself.

``skperceptron.onnx`` imports skl2onnx, an optional dependency (the
``deploy`` extra): without it, its doctests are not collected rather than
failing to import.
"""

from importlib.util import find_spec

collect_ignore = []
if find_spec("skl2onnx") is None or find_spec("onnxruntime") is None:
    collect_ignore.append("skperceptron/onnx.py")
