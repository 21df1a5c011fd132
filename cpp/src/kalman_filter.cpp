#include "bytetrack/kalman_filter.hpp"

#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bytetrack {

namespace {
inline double square(double v) { return v * v; }
// NumPy float32 scalar times a Python float: the float is cast to float32 first.
inline double f32_product(double c, double h) {
    return static_cast<double>(static_cast<float>(c) * static_cast<float>(h));
}
}  // namespace

void KalmanFilter::initiate(const double z[4], KalmanState& s, bool f32_noise) {
    const double h = z[3];
    for (int i = 0; i < 4; ++i) {
        s.mean[i] = z[i];
        s.mean[i + 4] = 0.0;
        s.p_pv[i] = 0.0;
        s.p_vp[i] = 0.0;
    }
    // (2 * w) * h, evaluated left to right like the reference.
    const double pos = f32_noise ? square(f32_product(2.0 * kStdWeightPosition, h))
                                 : square(2.0 * kStdWeightPosition * h);
    const double vel = f32_noise ? square(f32_product(10.0 * kStdWeightVelocity, h))
                                 : square(10.0 * kStdWeightVelocity * h);
    s.p_pp[0] = pos;
    s.p_pp[1] = pos;
    s.p_pp[2] = square(1e-2);
    s.p_pp[3] = pos;
    s.p_vv[0] = vel;
    s.p_vv[1] = vel;
    s.p_vv[2] = square(1e-5);
    s.p_vv[3] = vel;
}

void KalmanFilter::predict(KalmanState& s, bool f32_noise) {
    const double h = s.mean[3];
    double q_pos = square(kStdWeightPosition * h);
    double q_vel = square(kStdWeightVelocity * h);
    double q_a = square(1e-2), q_va = square(1e-5);
    if (f32_noise) {
        auto sq32 = [](double c, double hh) {
            const float v = static_cast<float>(c) * static_cast<float>(hh);
            return static_cast<double>(v * v);
        };
        q_pos = sq32(kStdWeightPosition, h);
        q_vel = sq32(kStdWeightVelocity, h);
        q_a = sq32(1e-2, 1.0);
        q_va = sq32(1e-5, 1.0);
    }
    const double q_p[4] = {q_pos, q_pos, q_a, q_pos};
    const double q_v[4] = {q_vel, q_vel, q_va, q_vel};
    for (int i = 0; i < 4; ++i) {
        s.mean[i] = s.mean[i] + s.mean[i + 4];
        const double pp = s.p_pp[i], pv = s.p_pv[i], vp = s.p_vp[i], vv = s.p_vv[i];
        // F P F^T: the left product sums rows (pp + vp), the right one columns.
        s.p_pp[i] = ((pp + vp) + (pv + vv)) + q_p[i];
        s.p_pv[i] = pv + vv;
        s.p_vp[i] = vp + vv;
        s.p_vv[i] = vv + q_v[i];
    }
}

void KalmanFilter::update(KalmanState& s, const double z[4], bool f32_noise) {
    const double h = s.mean[3];
    const double r_pos = f32_noise ? square(f32_product(kStdWeightPosition, h)) : square(kStdWeightPosition * h);
    const double r[4] = {r_pos, r_pos, square(1e-1), r_pos};
#if defined(__SSE2__)
    // Two coordinates per step. Packed IEEE operations round exactly like the
    // scalar ones (square root and division included) and no operation is
    // reordered, so the results are bit-identical to the scalar loop below;
    // the square roots and divisions, which dominate, run two at a time.
    for (int i = 0; i < 4; i += 2) {
        const __m128d pp = _mm_loadu_pd(s.p_pp + i), pv = _mm_loadu_pd(s.p_pv + i);
        const __m128d vp = _mm_loadu_pd(s.p_vp + i), vv = _mm_loadu_pd(s.p_vv + i);
        const __m128d innov_cov = _mm_add_pd(pp, _mm_loadu_pd(r + i));
        const __m128d chol = _mm_sqrt_pd(innov_cov);
        const __m128d k_p = _mm_div_pd(_mm_div_pd(pp, chol), chol);
        const __m128d k_v = _mm_div_pd(_mm_div_pd(vp, chol), chol);
        const __m128d mean_p = _mm_loadu_pd(s.mean + i), mean_v = _mm_loadu_pd(s.mean + i + 4);
        const __m128d innovation = _mm_sub_pd(_mm_loadu_pd(z + i), mean_p);
        _mm_storeu_pd(s.mean + i, _mm_add_pd(mean_p, _mm_mul_pd(innovation, k_p)));
        _mm_storeu_pd(s.mean + i + 4, _mm_add_pd(mean_v, _mm_mul_pd(innovation, k_v)));
        _mm_storeu_pd(s.p_pp + i, _mm_sub_pd(pp, _mm_mul_pd(k_p, _mm_mul_pd(innov_cov, k_p))));
        _mm_storeu_pd(s.p_pv + i, _mm_sub_pd(pv, _mm_mul_pd(k_p, _mm_mul_pd(innov_cov, k_v))));
        _mm_storeu_pd(s.p_vp + i, _mm_sub_pd(vp, _mm_mul_pd(k_v, _mm_mul_pd(innov_cov, k_p))));
        _mm_storeu_pd(s.p_vv + i, _mm_sub_pd(vv, _mm_mul_pd(k_v, _mm_mul_pd(innov_cov, k_v))));
    }
#else
    for (int i = 0; i < 4; ++i) {
        const double innov_cov = s.p_pp[i] + r[i];
        // The reference solves with a Cholesky factor: two divisions by sqrt(S).
        const double chol = std::sqrt(innov_cov);
        const double k_p = (s.p_pp[i] / chol) / chol;
        const double k_v = (s.p_vp[i] / chol) / chol;
        const double innovation = z[i] - s.mean[i];
        s.mean[i] = s.mean[i] + innovation * k_p;
        s.mean[i + 4] = s.mean[i + 4] + innovation * k_v;
        // P - K (S K^T), the association numpy's multi_dot picks for these shapes.
        s.p_pp[i] = s.p_pp[i] - k_p * (innov_cov * k_p);
        s.p_pv[i] = s.p_pv[i] - k_p * (innov_cov * k_v);
        s.p_vp[i] = s.p_vp[i] - k_v * (innov_cov * k_p);
        s.p_vv[i] = s.p_vv[i] - k_v * (innov_cov * k_v);
    }
#endif
}

void KalmanFilter::full_covariance(const KalmanState& s, double out[64]) {
    for (int i = 0; i < 64; ++i) out[i] = 0.0;
    for (int i = 0; i < 4; ++i) {
        out[i * 8 + i] = s.p_pp[i];
        out[i * 8 + i + 4] = s.p_pv[i];
        out[(i + 4) * 8 + i] = s.p_vp[i];
        out[(i + 4) * 8 + i + 4] = s.p_vv[i];
    }
}

}  // namespace bytetrack
