#include "cop/server.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "export/front_end.hpp"
#include "export/interchange.hpp"
#include "geo/wgs84.hpp"

namespace trilink::cop {

// ---------------------------------------------------------------- clock

double ReplayClock::at(Wall::time_point w) const {
  if (!playing_) return t0_;
  const double t = t0_ + speed_ * std::chrono::duration<double>(w - w0_).count();
  return std::clamp(t, 0.0, end_s_);
}

double ReplayClock::now() const {
  return at(Wall::now());
}

void ReplayClock::play() {
  t0_ = now() >= end_s_ ? 0.0 : now();
  w0_ = Wall::now();
  playing_ = true;
}

void ReplayClock::pause() {
  t0_ = now();
  playing_ = false;
}

void ReplayClock::set_speed(double speed) {
  t0_ = now();
  w0_ = Wall::now();
  speed_ = speed;
}

void ReplayClock::seek(double t_s) {
  t0_ = std::clamp(t_s, 0.0, end_s_);
  w0_ = Wall::now();
}

// ---------------------------------------------------------------- feed

Feed recording_feed(const exports::RecordedPicture& picture, const std::string& title,
                    std::optional<exports::Json> head, Nation cot_nation) {
  Feed f;
  // Event times count from the head's start (the scenario's), else the recording's.
  double offset_s = 0.0;
  if (head && head->contains("start_ns"))
    offset_s =
        static_cast<double>(picture.start.ns - (*head)["start_ns"].get<std::int64_t>()) / 1e9;
  std::set<Nation> nations;
  std::vector<std::string> runs;
  for (const auto& item : picture.items) {
    const double t_s = item.t_s + offset_s;
    f.events.push_back({t_s, item.nation,
                        exports::event_json({t_s, item.run, item.nation, &item.message}).dump()});
    nations.insert(item.nation);
    if (std::ranges::find(runs, item.run) == runs.end()) runs.push_back(item.run);
    f.end_s = std::max(f.end_s, t_s);
  }
  std::ranges::sort(runs, [](const std::string& a, const std::string& b) {
    return (a == "trilateral") > (b == "trilateral") ||
           ((a == "trilateral") == (b == "trilateral") && a < b);
  });
  if (!head) {
    exports::Json h;
    h["format"] = "trilink-picture/1";
    h["title"] = title;
    h["description"] = "recording";
    h["start_utc"] = geo::format_utc(picture.start);
    h["start_ns"] = picture.start.ns;
    h["duration_s"] = f.end_s;
    h["ellipsoid"] = exports::Json{{"a_m", geo::wgs84::a_m()}, {"f", geo::wgs84::f()}};
    h["static"] = exports::Json{{"coastlines", exports::Json::array()},
                                {"areas", exports::Json::array()},
                                {"radars", exports::Json::array()}};
    head = std::move(h);
  }
  exports::Json ns = exports::Json::array();
  for (Nation n : nations) ns.push_back(to_string(n));
  (*head)["nations"] = std::move(ns);
  (*head)["runs"] = runs;
  (*head)["duration_s"] = std::max((*head)["duration_s"].get<double>(), f.end_s);
  (*head)["mode"] = "replay";
  const geo::UtcTime start{head->contains("start_ns") ? (*head)["start_ns"].get<std::int64_t>()
                                                      : picture.start.ns};
  for (auto& e : exports::cot_events(picture, {"trilateral", cot_nation}))
    f.cot.push_back({e.time.seconds_since(start), e.stale.seconds_since(start), std::move(e.uid),
                     std::move(e.xml)});
  f.head = std::move(*head);
  return f;
}

Feed live_feed(exports::Json head, std::vector<Nation> nations, std::function<double()> now_s,
               double speed) {
  Feed f;
  exports::Json ns = exports::Json::array();
  for (Nation n : nations) ns.push_back(to_string(n));
  head["nations"] = std::move(ns);
  head["runs"] = exports::Json::array({"live"});
  head["mode"] = "live";
  f.head = std::move(head);
  f.live_now_s = std::move(now_s);
  f.live_speed = speed;
  return f;
}

// ---------------------------------------------------------------- server

namespace {

std::string sse(std::string_view event, std::string_view data) {
  std::string out = "event: ";
  out += event;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

constexpr std::size_t batch_events = 500;  // events per `events` message

}  // namespace

struct Server::Impl {
  Feed feed;
  ServeOptions options;
  httplib::Server http;
  std::mutex mu;
  std::condition_variable cv;
  ReplayClock clock;
  std::uint64_t generation = 0;     // bumped by a seek: streams start again
  std::uint64_t clock_version = 0;  // bumped by any change of the clock
  bool stopping = false;
  bool http_bound = false;               // bind() done: run() serves HTTP
  int cot_fd = -1;                       // the CoT listener
  std::vector<std::thread> cot_threads;  // the listener's and one per client

