"""Training loops: batching, the mini-batch epoch loop, divergence and L-BFGS."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils import shuffle as sklearn_shuffle

from skperceptron._core import (
    OPTIMIZERS,
    SCHEDULES,
    BlockShuffledBatches,
    Network,
    NoImprovement,
    SampleShuffledBatches,
    TrainingRun,
    run_lbfgs,
    run_minibatch,
)
from skperceptron._core.batches import shuffled
from skperceptron._core.training import run_epoch

N_SAMPLES, N_FEATURES = 30, 3


def make_problem(seed=0):
    """A small smooth regression problem ``(X, Y)`` with one output."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = np.tanh(X @ np.array([[1.0], [-2.0], [0.5]])) + 0.1 * rng.normal(
        size=(N_SAMPLES, 1)
    )
    return X, Y


def make_network(activation="tanh", dtype=np.float64, hidden=(5,)):
    network = Network([N_FEATURES, *hidden, 1], activation, "squared_error", dtype)
    return network.initialize(np.random.RandomState(0))


def train(
    network,
    X,
    Y,
    *,
    schedule=None,
    monitor=None,
    learning_rate=0.05,
    batch_size=8,
    seed=0,
    **options,
):
    """``run_minibatch`` with SGD and small defaults; ``options`` pass through."""
    options.setdefault("max_epochs", options.pop("max_iter", 20))
    rng = np.random.RandomState(seed) if options.pop("shuffle", True) else None
    run = TrainingRun(
        network=network,
        optimizer=options.pop("optimizer", None)
        or OPTIMIZERS["sgd"](network.params.size, network.dtype),
        schedule=schedule or SCHEDULES["constant"](learning_rate),
        monitor=monitor or NoImprovement(1e-4, 5, metric="loss"),
        batches=SampleShuffledBatches(X, Y, None, batch_size, rng),
        **options,
    )
    return run_minibatch(run)


class ScriptedValidation:
    """Stands in for ``Validation``: returns scripted metrics, epoch by epoch."""

    def __init__(self, metrics):
        self.metrics_of_epoch = iter(metrics)

    def metrics(self, network):
        return next(self.metrics_of_epoch)


class CountingOptimizer:
    """Stands in for an optimizer: counts steps and never moves the weights."""

    def __init__(self):
        self.n_steps = 0

    def step(self, params, grads, learning_rate):
        self.n_steps += 1


def collect_batches(batches):
    """Copies of every batch of one epoch."""
    return [
        tuple(None if part is None else part.copy() for part in batch)
        for batch in batches.epoch()
    ]


def test_sample_shuffled_batches_follow_sklearns_permutation():
    X = np.arange(20.0).reshape(10, 2)
    Y, sample_weight = np.arange(10.0)[:, np.newaxis], np.arange(10.0) / 10
    order = sklearn_shuffle(np.arange(10), random_state=np.random.RandomState(0))
    batches = SampleShuffledBatches(X, Y, sample_weight, 4, np.random.RandomState(0))
    batches = collect_batches(batches)
    assert [len(batch[0]) for batch in batches] == [4, 4, 2]
    assert_array_equal(np.concatenate([batch[0] for batch in batches]), X[order])
    assert_array_equal(np.concatenate([batch[1] for batch in batches]), Y[order])
    assert_array_equal(
        np.concatenate([batch[2] for batch in batches]), sample_weight[order]
    )


@pytest.mark.parametrize("kind", [SampleShuffledBatches, BlockShuffledBatches])
def test_every_epoch_sees_every_row_once(kind):
    X = np.arange(46.0).reshape(23, 2)
    Y, sample_weight = np.arange(23.0)[:, np.newaxis], np.arange(23.0)
    batches = kind(X, Y, sample_weight, 5, np.random.RandomState(1))
    orders = []
    for _ in range(4):
        epoch = collect_batches(batches)
        rows = np.concatenate([batch[1][:, 0] for batch in epoch])
        assert sorted(rows) == list(range(23))
        assert_array_equal(np.concatenate([b[2] for b in epoch]), rows)
        assert_array_equal(np.concatenate([b[0] for b in epoch])[:, 0], 2 * rows)
        assert all(len(batch[0]) <= 5 for batch in epoch)
        orders.append(rows.tolist())
    assert len({tuple(order) for order in orders}) > 1  # epochs differ


def test_block_batches_are_views_of_one_shuffled_copy():
    X, Y = np.arange(40.0).reshape(20, 2), np.arange(20.0)[:, np.newaxis]
    batches = BlockShuffledBatches(X, Y, None, 6, np.random.RandomState(0))
    epoch = list(batches.epoch())
    assert all(np.shares_memory(batch[0], batches.X) for batch in epoch)
    assert not np.shares_memory(batches.X, X)


