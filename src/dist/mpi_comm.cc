// The MPI communicator (Open MPI; built when CMake finds MPI, RNNGEN_MPI). Every collective is
// non-blocking and waited on with a deadline, and the communicator returns errors instead of
// aborting inside MPI, so that a dead or hung peer becomes a DistError with a message rather
// than a job that waits forever.
#ifdef RNNGEN_WITH_MPI
#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "dist/comm.h"

namespace rnngen::dist {
namespace {

using Clock = std::chrono::steady_clock;

// Started by a launcher: Open MPI's mpirun, or srun / another PMI(x) launcher. A plain
// `rnngen train` never initialises MPI.
bool launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

std::string error_text(int rc) {
  char s[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, s, &len);
  return std::string(s, static_cast<size_t>(len));
}

class MpiComm : public Comm {
 public:
  MpiComm() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void sum(double* v, int n) override {
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, comm_, &r), "a sum");
    wait(&r, 1, "a sum");
  }
  bool any(bool flag) override {
    int v = flag ? 1 : 0;
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, comm_, &r), "a vote");
    wait(&r, 1, "a vote");
    return v != 0;
  }
  bool same(int64_t v) override {
    int64_t mm[2] = {v, -v};
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, mm, 2, MPI_INT64_T, MPI_MAX, comm_, &r), "a comparison");
    wait(&r, 1, "a comparison");
    return mm[0] == -mm[1];
  }
  void broadcast(float* v, size_t n) override {
    for (size_t at = 0; at < n; at += kMaxCount) {
      MPI_Request r;
      const int len = static_cast<int>(std::min(kMaxCount, n - at));
      check(MPI_Ibcast(v + at, len, MPI_FLOAT, 0, comm_, &r), "a broadcast");
      wait(&r, 1, "a broadcast");
    }
  }
  std::vector<float> gather(const std::vector<float>& local) override {
    int n = static_cast<int>(local.size());
    std::vector<int> counts(rank_ == 0 ? size_ : 0), displs(counts.size());
    MPI_Request r;
    check(MPI_Igather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_, &r), "a gather");
    wait(&r, 1, "a gather");
    std::vector<float> all;
    if (rank_ == 0) {
      size_t total = 0;
      for (int i = 0; i < size_; ++i) {
        displs[i] = static_cast<int>(total);
        total += static_cast<size_t>(counts[i]);
      }
      all.resize(total);
    }
    check(MPI_Igatherv(local.data(), n, MPI_FLOAT, all.data(), counts.data(), displs.data(), MPI_FLOAT, 0, comm_, &r),
          "a gather");
    wait(&r, 1, "a gather");
    return all;
  }

  void grads_begin(float* g, size_t n) override {
    g_ = g;
    n_ = n;
    pending_.clear();
    started_to_ = n;  // buckets cover [started_to_, n) so far, from the top down
  }
  void grads_ready(size_t offset) override {
    if (!overlap_ && offset > 0) return;
    while (started_to_ > offset) {
      // Buckets end at multiples of the bucket size from the top, so their bounds do not
      // depend on where backward happens to report.
      const size_t end = started_to_;
      const size_t begin = end > bucket_ ? std::max(offset, end - bucket_) : offset;
      if (end - begin < bucket_ && begin > 0 && offset > 0) break;  // wait for a full bucket
      MPI_Request r;
      check(MPI_Iallreduce(MPI_IN_PLACE, g_ + begin, static_cast<int>(end - begin), MPI_FLOAT, MPI_SUM, comm_, &r),
            "the gradient sum");
      pending_.push_back(r);
      started_to_ = begin;
    }
    // Open MPI progresses non-blocking collectives only inside MPI calls: give it one here.
    if (!pending_.empty()) {
      int done = 0;
      check(MPI_Testall(static_cast<int>(pending_.size()), pending_.data(), &done, MPI_STATUSES_IGNORE),
            "the gradient sum");
    }
  }
  void grads_end() override {
    const auto t0 = Clock::now();
    grads_ready(0);
    wait(pending_.data(), static_cast<int>(pending_.size()), "the gradient sum");
    pending_.clear();
    wait_s_ += std::chrono::duration<double>(Clock::now() - t0).count();
  }
  double grads_wait_seconds() const override { return wait_s_; }

  void set_timeout(double seconds) override { timeout_s_ = seconds; }
  void set_bucket_bytes(size_t bytes) override {
    bucket_ = std::clamp<size_t>(bytes / sizeof(float), 1, kMaxCount);
  }
  void set_overlap(bool on) override { overlap_ = on; }

  void finalize() { MPI_Finalize(); }
  void abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

 private:
  static constexpr size_t kMaxCount = size_t{1} << 30;  // MPI counts are int

  void check(int rc, const char* what) const {
    if (rc != MPI_SUCCESS)
      throw DistError("process " + std::to_string(rank_) + " of " + std::to_string(size_) + ": " + what +
                      " over MPI failed: " + error_text(rc));
  }
  // MPI_Waitall with a deadline: a peer that died or hangs ends this process too, with a message.
  void wait(MPI_Request* r, int n, const char* what) const {
    if (n == 0) return;
    const auto t0 = Clock::now();
    for (int spins = 0;; ++spins) {
      int done = 0;
      check(MPI_Testall(n, r, &done, MPI_STATUSES_IGNORE), what);
      if (done) return;
      if ((spins & 1023) == 1023) {
        if (std::chrono::duration<double>(Clock::now() - t0).count() > timeout_s_)
          throw DistError("process " + std::to_string(rank_) + " of " + std::to_string(size_) + ": " + what +
                          " got no answer from the other processes for " + std::to_string(static_cast<int>(timeout_s_)) +
                          " s (--mpi-timeout): one of them died or hangs");
        sched_yield();
      }
    }
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  double timeout_s_ = 300;
  size_t bucket_ = (size_t{4} << 20) / sizeof(float);
  bool overlap_ = true;
  float* g_ = nullptr;
  size_t n_ = 0, started_to_ = 0;
  std::vector<MPI_Request> pending_;
  double wait_s_ = 0;
};

MpiComm* g_mpi = nullptr;

}  // namespace

Comm& world() {
  static Comm single;
  static bool made = false;
  if (!made) {
    made = true;
    if (launched()) g_mpi = new MpiComm();  // lives until finish(): MPI_Finalize comes last
  }
  return g_mpi ? static_cast<Comm&>(*g_mpi) : single;
}

int finish(int code) {
  if (!g_mpi) return code;
  // 0, or 128 + a signal: training stopped cleanly on every process (a signal stop is voted
  // on and ends in a collective), so none waits for another. Errors abort the job.
  if (code == 0 || code > 128) {
    g_mpi->finalize();
    return code;
  }
  std::fflush(stderr);
  g_mpi->abort(code);  // ends every process of the job; does not return
  return code;
}

}  // namespace rnngen::dist
#endif
