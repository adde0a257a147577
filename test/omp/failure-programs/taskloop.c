/* Uses a construct granny does not implement (taskloop): building must fail and say so. */
int main(void) {
  int a[100];
#pragma omp parallel
#pragma omp single
#pragma omp taskloop
  for (int i = 0; i < 100; i++) a[i] = i;
  return a[5] - 5;
}