@pytest.mark.parametrize("kind", [SampleShuffledBatches, BlockShuffledBatches])
def test_without_rng_batches_are_views_in_row_order(kind):
    X, Y = np.arange(20.0).reshape(10, 2), np.arange(10.0)[:, np.newaxis]
    batches = list(kind(X, Y, None, 4).epoch())
    assert [batch[1][:, 0].tolist() for batch in batches] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
    ]
    assert all(np.shares_memory(batch[0], X) for batch in batches)
    assert all(batch[2] is None for batch in batches)


def test_gathered_batches_are_contiguous_copies():
    X, Y = np.arange(20.0).reshape(10, 2), np.arange(10.0)[:, np.newaxis]
    batches = SampleShuffledBatches(X, Y, None, 4, np.random.RandomState(0))
    first, second, _ = batches.epoch()
    assert first[0].flags["C_CONTIGUOUS"] and second[0].flags["C_CONTIGUOUS"]
    assert not np.shares_memory(first[0], X)


def test_gatherer_with_sparse_input_matches_dense_rows():
    dense_X = np.eye(10)[:, :4] * 3.0
    Y = np.arange(10.0)[:, np.newaxis]
    order = sklearn_shuffle(np.arange(10), random_state=np.random.RandomState(1))
    batches = SampleShuffledBatches(
        sp.csr_matrix(dense_X), Y, None, 3, np.random.RandomState(1)
    )
    sparse_batches = collect_batches(batches)
    assert all(sp.issparse(batch[0]) for batch in sparse_batches)
    stacked = sp.vstack([batch[0] for batch in sparse_batches]).toarray()
    assert_array_equal(stacked, dense_X[order])


def test_shuffle_draws_what_sklearn_shuffle_draws():
    our_order, their_order = np.arange(17), np.arange(17)
    ours, theirs = np.random.RandomState(3), np.random.RandomState(3)
    for _ in range(3):  # each epoch permutes the previous epoch's order
        our_order = shuffled(our_order, ours)
        their_order = sklearn_shuffle(their_order, random_state=theirs)
        assert_array_equal(our_order, their_order)


def test_epoch_loss_without_steps_is_the_full_batch_loss():
    X, Y = make_problem()
    network = make_network()
    optimizer = CountingOptimizer()
    epoch_loss = run_epoch(
        network, optimizer, 0.1, SampleShuffledBatches(X, Y, None, 8).epoch()
    )
    assert optimizer.n_steps == 4  # 8 + 8 + 8 + 6 rows
    assert epoch_loss == pytest.approx(network.loss_and_gradient(X, Y))


def test_epoch_skips_batches_with_only_zero_weights():
    X, Y = make_problem()
    sample_weight = np.ones(N_SAMPLES)
    sample_weight[:8] = 0.0  # exactly the first batch
    optimizer = CountingOptimizer()
    batches = SampleShuffledBatches(X, Y, sample_weight, 8).epoch()
    run_epoch(make_network(), optimizer, 0.1, batches)
    assert optimizer.n_steps == 3


def test_epoch_stops_at_the_first_non_finite_batch_loss():
    X, Y = make_problem()
    X[10, 0] = np.nan  # in the second batch
    optimizer = CountingOptimizer()
    with np.errstate(all="ignore"):
        epoch_loss = run_epoch(
            make_network(), optimizer, 0.1, SampleShuffledBatches(X, Y, None, 8).epoch()
        )
    assert np.isnan(epoch_loss)
    assert optimizer.n_steps == 1


def test_training_reduces_the_loss():
    X, Y = make_problem()
    result = train(make_network(), X, Y, max_iter=30)
    assert len(result.loss_curve) == result.n_iter
    assert result.loss_curve[-1] < 0.5 * result.loss_curve[0]
    assert result.loss == result.loss_curve[-1]


def test_same_seed_same_run_and_other_seed_other_run():
    X, Y = make_problem()
    first, second, other = make_network(), make_network(), make_network()
    first_result = train(first, X, Y, seed=4)
    second_result = train(second, X, Y, seed=4)
    other_result = train(other, X, Y, seed=5)
    assert first_result.loss_curve == second_result.loss_curve
    assert_array_equal(first.params, second.params)
    assert first_result.loss_curve != other_result.loss_curve


def test_without_shuffle_the_seed_does_not_matter():
    X, Y = make_problem()
    first, second = make_network(), make_network()
    train(first, X, Y, seed=1, shuffle=False, max_iter=5)
    train(second, X, Y, seed=2, shuffle=False, max_iter=5)
    assert_array_equal(first.params, second.params)


