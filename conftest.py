"""What ``--doctest-modules`` collects from the package itself.

``skperceptron.onnx`` imports skl2onnx and the example of
``skops_trusted_types`` runs skops, optional dependencies (the ``deploy``
extra): without them, those doctests are not collected rather than failing.
"""

from importlib.util import find_spec

collect_ignore = []
if find_spec("skl2onnx") is None or find_spec("onnxruntime") is None:
    collect_ignore.append("skperceptron/onnx.py")
if find_spec("skops") is None:
    collect_ignore.append("skperceptron/_trusted_types.py")
