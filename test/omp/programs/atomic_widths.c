/* Atomic read-modify-write at every width and operation (add, sub, and, or, xor on 8-, 16-, 32-
 * and 64-bit integers, signed and unsigned), as `omp atomic` updates and as captures whose old
 * values are checked: granny cc turns these instructions into compare-exchange loops, and this
 * program checks that the loops keep their meaning under contention. */
#include <omp.h>
#include <stdint.h>
#include "check.h"

#define ROUNDS 3000

/* Each thread adds and subtracts its own amounts; sums of captured old values are checked
 * modulo the width, since the set of old values of n increments by one is exactly 0..n-1. */
#define ADD_SUB(T, name)                                                                          \
  static void add_sub_##name(void) {                                                              \
    T counter = 0, down = (T)(ROUNDS * 64);                                                        \
    T olds_sum = 0;                                                                                \
    int team = 1;                                                                                  \
    _Pragma("omp parallel") {                                                                     \
      _Pragma("omp single") team = omp_get_num_threads();                                         \
      T mine = 0;                                                                                  \
      for (int k = 0; k < ROUNDS; k++) {                                                           \
        T old;                                                                                     \
        _Pragma("omp atomic capture") {                                                           \
          old = counter;                                                                           \
          counter += 1;                                                                            \
        }                                                                                          \
        mine += old;                                                                               \
        _Pragma("omp atomic") down -= 3;                                                          \
      }                                                                                            \
      _Pragma("omp atomic") olds_sum += mine;                                                     \
    }                                                                                              \
    uint64_t n = (uint64_t)ROUNDS * team;                                                          \
    T expected_sum = 0;                                                                            \
    for (uint64_t i = 0; i < n; i++) expected_sum += (T)i;                                         \
    CHECK(counter == (T)n, #name " counter %llu", (unsigned long long)counter);                   \
    CHECK(down == (T)((T)(ROUNDS * 64) - (T)(3 * n)), #name " down %llu", (unsigned long long)down); \
    CHECK(olds_sum == expected_sum, #name " old values %llu", (unsigned long long)olds_sum);       \
    printf(#name " add/sub %llu %llu\n", (unsigned long long)counter, (unsigned long long)down);  \
  }

/* Thread t sets, clears and flips bit t % bits: the final value depends only on the team. */
#define BITS(T, name, bits)                                                                        \
  static void bits_##name(void) {                                                                  \
    T set = 0, cleared = (T)~(T)0, flipped = 0;                                                    \
    int team = 1;                                                                                  \
    _Pragma("omp parallel") {                                                                     \
      _Pragma("omp single") team = omp_get_num_threads();                                         \
      T bit = (T)((T)1 << (omp_get_thread_num() % (bits)));                                        \
      for (int k = 0; k < ROUNDS; k++) {                                                           \
        _Pragma("omp atomic") set |= bit;                                                         \
        _Pragma("omp atomic") cleared &= (T)~bit;                                                 \
        _Pragma("omp atomic") flipped ^= bit;                                                     \
      }                                                                                            \
    }                                                                                              \
    T want_set = 0, want_flipped = 0;                                                              \
    for (int t = 0; t < team; t++) {                                                               \
      T bit = (T)((T)1 << (t % (bits)));                                                           \
      want_set |= bit;                                                                             \
      if (ROUNDS % 2) want_flipped ^= bit;                                                         \
    }                                                                                              \
    CHECK(set == want_set, #name " or");                                                           \
    CHECK(cleared == (T)~want_set, #name " and");                                                  \
    CHECK(flipped == want_flipped, #name " xor");                                                  \
    printf(#name " bits %llx %llx %llx\n", (unsigned long long)set, (unsigned long long)cleared,   \
           (unsigned long long)flipped);                                                           \
  }

ADD_SUB(signed char, i8)
ADD_SUB(unsigned char, u8)
ADD_SUB(short, i16)
ADD_SUB(unsigned short, u16)
ADD_SUB(int, i32)
ADD_SUB(unsigned, u32)
ADD_SUB(long long, i64)
ADD_SUB(unsigned long long, u64)
BITS(unsigned char, u8, 8)
BITS(unsigned short, u16, 16)
BITS(unsigned, u32, 32)
BITS(unsigned long long, u64, 64)

int main(void) {
  add_sub_i8();
  add_sub_u8();
  add_sub_i16();
  add_sub_u16();
  add_sub_i32();
  add_sub_u32();
  add_sub_i64();
  add_sub_u64();
  bits_u8();
  bits_u16();
  bits_u32();
  bits_u64();
  /* __atomic builtins with the old value used, as C11 atomics and libraries write them. */
  static unsigned long long wide = 0;
  static unsigned short narrow = 0;
  unsigned long long wide_olds = 0;
#pragma omp parallel reduction(+ : wide_olds)
  for (int k = 0; k < ROUNDS; k++) {
    wide_olds += __atomic_fetch_add(&wide, 5, __ATOMIC_SEQ_CST) % 5;
    __atomic_fetch_xor(&narrow, 0x8001, __ATOMIC_RELAXED);
  }
  CHECK(wide_olds == 0, "fetch_add old values are multiples of 5");
  printf("wide %llu narrow %x\n", wide, narrow);
  printf("atomic_widths ok\n");
  return 0;
}