def test_constant_rate_stops_on_a_loss_plateau():
    X, Y = make_problem()
    monitor = NoImprovement(1e9, 2, metric="loss")  # nothing is enough
    result = train(make_network(), X, Y, monitor=monitor, max_iter=50)
    # epoch 1 sets the best; epochs 2, 3, 4 count; 3 > 2 stops
    assert result.n_iter == 4
    assert result.converged and not result.diverged
    assert "Training loss did not improve" in result.message


def test_adaptive_rate_is_lowered_on_each_plateau_until_the_floor():
    X, Y = make_problem()
    schedule = SCHEDULES["adaptive"](1e-3)
    monitor = NoImprovement(1e9, 1, metric="loss")
    result = train(
        make_network(), X, Y, schedule=schedule, monitor=monitor, max_iter=50
    )
    # plateaus at epochs 3, 5, 7, 9, 11 divide the rate; the one at 13 stops
    assert result.n_iter == 13
    assert result.converged
    assert schedule.learning_rate == pytest.approx(1e-3 / 5**5)


def test_max_iter_reached_is_not_convergence():
    X, Y = make_problem()
    monitor = NoImprovement(0.0, 100, metric="loss")
    result = train(make_network(), X, Y, monitor=monitor, max_iter=3)
    assert result.n_iter == 3
    assert not result.converged and result.message == ""


def test_samples_seen_accumulate_and_drive_invscaling():
    X, Y = make_problem()
    schedule = SCHEDULES["invscaling"](0.05, power_t=0.5)
    monitor = NoImprovement(0.0, 100, metric="loss")
    result = train(
        make_network(),
        X,
        Y,
        schedule=schedule,
        monitor=monitor,
        max_iter=3,
        n_samples_seen=7,
    )
    assert result.n_samples_seen == 7 + 3 * N_SAMPLES
    assert schedule.learning_rate == pytest.approx(
        0.05 / (7 + 3 * N_SAMPLES + 1) ** 0.5
    )


def test_validation_score_drives_stopping_and_keeps_the_best_params():
    X, Y = make_problem()
    network = make_network()
    scripted_scores = iter([0.2, 0.6, 0.4, 0.5, 0.55, 0.9])
    params_when_scored = []

    class Validation:
        def metrics(self, scored_network):
            params_when_scored.append(scored_network.params.copy())
            score = next(scripted_scores)
            return {"validation_score": score, "validation_loss": 1.0 - score}

    monitor = NoImprovement(0.0, 2, metric="validation_score")
    result = train(
        network, X, Y, monitor=monitor, validation=Validation(), max_iter=50
    )
    assert result.n_iter == 5  # 0.4, 0.5, 0.55 all miss the best 0.6
    assert result.validation_scores == [0.2, 0.6, 0.4, 0.5, 0.55]
    assert result.validation_losses == pytest.approx([0.8, 0.4, 0.6, 0.5, 0.45])
    assert result.history["validation_score"] == result.validation_scores
    assert "Validation score did not improve" in result.message
    assert_array_equal(monitor.best_params, params_when_scored[1])
    assert_array_equal(network.params, params_when_scored[1])  # restored


def test_validation_loss_can_drive_stopping():
    X, Y = make_problem()
    network = make_network()
    validation = ScriptedValidation(
        {"validation_score": 0.0, "validation_loss": loss}
        for loss in [0.9, 0.5, 0.7, 0.6, 0.55, 0.1]
    )
    monitor = NoImprovement(0.0, 2, metric="validation_loss")
    result = train(network, X, Y, monitor=monitor, validation=validation, max_iter=50)
    assert result.n_iter == 5
    assert monitor.best == 0.5
    assert "Validation loss did not improve" in result.message


def test_history_has_one_entry_per_epoch_and_the_rate_used():
    X, Y = make_problem()
    network = make_network()
    result = train(network, X, Y, learning_rate=0.05, max_iter=4)
    assert result.history["loss"] == result.loss_curve
    assert result.history["learning_rate"] == [0.05] * 4
    assert len(result.history["seconds"]) == 4


class StopAfter:
    """Observer that asks to stop after ``n`` epochs and records its calls."""

    def __init__(self, n):
        self.n, self.calls = n, []

    def epoch_begin(self):
        self.calls.append("begin")

    def epoch_end(self, network):
        self.calls.append("end")
        return self.calls.count("end") >= self.n

    def training_end(self):
        self.calls.append("training_end")


