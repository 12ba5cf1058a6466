// Data-parallel training's view of the other processes (docs/distributed.md). The trainer talks
// to a Comm; a single process gets this base class, whose every operation is the identity, so
// the single-process path runs no MPI code at all. Built with MPI (CMake RNNGEN_MPI) and started
// by mpirun or srun, world() is the MPI communicator of dist/mpi_comm.cc.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace rnngen::dist {

// A collective that failed or did not finish in time (a peer died or hangs). The CLI prints it
// and aborts the whole job with a non-zero status.
class DistError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }

  // In-place sum over every process.
  virtual void sum(double* v, int n) { (void)v, (void)n; }
  // Whether any process passed true.
  virtual bool any(bool flag) { return flag; }
  // Whether every process passed the same value.
  virtual bool same(int64_t v) { (void)v; return true; }
  // Rank 0's values into every process's v.
  virtual void broadcast(float* v, size_t n) { (void)v, (void)n; }
  // Every process's `local` concatenated in rank order, on rank 0 (empty elsewhere).
  virtual std::vector<float> gather(const std::vector<float>& local) { return local; }

  // The gradient sum of one step, in buckets of one flat buffer: grads_begin(g, n); then
  // grads_ready(offset) whenever backward has made g[offset, n) final (each starts the sums of
  // the buckets that became complete); grads_end() waits for all of them.
  virtual void grads_begin(float* g, size_t n) { (void)g, (void)n; }
  virtual void grads_ready(size_t offset) { (void)offset; }
  virtual void grads_end() {}
  // Seconds spent inside grads_end (waiting for the gradient sums) since the start.
  virtual double grads_wait_seconds() const { return 0; }

  // Settings of the MPI communicator; no-ops here.
  virtual void set_timeout(double seconds) { (void)seconds; }
  virtual void set_bucket_bytes(size_t bytes) { (void)bytes; }
  virtual void set_overlap(bool on) { (void)on; }
};

// The processes this one trains with: MPI's world when built with it and started by a
// launcher (mpirun, srun), else the single process.
Comm& world();

// When every process failed in the same place (the same flags and data give the same error),
// rank 0 alone reports it: the others call silence_errors() and the CLI prints nothing for them.
void silence_errors();
bool errors_silenced();

// Called once by the CLI as it exits: MPI_Finalize on success (0) or a clean stop by a signal
// (128 + signal); on failure MPI_Abort with `code`, so that the peers are not left waiting for
// this process. Returns `code`.
int finish(int code);

// The rows [begin, end) of a batch of `rows` that process `rank` of `size` takes: contiguous
// and as even as possible (equal shares when size divides rows).
struct RowRange {
  int begin = 0, end = 0;
  int count() const { return end - begin; }
};
inline RowRange row_share(int rows, int rank, int size) {
  return {static_cast<int>(static_cast<int64_t>(rows) * rank / size),
          static_cast<int>(static_cast<int64_t>(rows) * (rank + 1) / size)};
}

}  // namespace rnngen::dist
