"""bytetrack_cpp.linear_sum_assignment against scipy.optimize.linear_sum_assignment:
identical pairs (including how ties are broken) and identical errors."""

import numpy as np
import pytest

scipy_optimize = pytest.importorskip("scipy.optimize")

from bytetrack_cpp import linear_sum_assignment


def _outcome(fn, cost, maximize):
    try:
        r, c = fn(cost, maximize=maximize)
    except ValueError as exc:
        return ("error", str(exc))
    return (r.dtype, r.tolist(), c.dtype, c.tolist())


def _assert_same(cost, maximize):
    ours = _outcome(linear_sum_assignment, cost, maximize)
    ref = _outcome(scipy_optimize.linear_sum_assignment, cost, maximize)
    assert ours == ref, f"maximize={maximize}\n{cost!r}\nours={ours}\nscipy={ref}"


def _tie_heavy_matrix(rng, rows, cols):
    """Random costs drawn so that equal entries (and equal optimal sums) are common."""
    kind = rng.integers(0, 7)
    if kind == 0:  # few distinct small integers
        return rng.integers(0, 3, size=(rows, cols)).astype(np.float64)
    if kind == 1:  # small signed integers
        return rng.integers(-4, 5, size=(rows, cols)).astype(np.float64)
    if kind == 2:  # constant matrix
        return np.full((rows, cols), float(rng.integers(-2, 3)))
    if kind == 3:  # coarse rounded floats, like thresholded IoU values
        return np.round(rng.random((rows, cols)), 1)
    if kind == 4:  # IoU-like: many exact zeros, a few ones, some float32 values
        m = rng.random((rows, cols)).astype(np.float32).astype(np.float64)
        m[rng.random((rows, cols)) < 0.6] = 0.0
        m[rng.random((rows, cols)) < 0.1] = 1.0
        return m
    if kind == 5:  # forbidden pairs (+inf) among integer costs
        m = rng.integers(0, 4, size=(rows, cols)).astype(np.float64)
        m[rng.random((rows, cols)) < 0.25] = np.inf
        return m
    return rng.standard_normal((rows, cols)).round(2) * 10.0


def test_random_small_matrices_match_scipy():
    rng = np.random.default_rng(20261121)
    checked = 0
    for _ in range(12_000):
        rows, cols = (int(x) for x in rng.integers(0, 9, size=2))
        cost = _tie_heavy_matrix(rng, rows, cols)
        maximize = bool(rng.integers(0, 2))
        if maximize and rng.random() < 0.5:
            cost = np.where(np.isinf(cost), -np.inf, cost)  # forbidden pairs when maximising
        _assert_same(cost, maximize)
        checked += 1
    assert checked >= 10_000


@pytest.mark.parametrize("shape", [(3, 5), (5, 5), (5, 3)])
def test_every_shape_and_direction(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(500):
        cost = rng.integers(0, 2, size=shape).astype(np.float64)
        _assert_same(cost, False)
        _assert_same(cost, True)


def test_larger_matrices_match_scipy():
    rng = np.random.default_rng(7)
    for rows, cols in [(40, 60), (60, 40), (100, 100), (150, 90), (1, 200), (200, 1), (64, 64)]:
        for kind in range(3):
            if kind == 0:
                cost = rng.integers(0, 5, size=(rows, cols)).astype(np.float64)
            elif kind == 1:
                cost = np.round(rng.random((rows, cols)), 2)
            else:
                cost = rng.random((rows, cols))
            _assert_same(cost, False)
            _assert_same(cost, True)


@pytest.mark.parametrize(
    "cost",
    [
        np.zeros((0, 0)), np.zeros((0, 3)), np.zeros((4, 0)), np.eye(3), np.ones((2, 4)), np.ones((4, 2)),
        np.array([[np.inf, 1.0], [np.inf, 2.0]]),  # infeasible: column 0 unusable, two rows
        np.array([[np.inf, np.inf], [1.0, 2.0]]),  # infeasible row
        np.array([[1.0, np.nan], [0.0, 1.0]]),
        np.array([[1.0, -np.inf], [0.0, 1.0]]),
        np.array([[1.0, np.inf], [0.0, 1.0]]),
        np.array([[True, False], [False, True]]),
        np.array([[3, 1, 2], [2, 3, 1]], dtype=np.int32),
        np.array([[3, 1, 2], [2, 3, 1]], dtype=np.uint8),
        np.array([[1.5, 0.5], [0.25, 2.0]], dtype=np.float32),
        np.asfortranarray(np.arange(12.0).reshape(3, 4) % 3),
        np.arange(24.0).reshape(4, 6)[:, ::2] % 2,  # non-contiguous view
    ],
)
def test_edge_cases_match_scipy(cost):
    _assert_same(cost, False)
    _assert_same(cost, True)


def test_nested_lists_are_accepted():
    assert _outcome(linear_sum_assignment, [[1, 2], [2, 1]], False) == _outcome(
        scipy_optimize.linear_sum_assignment, [[1, 2], [2, 1]], False)


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((2, 2, 2)), 5.0])
def test_not_a_matrix_is_value_error(bad):
    with pytest.raises(ValueError, match="expected a matrix"):
        linear_sum_assignment(bad)
    with pytest.raises(ValueError, match="expected a matrix"):
        scipy_optimize.linear_sum_assignment(bad)


@pytest.mark.parametrize("bad", [None, "abc", np.array([["a", "b"]])])
def test_non_numeric_is_type_error(bad):
    with pytest.raises(TypeError):
        linear_sum_assignment(bad)
