#include "app/interrupt.hpp"

#include <signal.h>

#include <utility>

namespace trilink::app {
namespace {

std::atomic<int> g_received{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler stores into it");
struct sigaction g_old_int, g_old_term;

extern "C" void on_signal(int sig) {
  g_received.store(sig, std::memory_order_relaxed);
}

}  // namespace

Interrupts::Interrupts() {
  g_received.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  // A signal ignored when we started (a background job of a non-interactive shell, nohup)
  // stays ignored, as the shell intended.
  for (auto [sig, old_action] : {std::pair{SIGINT, &g_old_int}, std::pair{SIGTERM, &g_old_term}}) {
    sigaction(sig, nullptr, old_action);
    if (old_action->sa_handler != SIG_IGN) sigaction(sig, &sa, nullptr);
  }
}

Interrupts::~Interrupts() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<int>& Interrupts::stop() const {
  return g_received;
}

const char* Interrupts::name() const {
  switch (received()) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
}

}  // namespace trilink::app
