"""Order of the gallery examples: the order in which the lecture builds them up.

sphinx-gallery sorts the examples of a gallery with a key class named in
``sphinx_gallery_conf["within_subsection_order"]``; a name (not the class)
keeps the configuration picklable, so this module sits on ``sys.path``.
"""

from pathlib import Path

# perceptron -> deep network -> loss -> learning rate (and finding it) ->
# mini-batches -> overfitting -> the same ideas on a regression
LECTURE_ORDER = (
    "plot_perceptron.py",
    "plot_stacking_layers.py",
    "plot_loss_landscape.py",
    "plot_learning_rate.py",
    "plot_learning_rate_finder.py",
    "plot_minibatches.py",
    "plot_overfitting.py",
    "plot_regression.py",
)


class LectureOrder:
    """Sort key: position in ``LECTURE_ORDER``; other examples after, by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        if name in LECTURE_ORDER:
            return (LECTURE_ORDER.index(name), name)
        return (len(LECTURE_ORDER), name)

    def __repr__(self):
        return f"<{type(self).__name__}>"
