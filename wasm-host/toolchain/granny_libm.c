/* Faster replacements for C library functions that WebAssembly has no instruction for, linked
 * into every granny module ahead of wasi-libc (an archive member is only pulled in for a symbol
 * nothing else defines). Same results as the C standard asks, bit for bit:
 * test/mpi/programs/libm_round.c compares them with the native C library.
 *
 * round: wasi-libc rounds by adding and subtracting 2^52, with branches on the exponent, as an
 * out-of-line call; a particle code calling round in its inner loop ran 2.5x slower than with
 * rint (one f64.nearest). Here: truncate (f64.trunc), and step away from zero when the dropped
 * fraction is at least one half. x - trunc(x) is exact for every finite x, so there is no
 * double rounding; NaN and infinities come out as they went in, and -0.0 stays -0.0. */

double round(double x) {
  double t = __builtin_trunc(x);
  return __builtin_fabs(x - t) >= 0.5 ? t + __builtin_copysign(1.0, x) : t;
}

float roundf(float x) {
  float t = __builtin_truncf(x);
  return __builtin_fabsf(x - t) >= 0.5f ? t + __builtin_copysignf(1.0f, x) : t;
}
