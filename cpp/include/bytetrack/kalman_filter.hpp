// Constant-velocity Kalman filter on (cx, cy, aspect, height), as in ByteTrack.
#pragma once

namespace bytetrack {

// The reference filter keeps a full 8x8 covariance, but with its diagonal initial
// covariance, diagonal noises and F = [I I; 0 I], H = [I 0], every coordinate only
// ever couples with its own velocity: the matrix is four independent 2x2 blocks and
// all other entries stay exactly 0. We store the blocks. The two off-diagonal
// entries are kept separately because the reference's update rounds them
// differently (K S K^T is not bitwise symmetric).
struct KalmanState {
    double mean[8];   // cx, cy, a, h, vcx, vcy, va, vh
    double p_pp[4];   // Var(position_i)
    double p_pv[4];   // Cov(position_i, velocity_i)
    double p_vp[4];   // Cov(velocity_i, position_i)
    double p_vv[4];   // Var(velocity_i)
};

class KalmanFilter {
public:
    static constexpr double kStdWeightPosition = 1.0 / 20.0;
    static constexpr double kStdWeightVelocity = 1.0 / 160.0;

    // `f32_noise` reproduces supervision, whose NumPy code computes the noise
    // standard deviations in float32 while a track's mean is still the float32
    // array its detection created (the covariance itself stays float64):
    //  - initiate: std = float32(float32(c) * h), squared in float64;
    //  - predict of a batch of only such tracks: std and its square in float32;
    //  - update of such a track: R's std in float32, squared in float64.

    // Track birth from a measurement (cx, cy, a, h).
    static void initiate(const double xyah[4], KalmanState& state, bool f32_noise = false);
    // One step ahead; process noise scales with the height before the step.
    static void predict(KalmanState& state, bool f32_noise = false);
    // Correct with a measurement (cx, cy, a, h); noise scales with the state's height.
    static void update(KalmanState& state, const double xyah[4], bool f32_noise = false);
    // Expands the block form to the reference's dense row-major 8x8 matrix.
    static void full_covariance(const KalmanState& state, double out[64]);
};

}  // namespace bytetrack
