/* Molecular-dynamics proxy: Lennard-Jones particles in a periodic 2-D box, velocity Verlet,
 * the box cut into slabs along x, one per rank. Each step migrates particles that left their
 * slab and exchanges ghost particles within the cut-off with both neighbours, the pattern of
 * LAMMPS' spatial decomposition. Validates conservation of particles, momentum and energy.
 * Usage: lj_md [lattice side] [steps] */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct { double x, y, vx, vy, fx, fy; } particle;

#define RC 2.5
#define DT 0.004
#define SPACING 1.1

static int nlocal, nghost, cap;
static particle *p, *ghost, *sendbuf;
static double box, lo, hi;
static int nranks, me;

/* The particle arrays grow together: a rank may receive many particles at once. */
static void grow(int need) {
  if (need > cap) {
    cap = need * 2;
    p = realloc(p, sizeof(particle) * cap);
    ghost = realloc(ghost, sizeof(particle) * cap);
    sendbuf = realloc(sendbuf, sizeof(particle) * cap);
  }
}

static double forces(void) {
  double pe = 0, rc2 = RC * RC, shift = 4 * (pow(RC, -12) - pow(RC, -6));
  for (int i = 0; i < nlocal; i++) p[i].fx = p[i].fy = 0;
  for (int i = 0; i < nlocal; i++) {
    for (int j = i + 1; j < nlocal + nghost; j++) {
      particle *q = j < nlocal ? &p[j] : &ghost[j - nlocal];
      double dx = p[i].x - q->x, dy = p[i].y - q->y;
      if (j < nlocal && nranks == 1) dx -= box * round(dx / box);
      dy -= box * round(dy / box);
      double r2 = dx * dx + dy * dy;
      if (r2 >= rc2) continue;
      double ir2 = 1.0 / r2, ir6 = ir2 * ir2 * ir2;
      double f = 24 * ir2 * ir6 * (2 * ir6 - 1);
      double e = 4 * ir6 * (ir6 - 1) - shift;
      p[i].fx += f * dx, p[i].fy += f * dy;
      if (j < nlocal) {
        p[j].fx -= f * dx, p[j].fy -= f * dy;
        pe += e;
      } else {
        pe += 0.5 * e;
      }
    }
  }
  return pe;
}