def test_observer_is_called_around_each_epoch_and_can_stop():
    X, Y = make_problem()
    observer = StopAfter(3)
    result = train(make_network(), X, Y, observer=observer, max_iter=10)
    assert result.n_iter == 3
    assert observer.calls == ["begin", "end"] * 3 + ["training_end"]


def test_gradient_clipping_bounds_each_step():
    X, Y = make_problem()
    start = make_network()
    free, clipped = make_network(), make_network()
    clipped.params[...] = free.params[...] = start.params
    train(free, X, Y, learning_rate=1.0, max_iter=1, batch_size=len(X))
    train(
        clipped,
        X,
        Y,
        learning_rate=1.0,
        max_iter=1,
        batch_size=len(X),
        max_grad_norm=1e-3,
    )
    # the first Nesterov step (momentum 0.9) moves by (1 + 0.9) * rate * gradient
    moved = np.linalg.norm(clipped.params - start.params)
    assert moved == pytest.approx(1.9e-3)
    assert np.linalg.norm(free.params - start.params) > 1e-2


def test_float32_training_stays_float32():
    X, Y = make_problem()
    network = make_network(dtype=np.float32)
    result = train(network, X.astype(np.float32), Y.astype(np.float32), max_iter=5)
    assert network.params.dtype == np.float32
    assert np.all(np.isfinite(result.loss_curve))


def test_divergence_stops_and_restores_the_epoch_start():
    X, Y = make_problem()
    network = make_network("identity")
    with np.errstate(all="ignore"):
        result = train(network, X, Y, learning_rate=1.0, max_iter=50)
    assert result.diverged and not result.converged
    assert f"epoch {result.n_iter + 1}" in result.message
    assert len(result.loss_curve) == result.n_iter
    assert np.all(np.isfinite(network.params))
    replay = make_network("identity")
    train(replay, X, Y, learning_rate=1.0, max_iter=result.n_iter)
    assert_array_equal(network.params, replay.params)


def test_divergence_from_a_single_overflowing_step_leaves_finite_params():
    # One full batch per epoch: the step that overflows the weights follows a
    # finite loss, so the next epoch already starts from non-finite weights.
    X, Y = make_problem()
    network = make_network("identity", hidden=())
    with np.errstate(all="ignore"):
        result = train(network, X, Y, learning_rate=1e308, batch_size=N_SAMPLES)
    assert result.diverged
    assert np.all(np.isfinite(network.params))


def test_lbfgs_reduces_the_loss_and_writes_the_params_back():
    X, Y = make_problem()
    network = make_network()
    initial_loss = network.loss_and_gradient(X, Y)
    result = run_lbfgs(network, X, Y, None, max_iter=50, max_fun=15000, tol=1e-6)
    assert result.loss < 0.1 * initial_loss
    assert result.loss == pytest.approx(network.loss_and_gradient(X, Y))
    assert 0 < result.n_iter <= 50 and not result.diverged


def test_lbfgs_stopped_by_max_iter_has_not_converged():
    X, Y = make_problem()
    result = run_lbfgs(make_network(), X, Y, None, max_iter=2, max_fun=15000, tol=1e-12)
    assert result.n_iter == 2
    assert not result.converged


def test_lbfgs_on_a_linear_network_finds_weighted_ridge_regression():
    X, Y = make_problem()
    sample_weight = np.random.RandomState(2).uniform(0.0, 2.0, size=N_SAMPLES)
    alpha = 3.0
    network = Network([N_FEATURES, 1], "relu", "squared_error", np.float64, alpha=alpha)
    result = run_lbfgs(
        network, X, Y, sample_weight, max_iter=500, max_fun=15000, tol=1e-10
    )
    # minimise 0.5 * sum_i w_i r_i^2 + 0.5 * alpha * ||coef||^2 (intercept free)
    design = np.hstack([X, np.ones((N_SAMPLES, 1))])
    ridge = alpha * np.diag([1.0] * N_FEATURES + [0.0])
    weighted_design = design * sample_weight[:, np.newaxis]
    solution = np.linalg.solve(
        design.T @ weighted_design + ridge, weighted_design.T @ Y
    )
    assert result.converged
    assert_allclose(network.params, solution.ravel(), atol=1e-5)


def test_lbfgs_keeps_a_float32_network_in_float32():
    X, Y = make_problem()
    network = make_network(dtype=np.float32)
    initial_loss = network.loss_and_gradient(X.astype(np.float32), Y.astype(np.float32))
    result = run_lbfgs(
        network,
        X.astype(np.float32),
        Y.astype(np.float32),
        None,
        max_iter=20,
        max_fun=15000,
        tol=1e-6,
    )
    assert network.params.dtype == np.float32
    assert result.loss < initial_loss
