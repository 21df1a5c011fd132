"""The block-diagonal Kalman filter equals the reference's dense 8x8 formulas."""

import numpy as np

import bytetrack_cpp

SP, SV = 1 / 20, 1 / 160
F = np.eye(8)
F[:4, 4:] = np.eye(4)
H = np.eye(4, 8)


def xyah(b):
    w, h = b[2] - b[0], b[3] - b[1]
    return np.array([b[0] + w / 2, b[1] + h / 2, w / h, h])


def dense_initiate(z):
    h = z[3]
    std = [2 * SP * h, 2 * SP * h, 1e-2, 2 * SP * h, 10 * SV * h, 10 * SV * h, 1e-5, 10 * SV * h]
    return np.r_[z, np.zeros(4)], np.diag(np.square(std))


def dense_predict(mean, cov):
    h = mean[3]
    q = np.diag(np.square([SP * h, SP * h, 1e-2, SP * h, SV * h, SV * h, 1e-5, SV * h]))
    return F @ mean, F @ cov @ F.T + q


def dense_update(mean, cov, z):
    h = mean[3]
    s = H @ cov @ H.T + np.diag(np.square([SP * h, SP * h, 1e-1, SP * h]))
    k = np.linalg.solve(s, (cov @ H.T).T).T
    return mean + k @ (z - H @ mean), cov - k @ s @ k.T


def box(mean):
    w = mean[2] * mean[3]
    x, y = mean[0] - w / 2, mean[1] - mean[3] / 2
    return np.array([x, y, x + w, y + mean[3]])


def test_single_track_follows_dense_filter():
    rng = np.random.default_rng(0)
    truth = np.array([100.0, 50.0, 160.0, 200.0])
    tracker = bytetrack_cpp.BYTETracker()
    mean = cov = None
    for frame in range(1, 80):
        truth = truth + np.array([2.0, 0.5, 2.2, 0.6])
        det = truth + rng.normal(0, 1.5, 4)
        out = tracker.update(det[None, :], np.array([0.9]))
        z = xyah(det)
        if frame == 1:
            mean, cov = dense_initiate(z)
        else:  # first-frame births are confirmed at once, so they are predicted from frame 2
            mean, cov = dense_predict(mean, cov)
            mean, cov = dense_update(mean, cov, z)
        assert out.track_id.tolist() == [1]
        np.testing.assert_allclose(out.xyxy[0], box(mean), rtol=0, atol=1e-9)