  Impl(Feed f, ServeOptions o) : feed(std::move(f)), options(std::move(o)), clock(feed.end_s) {}

  // The clock and the wall time it was read at (Unix ms): a page counts from then.
  std::string clock_json() const {
    const double wall_ms = std::chrono::duration<double, std::milli>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    if (feed.live_now_s)
      return exports::Json{{"t_s", feed.live_now_s()}, {"playing", true},
                           {"speed", feed.live_speed}, {"end_s", 0.0},
                           {"seekable", false},        {"wall_ms", std::round(wall_ms)}}
          .dump();
    return exports::Json{{"t_s", clock.now()},     {"playing", clock.playing()},
                         {"speed", clock.speed()}, {"end_s", clock.end_s()},
                         {"seekable", true},       {"wall_ms", std::round(wall_ms)}}
        .dump();
  }

  // One client's stream state.
  struct Stream {
    std::optional<Nation> nation;
    bool head_sent = false;
    std::uint64_t generation = ~std::uint64_t{0};
    std::uint64_t clock_version = ~std::uint64_t{0};
    std::size_t next = 0;
  };

  // What the stream has not sent yet, up to the clock's time; call with mu held.
  std::string pending(Stream& s) {
    std::string out;
    if (!s.head_sent) {
      exports::Json head = feed.head;
      if (s.nation) head["nations"] = exports::Json::array({to_string(*s.nation)});
      out += sse("meta", head.dump());
      s.head_sent = true;
    }
    if (s.generation != generation) {
      s.generation = generation;
      s.next = 0;
      out += sse("reset", "{}");
    }
    if (s.clock_version != clock_version) {
      s.clock_version = clock_version;
      out += sse("clock", clock_json());
    }
    // Live: every event appended so far (each reached its picture before it was appended).
    const double t = feed.live_now_s ? std::numeric_limits<double>::infinity() : clock.now();
    std::string batch;
    std::size_t n = 0;
    const auto flush = [&] {
      if (n == 0) return;
      out += sse("events", "[" + batch + "]");
      batch.clear();
      n = 0;
    };
    for (; s.next < feed.events.size() && feed.events[s.next].t_s <= t; ++s.next) {
      const auto& e = feed.events[s.next];
      if (s.nation && e.nation != *s.nation) continue;
      if (n > 0) batch += ",";
      batch += e.json;
      if (++n == batch_events) flush();
    }
    flush();
    return out;
  }