/* Sends particles selected by `pick` to `to` and appends what arrives from `from` to `into`. */
static int exchange(MPI_Datatype ptype, int (*pick)(const particle *), int to, int from, double shift, int at, int tag,
                    int remove) {
  particle *into;
  int ns = 0;
  for (int i = 0; i < nlocal; i++) {
    if (!pick(&p[i])) continue;
    sendbuf[ns] = p[i];
    sendbuf[ns].x += shift;
    ns++;
    if (remove) p[i--] = p[--nlocal];
  }
  int nr;
  MPI_Sendrecv(&ns, 1, MPI_INT, to, tag, &nr, 1, MPI_INT, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  grow(at + nr + nlocal + 1);
  into = remove ? p : ghost;
  MPI_Sendrecv(sendbuf, ns, ptype, to, tag + 1, &into[at], nr, ptype, from, tag + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return nr;
}

static int owner(const particle *q) {
  int o = (int)(q->x * nranks / box);
  return o < 0 ? 0 : o >= nranks ? nranks - 1 : o;
}
static int goes_left(const particle *q) { return owner(q) == (me + nranks - 1) % nranks && owner(q) != me; }
static int goes_right(const particle *q) { return owner(q) != me; }
static int near_lo(const particle *q) { return q->x < lo + RC; }
static int near_hi(const particle *q) { return q->x >= hi - RC; }

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  nranks = size, me = rank;
  int side = argc > 1 ? atoi(argv[1]) : 32, steps = argc > 2 ? atoi(argv[2]) : 200;
  int total = side * side;
  box = side * SPACING;
  lo = box * rank / size;
  hi = box * (rank + 1) / size;
  int left = (rank + size - 1) % size, right = (rank + 1) % size;
  if (hi - lo < RC) {
    if (rank == 0) printf("lj_md: slabs thinner than the cut-off; use fewer ranks or a larger lattice\n");
    MPI_Finalize();
    return 1;
  }
  MPI_Datatype ptype;
  MPI_Type_contiguous(6, MPI_DOUBLE, &ptype);
  MPI_Type_commit(&ptype);

  /* Every rank generates the same lattice and velocities and keeps its slab. */
  grow(total + 16);
  unsigned long long seed = 12345;
  double mvx = 0, mvy = 0;
  particle *all = malloc(sizeof(particle) * total);
  for (int k = 0; k < total; k++) {
    all[k].x = (k % side + 0.5) * SPACING;
    all[k].y = (k / side + 0.5) * SPACING;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    all[k].vx = ((seed >> 11) * (1.0 / 9007199254740992.0) - 0.5);
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    all[k].vy = ((seed >> 11) * (1.0 / 9007199254740992.0) - 0.5);
    mvx += all[k].vx, mvy += all[k].vy;
  }
  nlocal = 0;
  for (int k = 0; k < total; k++) {
    all[k].vx -= mvx / total, all[k].vy -= mvy / total;
    if (owner(&all[k]) == rank) p[nlocal++] = all[k];
  }
  free(all);

  double t0 = MPI_Wtime(), e0 = 0, emax = 0;
  for (int step = 0; step <= steps; step++) {
    if (step > 0) {
      for (int i = 0; i < nlocal; i++) {
        p[i].vx += 0.5 * DT * p[i].fx, p[i].vy += 0.5 * DT * p[i].fy;
        p[i].x += DT * p[i].vx, p[i].y += DT * p[i].vy;
        p[i].x -= box * floor(p[i].x / box), p[i].y -= box * floor(p[i].y / box);
      }
      if (size > 1) {
        nlocal += exchange(ptype, goes_left, left, right, 0, nlocal, 10, 1);
        nlocal += exchange(ptype, goes_right, right, left, 0, nlocal, 20, 1);
      }
    }
    /* With one rank the minimum image covers the x edge; with more, ghosts do. */
    nghost = 0;
    if (size > 1) {
      nghost = exchange(ptype, near_lo, left, right, rank == 0 ? box : 0, 0, 30, 0);
      nghost += exchange(ptype, near_hi, right, left, rank == size - 1 ? -box : 0, nghost, 40, 0);
    }
    double pe = forces();
    if (step > 0)
      for (int i = 0; i < nlocal; i++) p[i].vx += 0.5 * DT * p[i].fx, p[i].vy += 0.5 * DT * p[i].fy;
    double local[5] = {pe, 0, 0, 0, nlocal}, sum[5];
    for (int i = 0; i < nlocal; i++) {
      local[1] += 0.5 * (p[i].vx * p[i].vx + p[i].vy * p[i].vy);
      local[2] += p[i].vx, local[3] += p[i].vy;
    }
    MPI_Allreduce(local, sum, 5, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double e = (sum[0] + sum[1]) / total;
    if (step == 0) e0 = e;
    if (fabs(e - e0) > emax) emax = fabs(e - e0);
    if (rank == 0 && step % 50 == 0)
      printf("lj_md: step %d particles %.0f energy/particle %.4f\n", step, sum[4], e);
    if ((int)sum[4] != total || fabs(sum[2]) + fabs(sum[3]) > 1e-9 * total) {
      if (rank == 0) printf("lj_md: INVALID at step %d: %.0f particles, momentum %g %g\n", step, sum[4], sum[2], sum[3]);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  double elapsed = MPI_Wtime() - t0;
  int ok = emax < 1e-3 * fabs(e0) + 1e-4;
  if (rank == 0) {
    printf("lj_md: %d particles, %d steps on %d ranks: %s (particles and momentum conserved, energy drift below 0.1%%)\n",
           total, steps, size, ok ? "VALID" : "INVALID");
    fprintf(stderr, "lj_md: %.3f s, energy drift %.2e\n", elapsed, emax);
  }
  MPI_Type_free(&ptype);
  MPI_Finalize();
  return ok ? 0 : 1;
}
