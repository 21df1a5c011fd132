"""Issue 2 acceptance 4: lapjv equals lap.lapjv(cost, extend_cost=True, cost_limit=t)."""

import numpy as np
import pytest

import bytetrack_cpp

lap = pytest.importorskip("lap", reason="lap is a test dependency: pip install .[test]")


def reference(cost, limit):
    rows, cols = cost.shape
    if rows == 0 or cols == 0:
        return np.full(rows, -1), np.full(cols, -1)
    _, x, y = lap.lapjv(cost, extend_cost=True, cost_limit=limit)
    return x, y


def random_cost(rng, rows, cols, kind):
    if kind == 0:
        return rng.random((rows, cols))
    if kind == 1:  # few distinct values: many exact ties
        return rng.choice([0.0, 0.25, 0.5, 0.7, 0.8, 1.0], size=(rows, cols))
    if kind == 2:
        return np.round(rng.random((rows, cols)), 1)
    # IoU-distance-like: most pairs do not overlap (exactly 1.0)
    return np.where(rng.random((rows, cols)) < 0.6, 1.0, rng.random((rows, cols)))


def test_lapjv_random_matrices_with_ties():
    rng = np.random.default_rng(2024)
    mismatches = 0
    for it in range(12000):
        rows, cols = int(rng.integers(0, 13)), int(rng.integers(0, 13))
        cost = random_cost(rng, rows, cols, it % 4)
        limit = (0.5, 0.7, 0.8)[it % 3]
        x, y = bytetrack_cpp.lapjv(cost, limit)
        ex, ey = reference(cost, limit)
        if not (np.array_equal(x, ex) and np.array_equal(y, ey)):
            mismatches += 1
    assert mismatches == 0


@pytest.mark.parametrize("n", [100, 400])
@pytest.mark.parametrize("kind", [0, 2, 3])
def test_lapjv_large(n, kind):
    rng = np.random.default_rng(n + kind)
    cost = random_cost(rng, n, n, kind)
    x, y = bytetrack_cpp.lapjv(cost, 0.8)
    ex, ey = reference(cost, 0.8)
    assert np.array_equal(x, ex) and np.array_equal(y, ey)


def test_lapjv_documented_ties():
    # Spec 1.A.7 (verified on lap): 1x3 all equal -> last column; 3x1 -> first row;
    # 2x2 all equal -> anti-diagonal.
    assert bytetrack_cpp.lapjv(np.full((1, 3), 0.2), 0.8)[0].tolist() == [2]
    assert bytetrack_cpp.lapjv(np.full((3, 1), 0.2), 0.8)[1].tolist() == [0]
    assert bytetrack_cpp.lapjv(np.full((2, 2), 0.2), 0.8)[0].tolist() == [1, 0]


def test_lapjv_cost_limit_is_inclusive_and_global():
    # A pair costing exactly the limit may match; above it never.
    assert bytetrack_cpp.lapjv(np.array([[0.8]]), 0.8)[0].tolist() == [0]
    assert bytetrack_cpp.lapjv(np.array([[0.80001]]), 0.8)[0].tolist() == [-1]
    # Global optimum, not greedy: 0.1 + 0.1 beats 0.0 + (nothing).
    x, _ = bytetrack_cpp.lapjv(np.array([[0.0, 0.1], [0.1, 1.0]]), 0.5)
    assert x.tolist() == [1, 0]


def test_lapjv_rejects_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        bytetrack_cpp.lapjv(np.array([[np.nan]]), 0.5)
    with pytest.raises(ValueError, match="2-D"):
        bytetrack_cpp.lapjv(np.zeros(3), 0.5)
    with pytest.raises(TypeError):
        bytetrack_cpp.lapjv(np.array([["a"]]), 0.5)