  // The CoT a client has not had: after a (re)start the picture at the clock's time (the latest
  // event of every uid not yet stale), then every event the clock has reached.
  struct CotClient {
    std::uint64_t generation = ~std::uint64_t{0};
    std::size_t next = 0;
  };
  std::string cot_pending(CotClient& c) {
    // Live: every event appended so far has been reached; stale or not by the scenario's clock.
    const bool live = static_cast<bool>(feed.live_now_s);
    const double t = live ? std::numeric_limits<double>::infinity() : clock.now();
    const double now = live ? feed.live_now_s() : t;
    std::string out;
    if (c.generation != generation) {
      c.generation = generation;
      std::map<std::string, std::size_t> latest;
      c.next = 0;
      for (; c.next < feed.cot.size() && feed.cot[c.next].t_s <= t; ++c.next)
        latest[feed.cot[c.next].uid] = c.next;
      std::vector<std::size_t> current;
      for (const auto& [uid, i] : latest)
        if (feed.cot[i].stale_s > now) current.push_back(i);
      std::ranges::sort(current);
      for (std::size_t i : current) out += feed.cot[i].xml;
      return out;
    }
    for (; c.next < feed.cot.size() && feed.cot[c.next].t_s <= t; ++c.next)
      out += feed.cot[c.next].xml;
    return out;
  }

  void cot_serve(int fd) {
    CotClient c;
    while (true) {
      std::string out;
      {
        std::unique_lock lk(mu);
        if (stopping) break;
        out = cot_pending(c);
      }
      std::size_t sent = 0;
      while (sent < out.size()) {
        const auto n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
          ::close(fd);
          return;
        }
        sent += static_cast<std::size_t>(n);
      }
      std::unique_lock lk(mu);
      cv.wait_for(lk, std::chrono::milliseconds(100), [&] {
        return stopping || c.generation != generation ||
               (feed.live_now_s && c.next < feed.cot.size());
      });
      if (stopping) break;
    }
    ::close(fd);
  }

  void cot_accept() {
    while (true) {
      {
        std::lock_guard lk(mu);
        if (stopping) return;
      }
      pollfd p{cot_fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int fd = ::accept(cot_fd, nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard lk(mu);
      if (stopping) {
        ::close(fd);
        return;
      }
      cot_threads.emplace_back([this, fd] { cot_serve(fd); });
    }
  }

  void routes() {
    http.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(exports::page_with_picture("null"), "text/html; charset=utf-8");
    });
    http.Get("/api/clock", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lk(mu);
      res.set_content(clock_json(), "application/json");
    });
    http.Post("/api/control", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string action = req.get_param_value("action");
      const auto number = [&](const char* key) -> std::optional<double> {
        try {
          std::size_t used = 0;
          const std::string v = req.get_param_value(key);
          const double x = std::stod(v, &used);
          if (used != v.size() || !std::isfinite(x)) return std::nullopt;
          return x;
        } catch (const std::exception&) {
          return std::nullopt;
        }
      };
      std::lock_guard lk(mu);
      if (feed.live_now_s) {
        res.status = 409;
        res.set_content("a live picture: its clock is the scenario's\n", "text/plain");
        return;
      }
      if (action == "play") {
        clock.play();
      } else if (action == "pause") {
        clock.pause();
      } else if (const auto v = number("value"); action == "speed" && v && *v > 0 && *v <= 1000) {
        clock.set_speed(*v);
      } else if (const auto t = number("t"); action == "seek" && t) {
        clock.seek(*t);
        ++generation;
      } else {
        res.status = 400;
        res.set_content("action: play, pause, speed&value=X (0 < X <= 1000) or seek&t=S\n",
                        "text/plain");
        return;
      }
      ++clock_version;
      cv.notify_all();
      res.status = 204;
    });
    http.Get("/events", [this](const httplib::Request& req, httplib::Response& res) {
      auto stream = std::make_shared<Stream>();
      stream->nation = options.nation;
      if (req.has_param("nation")) {
        const auto asked = parse_nation(req.get_param_value("nation"));
        if (!asked || (options.nation && *asked != *options.nation)) {
          res.status = 403;
          res.set_content(
              "this server serves " +
                  std::string(options.nation ? to_string(*options.nation) : "JPN, KOR, USA") + "\n",
              "text/plain");
          return;
        }
        stream->nation = asked;
      }
      res.set_header("Cache-Control", "no-store");
      res.set_chunked_content_provider(
          "text/event-stream", [this, stream](std::size_t, httplib::DataSink& sink) {
            std::string out;
            {
              std::unique_lock lk(mu);
              if (stopping) return false;
              out = pending(*stream);
            }
            if (!out.empty() && !sink.write(out.data(), out.size())) return false;
            std::unique_lock lk(mu);
            cv.wait_for(lk, std::chrono::milliseconds(100), [&] {
              return stopping || stream->generation != generation ||
                     stream->clock_version != clock_version ||
                     (feed.live_now_s && stream->next < feed.events.size());
            });
            return !stopping;
          });
    });
  }
};

