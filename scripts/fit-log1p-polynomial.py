#!/usr/bin/env python3
"""The polynomial of log1p_unit in packages/core/wasm/simd-math.h, and its float32 error.

log1p(e) for e in [0, 1] is 2 s f(s^2) with s = e / (2 + e) in [0, 1/3] and
f(z) = atanh(sqrt(z)) / sqrt(z) = 1 + z/3 + z^2/5 + ... on [0, 1/9]. This fits f - 1 = z g(z),
g of degree DEGREE, to the relative error of f, by least squares reweighted towards the worst
points (a Remez-like equioscillation). It then rounds the coefficients to float32, evaluates
log1p_unit in float32 as the kernel does (one rounding per operation, no fused multiply-add)
on a grid of e in [0, 1], and prints the largest relative error against float64's log1p, with
the seven-term series it replaced for comparison. Needs numpy
(`apt-get install -y python3-numpy`): `python3 scripts/fit-log1p-polynomial.py`.
"""
import numpy as np

DEGREE = 3
Z_MAX = 1 / 9


def f(z):
    root = np.sqrt(z)
    return np.where(z > 0, np.arctanh(root) / np.where(z > 0, root, 1), 1.0)


def fit(degree):
    z = (1 - np.cos(np.linspace(0, np.pi, 4000)[1:])) / 2 * Z_MAX
    powers = np.vstack([z**k for k in range(degree + 1)]).T
    target = (f(z) - 1) / z
    weights = np.ones_like(z)
    for _ in range(60):
        scale = weights * z / f(z)
        coefficients, *_ = np.linalg.lstsq(powers * scale[:, None], target * scale, rcond=None)
        error = (1 + z * (powers @ coefficients) - f(z)) / f(z)
        weights *= 1 + 5 * np.abs(error) / np.abs(error).max()
    return coefficients.astype(np.float32), np.abs(error).max()


def log1p_unit_float32(coefficients):
    """The kernel's evaluation: Horner in s^2 from the highest coefficient, then 1, then 2s."""
    e = np.linspace(0, 1, 2_000_001, dtype=np.float32)
    s = (e / (e + np.float32(2))).astype(np.float32)
    s2 = (s * s).astype(np.float32)
    p = coefficients[-1]
    for c in coefficients[-2::-1]:
        p = (p * s2 + c).astype(np.float32)
    y = ((s + s) * p).astype(np.float32)
    exact = np.log1p(e.astype(np.float64))
    return (np.abs(y - exact)[1:] / exact[1:]).max()


coefficients, fit_error = fit(DEGREE)
series = np.float32([1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13, 1 / 15])
print("g's coefficients from z^0 up (float32):", ", ".join(repr(float(c)) for c in coefficients))
print(f"relative error of 1 + z g(z) against f on [0, 1/9], exact arithmetic: {fit_error:.2e}")
minimax = log1p_unit_float32(np.concatenate([np.float32([1]), coefficients]))
print(f"log1p_unit in float32, largest relative error on [0, 1]: {minimax:.2e}")
print(f"the series to s^15 it replaced, the same: {log1p_unit_float32(series):.2e}")
