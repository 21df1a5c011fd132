// Constant-velocity Kalman filter on corner boxes with fixed noise, the motion
// model of roboflow trackers' ByteTrackTracker: state (x1, y1, x2, y2, v1..v4),
// F = I with F[i][i+4] = step, H = [I4 | 0], Q = 0.01 I, R = 0.1 I, P0 = I.
//
// F, H, Q, R and P0 act on each coordinate's (position, velocity) pair alone and
// equally, so P is four identical 2x2 blocks and one block is stored. The
// reference's dense matrix products reduce, entry by entry, to the few non-zero
// terms below, evaluated in the same order and precision, so the boxes used for
// IoU match the NumPy reference to the last bit in fixed-rate operation (and, with
// 2.6.1 timestamps, wherever NumPy's BLAS accumulates with fused multiply-add).
#pragma once

#include "bytetrack/box.hpp"

namespace bytetrack {

struct XyxyKalmanState {
    double x[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // positions x1, y1, x2, y2 then their velocities
    double P[4] = {1, 0, 0, 1};              // the shared block: {pp, pv, vp, vv}
    // trackers 2.2.0 keeps the state in float32 until a float64 measurement promotes it.
    bool float32_state = false;

    Box box() const { return Box{x[0], x[1], x[2], x[3]}; }
};

// trackers 2.2.0 (ByteTrackKalmanBoxTracker): float32 matrices, plain covariance
// update P = (I - K H) P.
namespace kalman_v220 {
// State = box rounded to float32, velocities 0, P = I.
void init(XyxyKalmanState& s, const Box& box);
void predict(XyxyKalmanState& s);
// z in the input's dtype: float32 keeps a float32 state, float64 promotes it.
void update(XyxyKalmanState& s, const Box& z, bool z_is_float32);
}  // namespace kalman_v220

// trackers >= 2.4 (XYXYStateEstimator over the generic KalmanFilter): float64,
// Joseph-form covariance update, optional variable step.
namespace kalman_v26 {
void init(XyxyKalmanState& s, const Box& box);
// `step` in frames (1 in fixed-rate mode); `nominal_q` selects the configured
// one-frame Q, otherwise Q is scaled as discrete white-noise acceleration.
void predict(XyxyKalmanState& s, double step, bool nominal_q);
void update(XyxyKalmanState& s, const Box& z);
}  // namespace kalman_v26

}  // namespace bytetrack