Server::Server(Feed feed, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(feed), std::move(options))) {
  impl_->routes();
}

Server::~Server() {
  stop();
}

Expected<int> Server::bind() {
  const std::string where = impl_->options.host + ":" + std::to_string(impl_->options.port);
  if (impl_->options.port == 0) {
    const int port = impl_->http.bind_to_any_port(impl_->options.host);
    if (port <= 0) return fail(where, "cannot listen: not an address of this machine");
    impl_->http_bound = true;
    return port;
  }
  if (!impl_->http.bind_to_port(impl_->options.host, impl_->options.port))
    return fail(where, "cannot listen: the port is in use, or the address is not this machine's");
  impl_->http_bound = true;
  return impl_->options.port;
}

Expected<int> Server::bind_cot() {
  const auto& [host, port] = *impl_->options.cot;
  const std::string where = host + ":" + std::to_string(port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return fail(where, "the CoT stream's address must be an IPv4 address, e.g. 127.0.0.1");
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(where, "cannot open a socket for the CoT stream");
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 8) != 0) {
    ::close(fd);
    return fail(where,
                "cannot listen for the CoT stream: the port is in use, or the address is "
                "not this machine's");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  impl_->cot_fd = fd;
  return static_cast<int>(ntohs(addr.sin_port));
}

void Server::append(Feed::Event event) {
  {
    std::lock_guard lk(impl_->mu);
    impl_->feed.events.push_back(std::move(event));
  }
  impl_->cv.notify_all();
}

void Server::append(Feed::Cot event) {
  {
    std::lock_guard lk(impl_->mu);
    impl_->feed.cot.push_back(std::move(event));
  }
  impl_->cv.notify_all();
}

void Server::clock_changed() {
  {
    std::lock_guard lk(impl_->mu);
    ++impl_->clock_version;
  }
  impl_->cv.notify_all();
}

void Server::run(const std::atomic<int>* stop_flag) {
  if (impl_->cot_fd >= 0) {
    std::lock_guard lk(impl_->mu);
    impl_->cot_threads.emplace_back([this] { impl_->cot_accept(); });
  }
  if (impl_->http_bound) {
    std::atomic<bool> done = false;
    std::thread watcher([&] {
      while (!done.load()) {
        // Once listening: a stop before that would leave it listening.
        if (stop_flag && stop_flag->load() != 0 && impl_->http.is_running()) {
          stop();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    impl_->http.listen_after_bind();
    done = true;
    watcher.join();
  } else {
    // The CoT stream alone.
    std::unique_lock lk(impl_->mu);
    while (!impl_->stopping && !(stop_flag && stop_flag->load() != 0))
      impl_->cv.wait_for(lk, std::chrono::milliseconds(100));
  }
  stop();
  // The CoT threads see `stopping` within 100 ms; the list no longer grows once it is set.
  std::vector<std::thread> threads;
  {
    std::lock_guard lk(impl_->mu);
    threads.swap(impl_->cot_threads);
  }
  for (auto& t : threads) t.join();
  if (impl_->cot_fd >= 0) ::close(impl_->cot_fd);
  impl_->cot_fd = -1;
}

void Server::stop() {
  {
    std::lock_guard lk(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->http.stop();
}

}  // namespace trilink::cop
