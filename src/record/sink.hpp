// Where a run's messages go to be recorded (DESIGN.md "record/"), in order: each event with,
// when it is one, the hub's release of it. RecorderSink writes them to a recording at once;
// EventQueue carries them from a run on one thread to a recorder on another, so two runs can
// go side by side and still fill one recording with the rows in the order one run after the
// other would (app/exercise_command.cpp: the national and the trilateral run, issue 15, each
// into its own queue, and one writer draining the national queue and then the trilateral one).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "base/error.hpp"
#include "record/event.hpp"
#include "share/policy.hpp"

namespace trilink::record {

class Recorder;

struct EventToRecord {
  LinkEvent event;
  std::optional<share::ReleaseRecord> release;
  // encode(event.message) (record/codec), or empty: encoded when written. EventQueue encodes
  // on the producer's thread, so that the consumer only writes.
  std::string payload;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Fails when the recording does; nothing more is recorded after a failure.
  virtual Expected<void> record(EventToRecord e) = 0;
};

class RecorderSink final : public RecordSink {
 public:
  explicit RecorderSink(Recorder& recorder) : recorder_(recorder) {}
  Expected<void> record(EventToRecord e) override;

 private:
  Recorder& recorder_;
};

// Thread-safe: one producer calls record() and then close(); one consumer calls drain_into().
class EventQueue final : public RecordSink {
 public:
  Expected<void> record(EventToRecord e) override;
  // The producer's last call: no more events.
  void close();
  // Writes the events to `to` as they come until the queue is closed and empty. On the first
  // failure it stops, returns it, and from then on the producer's record() fails too.
  Expected<void> drain_into(RecordSink& to);

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<EventToRecord> events_;
  bool closed_ = false;
  std::optional<Error> failure_;
};

}  // namespace trilink::record
