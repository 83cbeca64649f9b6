#include "record/sink.hpp"

#include "record/codec.hpp"
#include "record/recorder.hpp"

namespace trilink::record {

Expected<void> RecorderSink::record(EventToRecord e) {
  auto row = e.payload.empty() ? recorder_.record(e.event) : recorder_.record(e.event, e.payload);
  if (!row) return std::unexpected(row.error());
  if (e.release)
    if (auto r = recorder_.record(*e.release, *row); !r) return std::unexpected(r.error());
  return {};
}

Expected<void> EventQueue::record(EventToRecord e) {
  if (e.payload.empty()) e.payload = encode(e.event.message);
  {
    const std::lock_guard lock(mutex_);
    if (failure_) return std::unexpected(*failure_);
    events_.push_back(std::move(e));
  }
  ready_.notify_one();
  return {};
}

void EventQueue::close() {
  {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_one();
}

Expected<void> EventQueue::drain_into(RecordSink& to) {
  std::deque<EventToRecord> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return closed_ || !events_.empty(); });
      if (events_.empty()) return {};  // closed and drained
      batch.swap(events_);
    }
    for (auto& e : batch) {
      if (auto ok = to.record(std::move(e)); !ok) {
        const std::lock_guard lock(mutex_);
        failure_ = ok.error();
        events_.clear();
        return std::unexpected(ok.error());
      }
    }
    batch.clear();
  }
}

}  // namespace trilink::record
