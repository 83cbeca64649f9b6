// The common operating picture over HTTP (DESIGN.md "cop/"; cpp-httplib from Debian): the built
// front end (export/front_end.hpp) and the picture as Server-Sent Events.
//
//   GET  /                  the page (the front end with no picture embedded: it reads /events)
//   GET  /events[?nation=N] the stream: `meta` (the picture's head, export/picture.hpp), `clock`
//                           ({t_s, playing, speed, end_s, seekable, wall_ms: when t_s was
//                           read, Unix ms}), `events` (arrays of
//                           export/picture.hpp events, in time order, as the clock reaches them)
//                           and `reset` (after a seek: the events up to the new time follow)
//   POST /api/control?action=play|pause|speed&value=X|seek&t=S    the replay's clock
//   GET  /api/clock         the clock as JSON
// and, when asked (ServeOptions::cot), Cursor-on-Target over TCP for TAK clients.
//
// A Feed is what is served: the head and the events, each with the nation whose picture it
// reached. A server bound to one nation (`nation`) serves that nation's events only, whatever
// a client asks: exactly what was released to it. Events are sent as the feed's clock reaches
// them; a replay's clock starts paused at 0 and obeys play, pause, speed and seek.
// A live feed (live_feed: `trilink node|hub --serve`, `--cot-listen`) has no events up front: the
// live process appends each as it reaches a picture (Server::append, from any thread), and its
// CoT events, and every stream sends them at once; its clock is the scenario's (`clock` says
// playing, not seekable, no end) and /api/control refuses it (409).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/nation.hpp"
#include "export/picture.hpp"

namespace trilink::cop {

// The replay's clock: picture time t_s = t0 + speed * (wall time since w0) while playing,
// held within [0, end_s].
class ReplayClock {
 public:
  using Wall = std::chrono::steady_clock;
  explicit ReplayClock(double end_s) : end_s_(end_s) {}

  double now() const;
  void play();
  void pause();
  void set_speed(double speed);
  void seek(double t_s);
  bool playing() const { return playing_; }
  double speed() const { return speed_; }
  double end_s() const { return end_s_; }

 private:
  double at(Wall::time_point w) const;
  double end_s_;
  double t0_ = 0.0;
  Wall::time_point w0_ = Wall::now();
  bool playing_ = false;
  double speed_ = 1.0;
};

struct Feed {
  exports::Json head;  // export/picture.hpp head (format, title, start_ns, ellipsoid, static...)
  struct Event {
    double t_s = 0.0;
    Nation nation = Nation::USA;
    std::string json;  // export/picture.hpp event
  };
  std::vector<Event> events;  // in time order
  // The CoT stream (export/interchange.hpp): one nation's picture as CoT events, in time order.
  struct Cot {
    double t_s = 0.0, stale_s = 0.0;
    std::string uid, xml;
  };
  std::vector<Cot> cot;
  double end_s = 0.0;
  // Live: picture time now (scenario seconds since the head's start_ns), and its rate.
  std::function<double()> live_now_s;
  double live_speed = 1.0;
};

// A live feed: `head` (export/picture.hpp picture_head, made "mode": "live", "runs": ["live"],
// "nations" those served) and the scenario's clock.
Feed live_feed(exports::Json head, std::vector<Nation> nations, std::function<double()> now_s,
               double speed);

// A recording's feed (export/picture.hpp recorded_picture): every display link, each nation's.
// `head` gives title and static layer (a scenario's picture_head) or, when null, a head is made
// from the recording alone (no static layer).
// `cot_nation`: whose picture the CoT stream carries (the trilateral run's).
Feed recording_feed(const exports::RecordedPicture& picture, const std::string& title,
                    std::optional<exports::Json> head, Nation cot_nation);

struct ServeOptions {
  std::string host = "127.0.0.1";  // loopback unless asked
  int port = 8470;                 // 0: any free port
  std::optional<Nation> nation;    // serve this nation's picture only
  // The CoT stream for TAK clients (TCP, one <event> per update): host and port (0: any).
  std::optional<std::pair<std::string, int>> cot;
};

class Server {
 public:
  Server(Feed feed, ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the address; an Error naming it (in use, not an address of this machine...).
  Expected<int> bind();
  // Binds the CoT stream's address (options.cot): a TAK client connects over TCP and receives
  // the current picture (the latest event of every uid not yet stale), then every event as the
  // replay's clock reaches it; after a seek, the picture at the new time again.
  Expected<int> bind_cot();
  // A live feed's event, sent to every stream that serves its nation (thread-safe).
  void append(Feed::Event event);
  // A live feed's CoT event (its nation's, export/interchange.hpp CotStream), sent to every
  // CoT client at once; a client that connects later gets the latest event of every uid not
  // stale by the scenario's clock, then every event as it is appended (thread-safe).
  void append(Feed::Cot event);
  // A live feed's clock was set again (the start-up handshake of `trilink live`): every stream
  // gets the new `clock` (thread-safe).
  void clock_changed();
  // Serves until stop() (or `stop_flag` becomes non-zero: polled ten times a second): HTTP once
  // bound, and the CoT stream once bound (either alone).
  void run(const std::atomic<int>* stop_flag = nullptr);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trilink::cop
