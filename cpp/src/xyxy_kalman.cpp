#include "bytetrack/xyxy_kalman.hpp"

#include <cmath>

namespace bytetrack {

namespace {

inline void set_positions(XyxyKalmanState& s, const Box& b) {
    s.x[0] = b.x1;
    s.x[1] = b.y1;
    s.x[2] = b.x2;
    s.x[3] = b.y2;
    for (int i = 4; i < 8; ++i) s.x[i] = 0.0;
}

inline double coordinate(const Box& b, int i) {
    switch (i) {
        case 0: return b.x1;
        case 1: return b.y1;
        case 2: return b.x2;
        default: return b.y2;
    }
}

}  // namespace

// ---------------------------------------------------------------- trackers 2.2.0

namespace kalman_v220 {

void init(XyxyKalmanState& s, const Box& box) {
    set_positions(s, Box{static_cast<float>(box.x1), static_cast<float>(box.y1), static_cast<float>(box.x2),
                         static_cast<float>(box.y2)});
    s.P[0] = 1.0;
    s.P[1] = 0.0;
    s.P[2] = 0.0;
    s.P[3] = 1.0;
    s.float32_state = true;
}

void predict(XyxyKalmanState& s) {
    // x <- F x: position + velocity, in the state's precision.
    for (int i = 0; i < 4; ++i) {
        if (s.float32_state)
            s.x[i] = static_cast<float>(static_cast<float>(s.x[i]) + static_cast<float>(s.x[i + 4]));
        else
            s.x[i] = s.x[i] + s.x[i + 4];
    }
    // P <- F P F^T + Q in float32; (F P)[p] = P[p] + P[v], then (.)F^T likewise.
    const float q = 0.01f;
    const float a = static_cast<float>(s.P[0]), b = static_cast<float>(s.P[1]);
    const float c = static_cast<float>(s.P[2]), d = static_cast<float>(s.P[3]);
    const float m_pp = a + c, m_pv = b + d;
    s.P[0] = static_cast<float>(m_pp + m_pv) + q;
    s.P[1] = m_pv;
    s.P[2] = c + d;
    s.P[3] = d + q;
}

void update(XyxyKalmanState& s, const Box& z, bool z_is_float32) {
    const float r = 0.1f;
    const float a = static_cast<float>(s.P[0]), b = static_cast<float>(s.P[1]);
    const float c = static_cast<float>(s.P[2]), d = static_cast<float>(s.P[3]);
    // S = a + r on the diagonal; inv(S) = 1 / S; K = P H^T inv(S).
    const float inv_s = 1.0f / (a + r);
    const float k_p = a * inv_s;
    const float k_v = c * inv_s;
    const bool stay_float32 = s.float32_state && z_is_float32;
    for (int i = 0; i < 4; ++i) {
        if (stay_float32) {
            const float y = static_cast<float>(coordinate(z, i)) - static_cast<float>(s.x[i]);
            s.x[i] = static_cast<float>(s.x[i]) + k_p * y;
            s.x[i + 4] = static_cast<float>(s.x[i + 4]) + k_v * y;
        } else {
            // A float64 measurement (or an already promoted state) makes NumPy
            // compute the residual and the new state in float64.
            const double y = coordinate(z, i) - s.x[i];
            s.x[i] = s.x[i] + static_cast<double>(k_p) * y;
            s.x[i + 4] = s.x[i + 4] + static_cast<double>(k_v) * y;
        }
    }
    s.float32_state = stay_float32;
    // P <- (I - K H) P with the old P throughout.
    const float e = 1.0f - k_p;
    s.P[0] = e * a;
    s.P[1] = e * b;
    s.P[2] = c - k_v * a;
    s.P[3] = d - k_v * b;
}

}  // namespace kalman_v220

// ---------------------------------------------------------------- trackers >= 2.4

namespace kalman_v26 {

void init(XyxyKalmanState& s, const Box& box) {
    set_positions(s, box);
    s.P[0] = 1.0;
    s.P[1] = 0.0;
    s.P[2] = 0.0;
    s.P[3] = 1.0;
    s.float32_state = false;
}

void predict(XyxyKalmanState& s, double step, bool nominal_q) {
    const double sigma_a2 = 0.01;  // velocity variance of the configured Q
    double q_pp, q_pv, q_vv;
    if (nominal_q) {
        q_pp = 0.01;
        q_pv = 0.0;
        q_vv = 0.01;
    } else {
        const double dt2 = step * step;
        const double dt3 = dt2 * step;
        const double dt4 = dt2 * dt2;
        q_pp = sigma_a2 * dt4 / 4.0;
        q_pv = sigma_a2 * dt3 / 2.0;
        q_vv = sigma_a2 * dt2;
    }
    const double a = s.P[0], b = s.P[1], c = s.P[2], d = s.P[3];
    if (step == 1.0) {
        // Products with 1 are exact: plain sums, the common fixed-rate case.
        for (int i = 0; i < 4; ++i) s.x[i] = s.x[i] + s.x[i + 4];
        const double m_pp = a + c, m_pv = b + d;  // F P
        s.P[0] = (m_pp + m_pv) + q_pp;            // (F P) F^T + Q
        s.P[1] = m_pv + q_pv;
        s.P[2] = (c + d) + q_pv;
    } else {
        // With another step the reference's BLAS products (OpenBLAS on x86-64 and
        // ARM64 kernels) accumulate with fused multiply-add; so does this.
        for (int i = 0; i < 4; ++i) s.x[i] = std::fma(step, s.x[i + 4], s.x[i]);
        const double m_pp = std::fma(step, c, a), m_pv = std::fma(step, d, b);
        s.P[0] = std::fma(m_pv, step, m_pp) + q_pp;
        s.P[1] = m_pv + q_pv;
        s.P[2] = std::fma(d, step, c) + q_pv;
    }
    s.P[3] = d + q_vv;
}

void update(XyxyKalmanState& s, const Box& z) {
    const double r = 0.1;
    const double a = s.P[0], b = s.P[1], c = s.P[2], d = s.P[3];
    const double inv_s = 1.0 / (a + r);
    const double k_p = a * inv_s;
    const double k_v = c * inv_s;
    for (int i = 0; i < 4; ++i) {
        const double y = coordinate(z, i) - s.x[i];
        s.x[i] = s.x[i] + k_p * y;
        s.x[i + 4] = s.x[i + 4] + k_v * y;
    }
    // Joseph form: P <- (I - K H) P (I - K H)^T + K R K^T.
    const double e = 1.0 - k_p;  // (I - K H)[p][p]
    const double f = -k_v;       // (I - K H)[v][p]
    const double a_pp = e * a, a_pv = e * b;
    const double a_vp = f * a + c, a_vv = f * b + d;
    const double kr_p = k_p * r, kr_v = k_v * r;
    s.P[0] = a_pp * e + kr_p * k_p;
    s.P[1] = (a_pp * f + a_pv) + kr_p * k_v;
    s.P[2] = a_vp * e + kr_v * k_p;
    s.P[3] = (a_vp * f + a_vv) + kr_v * k_v;
}

}  // namespace kalman_v26

}  // namespace bytetrack
