// SIGINT and SIGTERM during a run that writes files. While an Interrupts object lives, the
// handler only records the signal; the run polls stop() at its steps (the exercise runtime
// once per event), fails, and unwinds, so that the OutputSet (app/output_files.hpp) removes
// its staging folder and nothing partial is left. The command then exits with 128 + the
// signal (130 for SIGINT, 143 for SIGTERM), as a shell reports a process ended by it. The
// handler is installed with SA_RESETHAND: a second signal ends the process at once. A signal
// ignored when the process started (`cmd &` in a script, nohup) stays ignored.
#pragma once

#include <atomic>

namespace trilink::app {

class Interrupts {
 public:
  Interrupts();   // installs the handlers for SIGINT and SIGTERM
  ~Interrupts();  // restores the ones before
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;

  // The signal received (SIGINT, SIGTERM), or 0.
  const std::atomic<int>& stop() const;
  int received() const { return stop().load(std::memory_order_relaxed); }
  // "SIGINT" / "SIGTERM".
  const char* name() const;
  int exit_code() const { return 128 + received(); }
};

}  // namespace trilink::app
