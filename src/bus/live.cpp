#include "bus/live.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "bus/config.hpp"
#include "exercise/runtime.hpp"
#include "node/radar_feed.hpp"
#include "record/recorder.hpp"
#include "record/replay.hpp"
#include "scenario/simulation.hpp"

namespace trilink::bus {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// --- clock ---------------------------------------------------------------------------------

namespace {
std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

geo::UtcTime ScenarioClock::at_wall_ns(std::int64_t unix_ns) const {
  return scenario_start.plus_seconds(static_cast<double>(unix_ns - start_at_unix_ns) * 1e-9 *
                                     speed);
}

geo::UtcTime ScenarioClock::now() const {
  return at_wall_ns(wall_ns());
}

std::chrono::system_clock::time_point ScenarioClock::wall_at(geo::UtcTime t) const {
  const double wall_s = t.seconds_since(scenario_start) / speed;
  return std::chrono::system_clock::time_point(std::chrono::nanoseconds(
      start_at_unix_ns + static_cast<std::int64_t>(std::llround(wall_s * 1e9))));
}

namespace {

// --- inbox: what the listeners hand to the node's thread ---------------------------------------

struct Inbound {
  Sample value;
  std::string from;  // the peer bound to the link (or the nation's radars)
  std::int64_t source_unix_ns = 0;
  Clock::time_point arrived;
};

class Inbox {
 public:
  void push(Inbound in) {
    bool wake = false;
    {
      std::lock_guard lock(m_);
      // Only an empty queue can have the node's thread asleep (it takes the whole queue): no
      // wake-up call per sample while it works through a burst.
      wake = q_.empty();
      q_.push_back(std::move(in));
      ++received_;
    }
    if (wake) cv_.notify_one();
  }
  void reject(WireRejection r) {
    std::lock_guard lock(m_);
    ++received_;
    ++rejected_[static_cast<std::size_t>(r)];
  }
  void notify() { cv_.notify_one(); }
  // Waits until something arrives or `until`; returns everything queued.
  std::vector<Inbound> wait(Clock::time_point until) {
    std::unique_lock lock(m_);
    cv_.wait_until(lock, until, [&] { return !q_.empty(); });
    std::vector<Inbound> out(std::make_move_iterator(q_.begin()),
                             std::make_move_iterator(q_.end()));
    q_.clear();
    return out;
  }
  std::uint64_t received() {
    std::lock_guard lock(m_);
    return received_;
  }
  std::array<std::uint64_t, wire_rejection_count> rejected() {
    std::lock_guard lock(m_);
    return rejected_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Inbound> q_;
  std::uint64_t received_ = 0;
  std::array<std::uint64_t, wire_rejection_count> rejected_{};
};

// --- a participant on one domain ---------------------------------------------------------------

struct ReaderContext {
  Inbox* inbox = nullptr;
  Topic topic = Topic::node_health;
  std::string from;
  // A further check of the sender, for samples no gatekeeper sees (looks, heartbeats).
  std::function<std::optional<std::string>(const Decoded&)> sender_problem;
  // When set, each checked sample goes here, in the listener, instead of to the inbox (the
  // bare relay of `bench live`).
  std::function<void(const Decoded&)> relay;
  // When the reader first matched a writer (wall, Unix ns; 0: not yet).
  std::atomic<std::int64_t> first_matched_ns{0};
};

void on_matched(dds_entity_t, const dds_subscription_matched_status_t st, void* arg) {
  auto* ctx = static_cast<ReaderContext*>(arg);
  std::int64_t none = 0;
  if (st.current_count > 0) ctx->first_matched_ns.compare_exchange_strong(none, wall_ns());
}

void on_data(dds_entity_t reader, void* arg) {
  auto* ctx = static_cast<ReaderContext*>(arg);
  constexpr int kBatch = 64;
  void* samples[kBatch] = {};
  dds_sample_info_t infos[kBatch];
  for (;;) {
    samples[0] = nullptr;
    const dds_return_t n = dds_take(reader, samples, infos, kBatch, kBatch);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      if (!infos[i].valid_data) continue;
      Decoded d = decode(ctx->topic, samples[i]);
      if (!d.rejection && ctx->sender_problem && ctx->sender_problem(d))
        d.rejection = WireRejection::unexpected_sender;
      if (d.rejection) {
        ctx->inbox->reject(*d.rejection);
        continue;
      }
      if (ctx->relay) {
        ctx->relay(d);
        continue;
      }
      ctx->inbox->push(
          Inbound{std::move(d.value), ctx->from, infos[i].source_timestamp, Clock::now()});
    }
    dds_return_loan(reader, samples, n);
  }
}

Expected<SecurityFiles> credentials(const io::Deployment& d, const std::string& identity) {
  const SecurityFiles f = security_files(d.pki, identity);
  if (auto missing = missing_security_file(f))
    return fail(d.path + ": pki",
                "no security file for " + identity + ": " + *missing + " (run trilink pki init)");
  return f;
}

class Endpoint {
 public:
  // Joins `domain` as `identity` (no security when the deployment's is off, or identity is "").
  static Expected<std::unique_ptr<Endpoint>> join(const io::Deployment& d, int domain,
                                                  const std::string& identity,
                                                  bool write_batch = false) {
    std::optional<SecurityFiles> sec;
    if (d.security && !identity.empty()) {
      auto f = credentials(d, identity);
      if (!f) return std::unexpected(f.error());
      sec = *f;
    }
    NetworkSettings net{d.interface, d.peers, d.lease_s, 40, write_batch, d.announce_s};
    const std::string xml = cyclone_config(net, sec);
    if (auto problem = network_problem(xml)) return fail(d.path + ": interface", *problem);
    auto e = std::unique_ptr<Endpoint>(new Endpoint());
    e->domain_id_ = domain;
    e->batched_ = write_batch;
    auto dom = created(dds_create_domain(static_cast<dds_domainid_t>(domain), xml.c_str()),
                       "dds_create_domain " + std::to_string(domain));
    if (!dom) return std::unexpected(dom.error());
    e->domain_ = std::move(*dom);
    auto p = created(dds_create_participant(static_cast<dds_domainid_t>(domain), nullptr, nullptr),
                     "dds_create_participant on domain " + std::to_string(domain) +
                         (identity.empty() ? "" : " as " + identity));
    if (!p) return std::unexpected(p.error());
    e->participant_ = std::move(*p);
    return e;
  }

  ~Endpoint() {
    // Readers first (their listeners point into contexts_), then the participant, the domain.
    readers_.clear();
    writers_.clear();
    topics_.clear();
    participant_.reset();
    domain_.reset();
  }

  Expected<void> add_writer(Topic t, const QosSettings& qs) {
    auto topic = topic_entity(t, qs);
    if (!topic) return std::unexpected(topic.error());
    Qos q = make_qos(profile(t), qs);
    auto w = created(dds_create_writer(participant_.get(), *topic, q.get(), nullptr),
                     "dds_create_writer " + std::string(topic_name(t)));
    if (!w) return std::unexpected(w.error());
    writers_.emplace(t, std::move(*w));
    return {};
  }

  Expected<void> add_reader(Topic t, const QosSettings& qs, Inbox* inbox, std::string from,
                            std::function<std::optional<std::string>(const Decoded&)> check = {},
                            std::function<void(const Decoded&)> relay = {}) {
    auto topic = topic_entity(t, qs);
    if (!topic) return std::unexpected(topic.error());
    Qos q = make_qos(profile(t), qs);
    auto ctx = std::make_unique<ReaderContext>();
    ctx->inbox = inbox;
    ctx->topic = t;
    ctx->from = std::move(from);
    ctx->sender_problem = std::move(check);
    ctx->relay = std::move(relay);
    Listener l(dds_create_listener(ctx.get()));
    dds_lset_data_available(l.get(), on_data);
    dds_lset_subscription_matched(l.get(), on_matched);
    auto r = created(dds_create_reader(participant_.get(), *topic, q.get(), l.get()),
                     "dds_create_reader " + std::string(topic_name(t)));
    if (!r) return std::unexpected(r.error());
    contexts_.push_back(std::move(ctx));
    readers_.emplace(t, std::move(*r));
    return {};
  }

  // Writes one sample; false when the topic has no writer here or DDS refused it. With
  // write_batch, a sample for another writer than the last first sends the last one's batch:
  // the samples leave in the order written (a receiver's gatekeeper wants the sender's
  // sequence, across topics).
  bool write(const Encoded& e) {
    auto it = writers_.find(e.topic());
    if (it == writers_.end()) return false;
    if (batched_ && batch_ && *batch_ != e.topic()) flush();
    if (batched_) batch_ = e.topic();
    return dds_write(it->second.get(), e.sample()) == DDS_RETCODE_OK;
  }

  // Sends the samples a batch holds (with write_batch; nothing to do without).
  void flush() {
    if (!batch_) return;
    (void)dds_write_flush(writers_.at(*batch_).get());
    batch_.reset();
  }

  std::uint64_t deadlines_missed() {
    std::uint64_t n = 0;
    if (auto it = readers_.find(Topic::node_health); it != readers_.end()) {
      dds_requested_deadline_missed_status_t st;
      if (dds_get_requested_deadline_missed_status(it->second.get(), &st) == DDS_RETCODE_OK)
        n = st.total_count;
    }
    return n;
  }

  // Readers matched by this participant's writer of t.
  std::uint32_t matched(Topic t) {
    auto it = writers_.find(t);
    dds_publication_matched_status_t st{};
    if (it == writers_.end() ||
        dds_get_publication_matched_status(it->second.get(), &st) != DDS_RETCODE_OK)
      return 0;
    return st.current_count;
  }

  // When this participant's reader of t first matched a writer (wall, Unix ns; 0: never).
  std::int64_t first_matched_ns(Topic t) const {
    for (const auto& c : contexts_)
      if (c->topic == t) return c->first_matched_ns.load();
    return 0;
  }

  // Writers matched by this participant's reader of t.
  std::uint32_t publishers(Topic t) {
    auto it = readers_.find(t);
    dds_subscription_matched_status_t st{};
    if (it == readers_.end() ||
        dds_get_subscription_matched_status(it->second.get(), &st) != DDS_RETCODE_OK)
      return 0;
    return st.current_count;
  }

  // Whether every matched reader acknowledged what the writer of t wrote, within `seconds`.
  bool acknowledged(Topic t, double seconds) {
    auto it = writers_.find(t);
    if (it == writers_.end()) return false;
    const dds_return_t rc = dds_wait_for_acks(
        it->second.get(), static_cast<dds_duration_t>(std::max(0.0, seconds) * 1e9));
    return rc == DDS_RETCODE_OK;
  }

  int domain_id() const { return domain_id_; }

 private:
  Endpoint() = default;

  Expected<dds_entity_t> topic_entity(Topic t, const QosSettings&) {
    if (auto it = topics_.find(t); it != topics_.end()) return it->second.get();
    const std::string name(topic_name(t));
    auto topic =
        created(dds_create_topic(participant_.get(), descriptor(t), name.c_str(), nullptr, nullptr),
                "dds_create_topic " + name);
    if (!topic) return std::unexpected(topic.error());
    const dds_entity_t h = topic->get();
    topics_.emplace(t, std::move(*topic));
    return h;
  }

  int domain_id_ = 0;
  bool batched_ = false;
  std::optional<Topic> batch_;  // the writer whose samples wait for a flush
  Entity domain_;
  Entity participant_;
  std::map<Topic, Entity> topics_;
  std::map<Topic, Entity> writers_;
  std::map<Topic, Entity> readers_;
  std::vector<std::unique_ptr<ReaderContext>> contexts_;
};

QosSettings qos_settings(const io::Deployment& d) {
  return QosSettings{d.lease_s, d.deadline_s, 1.0};
}

// --- recording -----------------------------------------------------------------------------

// A node's recording, written by a thread of its own: the node's thread only queues each event
// (its message copied), so the JSON encoding, the hash chain, SQLite's inserts and commits (and
// WAL checkpoints, several ms each) never hold up the samples waiting for the node. One queue,
// one writer: the rows are those of a synchronous recorder, in the order the events were
// queued. The writer's first error stops it; the next link(), flush() or finish() returns it.
class Recording {
 public:
  // A fresh recording per run, or (`append`) the one already there, to go on with.
  static Expected<std::unique_ptr<Recording>> open(const io::Deployment& d, const std::string& name,
                                                   bool append = false) {
    std::error_code ec;
    fs::create_directories(d.recordings, ec);
    const std::string path = (fs::path(d.recordings) / (name + ".db")).string();
    if (ec) return fail(d.path + ": recordings", "cannot create " + d.recordings);
    std::error_code rm;
    if (!append) fs::remove(path, rm);
    auto r = record::Recorder::open(path, record::Recorder::Options{200});
    if (!r) return std::unexpected(r.error());
    return std::unique_ptr<Recording>(new Recording(std::move(*r), path));
  }
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;
  ~Recording() { (void)stop(); }

  Expected<void> link(const std::string& from, const std::string& to, record::Direction dir,
                      geo::UtcTime sent, std::optional<geo::UtcTime> received,
                      const share::Message& m,
                      const std::optional<share::ReleaseRecord>& release = std::nullopt) {
    Item item;
    item.event.link = "live:" + from + ">" + to;
    item.event.direction = dir;
    item.event.sent = sent;
    item.event.received = received;
    item.event.message = m;
    item.release = release;
    std::unique_lock lock(m_);
    if (error_) return std::unexpected(*error_);
    // A writer far behind (the disk stalls): the node waits rather than the memory growing.
    room_.wait(lock, [&] { return queue_.size() < kMaxQueued || error_; });
    // Only an empty queue can have the writer asleep (it takes the whole queue at once).
    const bool wake = queue_.empty();
    queue_.push_back(std::move(item));
    lock.unlock();
    if (wake) work_.notify_one();
    return {};
  }
  // Commits, in the writer, everything queued before it (does not wait for it).
  Expected<void> flush() {
    std::lock_guard lock(m_);
    if (error_) return std::unexpected(*error_);
    Item marker;
    marker.commit = true;
    queue_.push_back(std::move(marker));
    work_.notify_one();
    return {};
  }
  // Writes what is queued, stops the writer and finishes the file (record::Recorder::finish).
  Expected<void> finish() {
    if (auto ok = stop(); !ok) return ok;
    return rec_.finish();
  }
  const std::string& path() const { return path_; }

 private:
  static constexpr std::size_t kMaxQueued = 100'000;
  static constexpr int kWriterNice = 5;
  struct Item {
    record::LinkEvent event;
    std::optional<share::ReleaseRecord> release;
    bool commit = false;  // a flush() marker, no event
  };

  Recording(record::Recorder r, std::string path)
      : rec_(std::move(r)), path_(std::move(path)), writer_([this] { write(); }) {}

  Expected<void> stop() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
    }
    work_.notify_one();
    if (writer_.joinable()) writer_.join();
    std::lock_guard lock(m_);
    if (error_) return std::unexpected(*error_);
    return {};
  }

  void write() {
    // Bookkeeping yields to the node's thread: on shared cores a sample waiting for the node
    // should not wait for the JSON encoding and SQLite (Linux: a thread's own nice value; a
    // process may always lower its own priority). Its queue still drains: the writer keeps the
    // CPU the node leaves.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kWriterNice);
    std::unique_lock lock(m_);
    for (;;) {
      work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, everything written
      std::deque<Item> batch;
      batch.swap(queue_);
      lock.unlock();
      room_.notify_all();
      std::optional<Error> failed;
      for (const Item& item : batch) {
        if (item.commit) {
          if (auto ok = rec_.flush(); !ok) failed = ok.error();
        } else if (auto row = rec_.record(item.event); !row) {
          failed = row.error();
        } else if (item.release) {
          if (auto r = rec_.record(*item.release, *row); !r) failed = r.error();
        }
        if (failed) break;
      }
      lock.lock();
      if (failed) {
        error_ = *failed;
        queue_.clear();
        room_.notify_all();
        return;
      }
    }
  }

  record::Recorder rec_;
  std::string path_;
  std::mutex m_;
  std::condition_variable work_, room_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::optional<Error> error_;
  std::thread writer_;  // last: started once everything it uses exists
};

// --- reordering ----------------------------------------------------------------------------

// Senders' order: looks and infrared frames by their time, messages by (session, sequence) of
// their originator.
bool before(const Inbound& a, const Inbound& b) {
  const auto key = [](const Inbound& x) {
    if (const auto* l = std::get_if<Look>(&x.value))
      return std::tuple(0, l->time.ns, std::int64_t{0}, std::uint64_t{0});
    if (const auto* f = std::get_if<InfraredFrame>(&x.value))
      return std::tuple(0, f->time.ns, std::int64_t{0}, std::uint64_t{0});
    const auto& h = share::header(std::get<share::Message>(x.value));
    return std::tuple(1, std::int64_t{0}, h.session_start.ns, h.sequence);
  };
  return key(a) < key(b);
}

// The loop every node process runs: waits for samples, ticks, heartbeats; stops on a signal
// or at until_s. `deliver` is called for each sample in sender order: a message at once when it
// is the next of its sender's sequence (the one after the last delivered of that stream, or the
// first of a session), otherwise (a gap: an earlier one still on its way) once it has waited
// hold_s, as every look does; nothing of a stream overtakes a message of it held back.
struct Loop {
  const LiveInputs& in;
  Inbox& inbox;
  std::function<Expected<void>(const Inbound&, geo::UtcTime now)> deliver;
  std::function<Expected<void>(geo::UtcTime tick)> tick;  // once a scenario second
  // Or a clock in steps (the hub): begin_tick, then tick_step until it says it is done; the
  // samples that arrive meanwhile are delivered between the steps.
  std::function<Expected<void>(geo::UtcTime tick)> begin_tick;
  std::function<Expected<bool>()> tick_step;
  std::function<Expected<void>(geo::UtcTime now)> heartbeat;  // every heartbeat_s (wall)
  // The sequence a message belongs to (default: its originator's; one sequence per stream).
  std::function<std::string(const share::Message&)> stream;

  Expected<void> run() {
    std::vector<Inbound> pending;
    // Per stream: (session, sequence) of the last message delivered.
    std::map<std::string, std::pair<std::int64_t, std::uint64_t>> last;
    const auto stream_of = [&](const share::Message& m) {
      return stream ? stream(m) : share::header(m).originator.node;
    };
    const auto hold = std::chrono::nanoseconds(static_cast<std::int64_t>(in.hold_s * 1e9));
    const geo::UtcTime start = in.scenario->start;
    const geo::UtcTime now0 = in.clock.now();
    std::int64_t k = std::max<std::int64_t>(
        0, static_cast<std::int64_t>(std::ceil(now0.seconds_since(start) - 1e-9)));
    auto next_beat = Clock::now();
    const auto beat =
        std::chrono::nanoseconds(static_cast<std::int64_t>(in.deploy->heartbeat_s * 1e9));
    // Due samples, in sender order.
    const auto deliver_due = [&]() -> Expected<void> {
      const auto cut = Clock::now() - hold;
      std::stable_sort(pending.begin(), pending.end(), before);
      std::vector<Inbound> later;
      std::set<std::string> held;  // streams with a message held back in this pass
      for (auto& p : pending) {
        const auto* m = std::get_if<share::Message>(&p.value);
        const std::string s = m ? stream_of(*m) : std::string();
        const bool behind = m && held.contains(s);  // an earlier one of its stream waits
        bool due = !behind && p.arrived <= cut;
        if (!due && !behind && m) {
          const share::Header& h = share::header(*m);
          const auto it = last.find(s);
          due = it == last.end() || it->second.first != h.session_start.ns
                    ? h.sequence == 1
                    : h.sequence == it->second.second + 1;
        }
        if (!due) {
          if (m) held.insert(s);
          later.push_back(std::move(p));
          continue;
        }
        if (m) {
          const share::Header& h = share::header(*m);
          auto& l = last[s];
          l = std::max(l, std::pair(h.session_start.ns, h.sequence));
        }
        if (auto ok = deliver(p, in.clock.now()); !ok) return ok;
      }
      pending = std::move(later);
      return {};
    };
    for (;;) {
      if (in.stop && in.stop->load(std::memory_order_relaxed) != 0) return {};
      const geo::UtcTime now = in.clock.now();
      if (in.until_s && now.seconds_since(start) > *in.until_s) return {};
      if (auto ok = deliver_due(); !ok) return ok;
      // Ticks that are due.
      for (;;) {
        const geo::UtcTime t = start.plus_seconds(static_cast<double>(k));
        if (in.clock.now() < t) break;
        if (tick)
          if (auto ok = tick(t); !ok) return ok;
        if (begin_tick) {
          if (auto ok = begin_tick(t); !ok) return ok;
          for (;;) {
            auto done = tick_step();
            if (!done) return std::unexpected(done.error());
            if (*done) break;
            for (auto& x : inbox.wait(Clock::now())) pending.push_back(std::move(x));
            if (auto ok = deliver_due(); !ok) return ok;
          }
        }
        ++k;
      }
      if (heartbeat && Clock::now() >= next_beat) {
        if (auto ok = heartbeat(in.clock.now()); !ok) return ok;
        next_beat += beat;
        if (next_beat < Clock::now()) next_beat = Clock::now() + beat;
      }
      // Wait for the next thing to do (at most 50 ms, to see a signal).
      auto until = Clock::now() + std::chrono::milliseconds(50);
      const auto tick_wall = in.clock.wall_at(start.plus_seconds(static_cast<double>(k)));
      until = std::min(until, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 tick_wall - std::chrono::system_clock::now()));
      if (heartbeat) until = std::min(until, next_beat);
      for (const auto& p : pending) until = std::min(until, p.arrived + hold);
      for (auto& x : inbox.wait(until)) pending.push_back(std::move(x));
    }
  }
};

void write_report(const io::Deployment& d, const LiveReport& r) {
  nlohmann::ordered_json j;
  j["name"] = r.name;
  j["recording"] = r.recording;
  j["received"] = r.received;
  j["sent"] = r.sent;
  j["heartbeats_received"] = r.heartbeats_received;
  j["deadlines_missed"] = r.deadlines_missed;
  auto& w = j["wire_rejected"] = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < wire_rejection_count; ++i)
    w[std::string(to_string(static_cast<WireRejection>(i)))] = r.wire_rejected[i];
  auto& g = j["gate_rejected"] = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < share::rejection_count; ++i)
    g[std::string(share::to_string(share::all_rejections[i]))] = r.gate_rejected[i];
  if (r.hub) {
    j["hub"] = {{"received", r.hub->received},         {"admitted", r.hub->admitted},
                {"rejected", r.hub->rejected},         {"released", r.hub->released},
                {"local_tracks", r.hub->local_tracks}, {"health", r.hub->health},
                {"restarts", r.hub->restarts}};
  }
  if (r.rebuilt) j["rebuilt"] = {{"messages", r.rebuilt->first}, {"wall_ms", r.rebuilt->second}};
  const auto quantiles = [&](const char* key, std::vector<double> v) {
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    const auto q = [&](double p) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
    };
    double sum = 0;
    for (double x : v) sum += x;
    j[key] = {{"samples", v.size()}, {"mean", sum / static_cast<double>(v.size())},
              {"p50", q(0.5)},       {"p99", q(0.99)},
              {"p999", q(0.999)},    {"max", v.back()}};
  };
  quantiles("hub_processing_us", r.hub_processing_us);
  quantiles("hub_message_us", r.hub_message_us);
  quantiles("hub_tick_us", r.hub_tick_us);
  quantiles("hub_tick_step_us", r.hub_tick_step_us);
  if (r.national) {
    const auto& c = *r.national;
    j["national"] = {{"looks", c.looks},
                     {"plots", c.plots},
                     {"plots_rejected", c.plots_rejected},
                     {"tracks_reported", c.tracks_reported},
                     {"hub_admitted", c.hub_admitted},
                     {"hub_rejected", c.hub_rejected},
                     {"ir_frames", c.ir_frames},
                     {"ir_plots_rejected", c.ir_plots_rejected},
                     {"space_tracks_reported", c.space_tracks_reported}};
    using track::RejectReason;
    const auto refused = [&](RejectReason why) { return r.plots_refused[static_cast<int>(why)]; };
    j["national"]["plots_refused"] = {{"non_finite", refused(RejectReason::non_finite)},
                                      {"bad_geometry", refused(RejectReason::bad_geometry)},
                                      {"time_backwards", refused(RejectReason::time_backwards)},
                                      {"bad_range_rate", refused(RejectReason::bad_range_rate)}};
  }
  std::ofstream f(fs::path(d.recordings) / (r.name + ".json"));
  f << j.dump(2) << "\n";
}

std::string country(Nation n) {
  switch (n) {
    case Nation::USA:
      return "US";
    case Nation::JPN:
      return "JP";
    case Nation::KOR:
      return "KR";
  }
  return "US";
}

void say(const LiveInputs& in, const std::string& s) {
  if (in.log) in.log(s);
}

Expected<int> domain_of(const io::Deployment& d, const std::map<Nation, int>& m, Nation n,
                        const std::string& what) {
  auto it = m.find(n);
  if (it == m.end())
    return fail(d.path + ": domains", "no " + what + " domain for " + std::string(to_string(n)));
  return it->second;
}

std::vector<std::string> strings(std::initializer_list<Topic> ts) {
  std::vector<std::string> out;
  for (Topic t : ts) out.emplace_back(topic_name(t));
  return out;
}

// The start-up handshake (LiveInputs::ready_file, start_file): waits until `connected` holds
// (bounded), says so, then takes the scenario's start from the start file (bounded too). Returns
// the clock.
Expected<ScenarioClock> synchronise(const LiveInputs& in, const std::string& name,
                                    const std::function<bool()>& connected) {
  ScenarioClock clock = in.clock;
  if (in.ready_file.empty() && in.start_file.empty()) return clock;
  const auto stopped = [&] { return in.stop && in.stop->load(std::memory_order_relaxed) != 0; };
  const auto give_up = Clock::now() + std::chrono::milliseconds(
                                          static_cast<std::int64_t>(in.connect_timeout_s * 1e3));
  while (!connected() && Clock::now() < give_up && !stopped())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (!connected()) say(in, name + ": not every peer matched; starting anyway");
  if (!in.ready_file.empty()) std::ofstream(in.ready_file) << name << "\n";
  if (in.start_file.empty()) return clock;
  const auto no_start =
      Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(in.start_timeout_s * 1e3));
  while (!stopped()) {
    std::ifstream f(in.start_file);
    double start_at = 0;
    if (f >> start_at) {
      clock.start_at_unix_ns = static_cast<std::int64_t>(std::llround(start_at * 1e9));
      return clock;
    }
    if (Clock::now() > no_start) return fail(in.start_file, "no start time came");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return clock;
}

// A restarted hub's state from its own recording (LiveInputs::resume): every message it had
// received, handed to it again in the order and at the scenario time it first was, its clock
// ticked once a scenario second between them as it was (at second k when the recording holds
// something of seconds k-1 and k: up across it; it records every tick's releases). The hub's code
// is deterministic, so its system tracks come back under the same ids with the same members, its
// alerts with their life cycles, and its gatekeeper with each node's session and last sequence (a
// node's TRANSIENT_LOCAL replay of what was admitted before is refused as a replay). What it would
// release is dropped: it was released then, and recorded. Returns the messages handed over.
Expected<std::uint64_t> rebuild(node::Hub& hub, const std::string& recording, geo::UtcTime start,
                                const std::string& hub_name) {
  auto events = record::read_all(recording);
  if (!events) return std::unexpected(events.error());
  std::ranges::sort(*events, {}, &record::RecordedEvent::id);  // the order the hub recorded in
  const auto second_of = [&](geo::UtcTime t) {
    return static_cast<std::int64_t>(std::floor(t.seconds_since(start)));
  };
  std::set<std::int64_t> recorded, ticks;  // seconds with something recorded; ticks run
  for (const auto& e : *events) recorded.insert(second_of(e.event.time()));
  for (std::int64_t k : recorded)
    if (recorded.contains(k - 1)) ticks.insert(k);
  auto next_tick = ticks.begin();
  const auto tick_before = [&](geo::UtcTime t, bool inclusive) {
    for (; next_tick != ticks.end(); ++next_tick) {
      const geo::UtcTime at = start.plus_seconds(static_cast<double>(*next_tick));
      if (inclusive ? t < at : !(at < t)) break;
      (void)hub.tick(at);
    }
  };
  const std::string suffix = ">" + hub_name;
  std::uint64_t handed = 0;
  for (const auto& e : *events) {
    const auto& ev = e.event;
    if (ev.direction != record::Direction::received || !ev.received ||
        !ev.link.starts_with("live:") || !ev.link.ends_with(suffix))
      continue;
    const std::string from = ev.link.substr(5, ev.link.size() - 5 - suffix.size());
    tick_before(*ev.received, false);
    (void)hub.on_message(ev.message, from, *ev.received);
    ++handed;
  }
  if (!events->empty()) tick_before(events->back().event.time(), true);
  return handed;
}

}  // namespace

// --- PKI request -----------------------------------------------------------------------------

Expected<PkiRequest> pki_request(const io::Deployment& d, const scenario::Scenario& s) {
  PkiRequest req;
  for (const auto& [n, id] : d.nation_domains) req.domains.push_back(id);
  for (const auto& [n, id] : d.link_domains) req.domains.push_back(id);
  std::sort(req.domains.begin(), req.domains.end());
  const auto* hub = s.network.hub();
  if (!hub) return fail(s.file + ": network", "no hub");
  Grant hg{hub->name, "US", {}};
  for (const auto& [n, id] : d.link_domains)
    hg.rules.push_back({id,
                        strings({Topic::system_track, Topic::launch_report,
                                 Topic::impact_prediction, Topic::alert, Topic::node_health}),
                        strings({Topic::local_track, Topic::node_health})});
  req.grants.push_back(hg);
  for (Nation n : all_nations) {
    const auto* site = s.network.node_of(n);
    if (!site) continue;
    Grant g{site->name, country(n), {}};
    if (auto it = d.nation_domains.find(n); it != d.nation_domains.end())
      g.rules.push_back({it->second,
                         {},
                         strings({Topic::radar_look, Topic::infrared_frame, Topic::node_health})});
    if (auto it = d.link_domains.find(n); it != d.link_domains.end())
      g.rules.push_back({it->second, strings({Topic::local_track, Topic::node_health}),
                         strings({Topic::system_track, Topic::launch_report,
                                  Topic::impact_prediction, Topic::alert, Topic::node_health})});
    req.grants.push_back(g);
  }
  for (const auto& r : s.radars) {
    auto it = d.nation_domains.find(r.nation);
    if (it == d.nation_domains.end()) continue;
    req.grants.push_back({r.name,
                          country(r.nation),
                          {{it->second, strings({Topic::radar_look, Topic::node_health}), {}}}});
  }
  for (const auto& k : s.satellites) {
    auto it = d.nation_domains.find(k.nation);
    if (it == d.nation_domains.end()) continue;
    req.grants.push_back(
        {k.name,
         country(k.nation),
         {{it->second, strings({Topic::infrared_frame, Topic::node_health}), {}}}});
  }
  return req;
}

// --- hub -------------------------------------------------------------------------------------

namespace {

// The bare relay (LiveInputs::relay): the hub's participants, security and topics, no hub code.
// Each new local track (the first sample of its nation and id; the hub, too, releases an update
// only now and then) is written back, in the DDS listener that took it, as a system track of
// that one contribution on every other link; nothing is recorded.
Expected<LiveReport> run_relay(const LiveInputs& in, const node::HubConfig& hc) {
  const auto& d = *in.deploy;
  const QosSettings qs = qos_settings(d);
  LiveReport rep;
  rep.name = hc.name;
  Inbox inbox;
  std::map<std::string, std::unique_ptr<Endpoint>> links;  // by national node name
  std::atomic<bool> ready = false;
  std::atomic<std::uint64_t> sequence = 0, sent = 0, received = 0;
  std::mutex seen_mutex;
  std::set<std::pair<Nation, std::uint64_t>> seen;  // tracks relayed
  const geo::UtcTime session = in.clock.now();
  for (const auto& [n, name] : hc.nation_nodes) {
    auto dom = domain_of(d, d.link_domains, n, "link");
    if (!dom) return std::unexpected(dom.error());
    auto e = Endpoint::join(d, *dom, hc.name);
    if (!e) return std::unexpected(e.error());
    if (auto ok = (*e)->add_writer(Topic::system_track, qs); !ok)
      return std::unexpected(ok.error());
    const auto relay = [&, from = name](const Decoded& x) {
      const auto* m = std::get_if<share::Message>(&x.value);
      const auto* t = m ? std::get_if<share::LocalTrack>(m) : nullptr;
      if (!t || !ready.load()) return;
      ++received;
      {
        std::lock_guard lock(seen_mutex);
        if (!seen.insert({t->header.originator.nation, t->track_id}).second) return;
      }
      share::SystemTrack st;
      st.header.originator = {Nation::USA, hc.name, std::nullopt};
      st.header.session_start = session;
      st.header.sequence = ++sequence;
      st.header.time_of_validity = t->header.time_of_validity;
      st.header.releasability = t->header.releasability;
      st.system_track_id = t->track_id;
      st.position_ecef_m = t->position_ecef_m;
      st.velocity_ecef_mps = t->velocity_ecef_mps;
      st.covariance = t->covariance;
      st.status = t->status;
      st.phase = t->phase;
      st.contributions = {{t->header.originator.nation, t->track_id}};
      const Encoded enc = encode(share::Message(st));
      for (auto& [to, link] : links)
        if (to != from && link->write(enc)) ++sent;
    };
    if (auto ok = (*e)->add_reader(Topic::local_track, qs, &inbox, name, {}, relay); !ok)
      return std::unexpected(ok.error());
    links.emplace(name, std::move(*e));
  }
  ready = true;
  say(in, hc.name + ": bare relay on " + std::to_string(links.size()) + " link domains");
  while (!(in.stop && in.stop->load() != 0) &&
         !(in.until_s && in.clock.now().seconds_since(in.scenario->start) > *in.until_s))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ready = false;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a listener already relaying
  rep.sent = sent.load();
  rep.received = received.load();
  rep.wire_rejected = inbox.rejected();
  links.clear();  // the listeners stop before what they use goes
  write_report(d, rep);
  return rep;
}

}  // namespace

Expected<LiveReport> run_hub(const LiveInputs& in0) {
  LiveInputs in = in0;
  const auto& d = *in.deploy;
  const auto& s = *in.scenario;
  auto hc = exercise::hub_config(s, in.areas);
  if (!hc) return fail(s.file + ": network", "no hub");
  if (in.relay) return run_relay(in, *hc);
  // Releases on change (node::Refresh): a late or reconnecting node gets each system track's
  // last release from the writers' TRANSIENT_LOCAL history, so the clock need not re-release
  // the picture (a burst every second that every arriving track would wait behind). At most
  // every 0.5 s a track: each of a node's once-a-second reports goes out as it comes (a gap
  // of 1 s would hold back every report that came a little early).
  hc->refresh = node::Refresh::on_change;
  hc->release_interval_s = 0.5;
  LiveReport rep;
  rep.name = hc->name;
  auto opened = Recording::open(d, hc->name, in.resume);
  if (!opened) return std::unexpected(opened.error());
  Recording* rec = opened->get();
  rep.recording = rec->path();
  // A restart rebuilds its state while its participants join and authenticate.
  std::optional<node::Hub> hub;
  std::future<Expected<std::uint64_t>> rebuilding;
  const auto restarted = Clock::now();
  if (in.resume) {
    hc->session_start = in.clock.now();
    hub.emplace(*hc, *in.policy);
    rebuilding = std::async(std::launch::async, [&] {
      auto handed = rebuild(*hub, rec->path(), s.start, hc->name);
      if (handed)
        rep.rebuilt = {*handed,
                       std::chrono::duration<double, std::milli>(Clock::now() - restarted).count()};
      return handed;
    });
  }
  Inbox inbox;
  const QosSettings qs = qos_settings(d);
  std::map<std::string, std::unique_ptr<Endpoint>> links;  // by national node name
  std::map<std::string, Nation> nation_of_node;
  for (const auto& [n, name] : hc->nation_nodes) {
    auto dom = domain_of(d, d.link_domains, n, "link");
    if (!dom) return std::unexpected(dom.error());
    auto e = Endpoint::join(d, *dom, hc->name, true);
    if (!e) return std::unexpected(e.error());
    for (Topic t : {Topic::system_track, Topic::launch_report, Topic::impact_prediction,
                    Topic::alert, Topic::node_health})
      if (auto ok = (*e)->add_writer(t, qs); !ok) return std::unexpected(ok.error());
    for (Topic t : {Topic::local_track, Topic::node_health})
      if (auto ok = (*e)->add_reader(t, qs, &inbox, name); !ok) return std::unexpected(ok.error());
    links.emplace(name, std::move(*e));
    nation_of_node.emplace(name, n);
  }
  auto clock = synchronise(in, hc->name, [&] {
    for (auto& [_, e] : links)
      if (e->publishers(Topic::local_track) == 0 || e->matched(Topic::system_track) == 0)
        return false;
    return true;
  });
  if (!clock) return std::unexpected(clock.error());
  in.clock = *clock;
  if (in.started) in.started(in.clock);
  if (rebuilding.valid()) {
    auto handed = rebuilding.get();
    if (!handed) return std::unexpected(handed.error());
    say(in, hc->name + ": rebuilt from " + std::to_string(*handed) + " recorded messages in " +
                std::to_string(static_cast<int>(rep.rebuilt->second)) + " ms, " +
                std::to_string(hub->fusion().system_tracks()) + " system tracks");
    // Its writers are new, with no history: the first tick releases the whole picture again.
    hub->forget_releases();
    // The nodes' local tracks (their writers' TRANSIENT_LOCAL history, a few ms after the
    // match) go to the hub before its first tick: the tick ages the contributions by the time
    // it was down, and a local track arriving after its contribution aged out would start a
    // new system track. Bounded: a node that does not come stays out.
    const auto give_up = Clock::now() + std::chrono::seconds(2);
    const auto all_matched = [&] {
      return std::ranges::all_of(
          links, [](auto& l) { return l.second->publishers(Topic::local_track) > 0; });
    };
    while (!all_matched() && Clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } else {
    hc->session_start = in.clock.now();
    hub.emplace(*hc, *in.policy);
  }
  say(in, hc->name + ": on link domains, " + std::to_string(links.size()) + " nations");
  // The hub's links batch their writes (NetworkSettings::write_batch): what one message or one
  // tick releases is written, then sent together.
  const auto dispatch = [&](node::Outbox out, geo::UtcTime now) -> Expected<void> {
    std::set<Endpoint*> written;
    for (auto& e : out) {
      auto it = links.find(e.to);
      if (it == links.end()) continue;
      if (it->second->write(encode(e.message))) ++rep.sent;
      written.insert(it->second.get());
      if (in.picture) in.picture(now, nation_of_node.at(e.to), e.message);
      if (auto ok = rec->link(hc->name, e.to, record::Direction::sent, now, std::nullopt, e.message,
                              e.release);
          !ok)
        return ok;
    }
    for (Endpoint* e : written) e->flush();
    return {};
  };
  std::uint64_t beats = 0, sequence = 0;
  // Each link's status in the hub's heartbeat, as a national node keeps its hub link's: down
  // once the node's heartbeats missed their deadline (the link reader's count of missed
  // deadlines grew since the last look), up again when its next heartbeat arrives.
  std::map<std::string, share::LinkStatus> link_status;
  std::map<std::string, std::uint64_t> misses_seen;
  Loop loop{in, inbox, {}, {}, {}, {}, {}, {}};
  loop.deliver = [&](const Inbound& x, geo::UtcTime now) -> Expected<void> {
    const auto t0 = Clock::now();
    const auto& m = std::get<share::Message>(x.value);
    const geo::UtcTime sent = in.clock.at_wall_ns(x.source_unix_ns);
    if (const auto link = links.find(x.from);
        link != links.end() && std::holds_alternative<share::NodeHealth>(m)) {
      link_status[x.from] = share::LinkStatus::up;
      misses_seen[x.from] = link->second->deadlines_missed();  // the misses before it are over
    }
    if (auto ok = rec->link(x.from, hc->name, record::Direction::received, sent, now, m); !ok)
      return ok;
    node::Outbox out = hub->on_message(m, x.from, now);
    const bool released = !out.empty();
    auto ok = dispatch(std::move(out), now);
    const double took_us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (released && rep.hub_processing_us.size() < 1'000'000)
      rep.hub_processing_us.push_back(took_us);
    if (rep.hub_message_us.size() < 1'000'000) rep.hub_message_us.push_back(took_us);
    return ok;
  };
  // The clock in steps of about kTickStepWork tracks each (hub.hpp, tick_step), the samples
  // that arrive meanwhile delivered between them: a sample waits for one step, not for the
  // whole picture (at ~1 µs a track's step, a few tens of µs; the whole picture of 2,000 tracks
  // was 2-80 ms on this machine).
  constexpr std::size_t kTickStepWork = 64;
  geo::UtcTime ticking;
  double tick_us = 0.0;
  loop.begin_tick = [&](geo::UtcTime t) -> Expected<void> {
    ticking = t;
    tick_us = 0.0;
    hub->begin_tick(t);
    return {};
  };
  loop.tick_step = [&]() -> Expected<bool> {
    const auto t0 = Clock::now();
    node::Outbox out;
    const bool done = hub->tick_step(out, kTickStepWork);
    auto ok = dispatch(std::move(out), ticking);
    // Once a scenario second: a restart rebuilds from all but the last.
    if (ok && done) ok = rec->flush();
    if (!ok) return std::unexpected(ok.error());
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    tick_us += us;
    if (rep.hub_tick_step_us.size() < 1'000'000) rep.hub_tick_step_us.push_back(us);
    if (done && rep.hub_tick_us.size() < 1'000'000) rep.hub_tick_us.push_back(tick_us);
    return done;
  };
  loop.heartbeat = [&](geo::UtcTime now) -> Expected<void> {
    // The hub's own heartbeat on every link (liveness; not a release: the nodes' runtimes
    // check and record it, their gatekeepers do not see it).
    ++beats;
    for (auto& [name, e] : links)
      if (const std::uint64_t missed = e->deadlines_missed(); missed > misses_seen[name]) {
        misses_seen[name] = missed;
        link_status[name] = share::LinkStatus::down;
      }
    for (auto& [name, e] : links) {
      share::NodeHealth h;
      h.header.originator = {Nation::USA, hc->name, std::nullopt};
      h.header.session_start = hc->session_start;
      h.header.sequence = ++sequence;
      h.header.time_of_validity = now;
      h.header.releasability = share::Releasability{Nation::USA, nation_of_node.at(name)};
      h.heartbeat = beats;
      for (const auto& [peer, _] : links) {
        const auto st = link_status.find(peer);
        h.links.push_back({peer, st == link_status.end() ? share::LinkStatus::up : st->second});
      }
      if (e->write(encode(share::Message(h)))) ++rep.sent;
      e->flush();
    }
    return {};
  };
  auto ran = loop.run();
  rep.received = inbox.received();
  rep.wire_rejected = inbox.rejected();
  rep.hub = hub->counters();
  for (std::size_t i = 0; i < share::rejection_count; ++i)
    rep.gate_rejected[i] = hub->gatekeeper().rejected(share::all_rejections[i]);
  for (auto& [_, e] : links) rep.deadlines_missed += e->deadlines_missed();
  auto fin = rec->finish();
  write_report(d, rep);
  if (!ran) return std::unexpected(ran.error());
  if (!fin) return std::unexpected(fin.error());
  return rep;
}

// --- national node ---------------------------------------------------------------------------

Expected<LiveReport> run_node(const LiveInputs& in0, Nation nation) {
  LiveInputs in = in0;
  const auto& d = *in.deploy;
  const auto& s = *in.scenario;
  const auto* site = s.network.node_of(nation);
  const auto* hub_site = s.network.hub();
  if (!site) return fail(s.file + ": network", "no node for " + std::string(to_string(nation)));
  node::NationalNodeConfig c;
  c.nation = nation;
  c.name = site->name;
  c.hub = hub_site ? hub_site->name : "";
  for (const auto& r : s.radars)
    if (r.nation == nation) c.radars.push_back(r);
  for (const auto& k : s.satellites)
    if (k.nation == nation) c.satellites.push_back(k);
  c.epoch = s.start;
  for (const auto& a : in.areas)
    if (a.nation == nation) c.areas.push_back(a);
  LiveReport rep;
  rep.name = c.name;
  auto opened = Recording::open(d, c.name, in.resume);
  if (!opened) return std::unexpected(opened.error());
  Recording* rec = opened->get();
  rep.recording = rec->path();
  Inbox inbox;
  const QosSettings qs = qos_settings(d);
  auto nd = domain_of(d, d.nation_domains, nation, "nation");
  if (!nd) return std::unexpected(nd.error());
  auto home = Endpoint::join(d, *nd, c.name);
  if (!home) return std::unexpected(home.error());
  const auto radar_check = [nation](const Decoded& x) -> std::optional<std::string> {
    if (header_of(x.value).originator.nation != nation) return "not a sensor of this nation";
    return std::nullopt;
  };
  for (Topic t : {Topic::radar_look, Topic::infrared_frame, Topic::node_health})
    if (auto ok = (*home)->add_reader(t, qs, &inbox, "radar", radar_check); !ok)
      return std::unexpected(ok.error());
  std::unique_ptr<Endpoint> link;
  if (hub_site) {
    auto ld = domain_of(d, d.link_domains, nation, "link");
    if (!ld) return std::unexpected(ld.error());
    auto e = Endpoint::join(d, *ld, c.name);
    if (!e) return std::unexpected(e.error());
    link = std::move(*e);
    for (Topic t : {Topic::local_track, Topic::node_health})
      if (auto ok = link->add_writer(t, qs); !ok) return std::unexpected(ok.error());
    const std::string hub_name = hub_site->name;
    for (Topic t : {Topic::system_track, Topic::launch_report, Topic::impact_prediction,
                    Topic::alert, Topic::node_health})
      if (auto ok = link->add_reader(t, qs, &inbox, hub_name); !ok)
        return std::unexpected(ok.error());
  }
  auto clock = synchronise(in, c.name, [&] {
    if ((*home)->publishers(Topic::radar_look) < c.radars.size()) return false;
    if ((*home)->publishers(Topic::infrared_frame) < c.satellites.size()) return false;
    return !link ||
           (link->matched(Topic::local_track) > 0 && link->publishers(Topic::system_track) > 0);
  });
  if (!clock) return std::unexpected(clock.error());
  in.clock = *clock;
  if (in.started) in.started(in.clock);
  c.session_start = in.clock.now();
  node::NationalNode nn(c, *in.policy);
  say(in, c.name + ": " + std::to_string(c.radars.size()) + " radars, " +
              std::to_string(c.satellites.size()) + " infrared satellites" +
              (link ? ", linked to " + c.hub : ", alone"));
  const auto dispatch = [&](node::Outbox out, geo::UtcTime now) -> Expected<void> {
    for (auto& e : out) {
      if (e.to == node::display_peer) {
        if (auto ok = rec->link(c.name, e.to, record::Direction::received, now, now, e.message);
            !ok)
          return ok;
        if (in.picture) in.picture(now, nation, e.message);
        continue;
      }
      if (link && e.to == c.hub) {
        if (link->write(encode(e.message))) ++rep.sent;
        if (auto ok =
                rec->link(c.name, e.to, record::Direction::sent, now, std::nullopt, e.message);
            !ok)
          return ok;
      }
    }
    return {};
  };
  // The hub link in the node's own health: down once the hub's heartbeats miss their deadline
  // (the deployment's deadline_s, wall), up again with the next heartbeat.
  std::uint64_t hub_deadlines_missed = 0;
  Loop loop{in, inbox, {}, {}, {}, {}, {}, {}};
  loop.deliver = [&](const Inbound& x, geo::UtcTime now) -> Expected<void> {
    const geo::UtcTime sent = in.clock.at_wall_ns(x.source_unix_ns);
    if (const auto* l = std::get_if<Look>(&x.value)) {
      const std::string radar = l->header.originator.node;
      for (const auto& p : l->plots)
        if (auto ok = rec->link(radar, c.name, record::Direction::received, sent, now, p); !ok)
          return ok;
      return dispatch(nn.on_look(l->sensor_id, l->time, l->plots), now);
    }
    if (const auto* f = std::get_if<InfraredFrame>(&x.value))
      return dispatch(nn.on_ir_frame(f->sensor_id, f->time, f->plots), now);
    const auto& m = std::get<share::Message>(x.value);
    if (std::holds_alternative<share::NodeHealth>(m)) {
      // Heartbeats of the nation's radars and of the hub: liveness, recorded; the hub's is not
      // a release (see run_hub), so it does not go through the gatekeeper.
      ++rep.heartbeats_received;
      if (x.from == "radar") return {};
      if (share::header(m).originator.node != x.from) {
        ++rep.wire_rejected[static_cast<std::size_t>(WireRejection::unexpected_sender)];
        return {};
      }
      if (link) hub_deadlines_missed = link->deadlines_missed();  // the misses before it are over
      nn.set_hub_link(share::LinkStatus::up);
      return rec->link(x.from, c.name, record::Direction::received, sent, now, m);
    }
    if (auto ok = rec->link(x.from, c.name, record::Direction::received, sent, now, m); !ok)
      return ok;
    return dispatch(nn.on_message(m, x.from, now), now);
  };
  // The node's heartbeat to the hub, every heartbeat_s of the wall as the hub's (its health
  // every health_interval_s of the scenario stays in the clock): the hub sees a silent node by
  // its missed deadline.
  if (link)
    loop.heartbeat = [&](geo::UtcTime now) -> Expected<void> {
      return dispatch(nn.health(now), now);
    };
  loop.tick = [&](geo::UtcTime t) {
    if (link && link->deadlines_missed() > hub_deadlines_missed) {
      hub_deadlines_missed = link->deadlines_missed();
      nn.set_hub_link(share::LinkStatus::down);
    }
    return dispatch(nn.tick(t), t);
  };
  // Heartbeats (the hub's, the radars') have a sequence of their own and no gatekeeper here.
  loop.stream = [](const share::Message& m) {
    const std::string& node = share::header(m).originator.node;
    return std::holds_alternative<share::NodeHealth>(m) ? node + "/health" : node;
  };
  auto ran = loop.run();
  rep.received = inbox.received();
  const auto wr = inbox.rejected();
  for (std::size_t i = 0; i < wire_rejection_count; ++i) rep.wire_rejected[i] += wr[i];
  rep.national = nn.counters();
  rep.plots_refused = nn.tracker().counters().rejected;
  for (std::size_t i = 0; i < share::rejection_count; ++i)
    rep.gate_rejected[i] = nn.gatekeeper().rejected(share::all_rejections[i]);
  rep.deadlines_missed = (*home)->deadlines_missed() + (link ? link->deadlines_missed() : 0);
  auto fin = rec->finish();
  write_report(d, rep);
  if (!ran) return std::unexpected(ran.error());
  if (!fin) return std::unexpected(fin.error());
  return rep;
}

// --- sensor feeds: radars and infrared satellites -------------------------------------------

namespace {

// What a sensor feed writes at one time: a look of a radar, a frame of a satellite, given the
// session start (the feed's clock when the scenario began).
using FeedWrite = std::function<bool(std::size_t item, geo::UtcTime session)>;

// A feed once connected: writes each item when the scenario clock reaches its time (`due`, in
// time order), and a heartbeat every heartbeat_s (wall), until stopped or until_s.
LiveReport play(const LiveInputs& in, Endpoint& home, const std::string& name, Nation nation,
                std::uint32_t sensor_id, const std::vector<geo::UtcTime>& due,
                const FeedWrite& write) {
  const auto& d = *in.deploy;
  const auto& s = *in.scenario;
  LiveReport rep;
  rep.name = name;
  const geo::UtcTime session = in.clock.now();
  std::uint64_t beats = 0, health_seq = 0;
  std::size_t next = 0;
  auto next_beat = Clock::now();
  const auto beat = std::chrono::nanoseconds(static_cast<std::int64_t>(d.heartbeat_s * 1e9));
  for (;;) {
    if (in.stop && in.stop->load(std::memory_order_relaxed) != 0) break;
    const geo::UtcTime now = in.clock.now();
    if (in.until_s && now.seconds_since(s.start) > *in.until_s) break;
    for (; next < due.size() && due[next] <= now; ++next)
      if (write(next, session)) ++rep.sent;
    if (Clock::now() >= next_beat) {
      share::NodeHealth h;
      h.header.originator = {nation, name, sensor_id};
      h.header.session_start = session;
      h.header.sequence = ++health_seq;
      h.header.time_of_validity = now;
      h.header.releasability = {nation};
      h.heartbeat = ++beats;
      h.radars_operating = 1;
      h.radars_total = 1;
      if (home.write(encode(share::Message(h)))) ++rep.sent;
      next_beat = Clock::now() + beat;
    }
    auto until = std::min(next_beat, Clock::now() + std::chrono::milliseconds(50));
    if (next < due.size()) {
      const auto wall = in.clock.wall_at(due[next]);
      until = std::min(until, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 wall - std::chrono::system_clock::now()));
    }
    std::this_thread::sleep_until(until);
  }
  return rep;
}

// Joins the nation's domain as `name` with writers of `topic` and heartbeats, and waits for the
// start (the national node's reader matched).
Expected<std::unique_ptr<Endpoint>> join_feed(LiveInputs& in, const std::string& name,
                                              Nation nation, Topic topic) {
  const auto& d = *in.deploy;
  auto nd = domain_of(d, d.nation_domains, nation, "nation");
  if (!nd) return std::unexpected(nd.error());
  auto home = Endpoint::join(d, *nd, name);
  if (!home) return std::unexpected(home.error());
  const QosSettings qs = qos_settings(d);
  for (Topic t : {topic, Topic::node_health})
    if (auto ok = (*home)->add_writer(t, qs); !ok) return std::unexpected(ok.error());
  Endpoint* e = home->get();
  auto clock = synchronise(in, name, [&] { return e->matched(topic) > 0; });
  if (!clock) return std::unexpected(clock.error());
  in.clock = *clock;
  if (in.started) in.started(in.clock);
  return home;
}

// A satellite's frames with plots, from the scenario's simulation, each written when the
// ground segment has it (sensor::ir_processing_s after the frame), as the exercise delivers it.
Expected<LiveReport> run_satellite(LiveInputs in, std::size_t index) {
  const auto& s = *in.scenario;
  const auto& sat = s.satellites[index];
  const Nation nation = sat.nation;
  std::uint32_t sensor_id = 0;
  for (std::size_t k = 0; k < index; ++k)
    if (s.satellites[k].nation == nation) ++sensor_id;
  const scenario::Simulation sim = scenario::simulate(s);
  std::vector<std::pair<std::size_t, std::size_t>> frames;  // ir_plots [first, last)
  std::vector<geo::UtcTime> due;
  const auto& p = sim.ir_plots;
  for (std::size_t i = 0; i < p.size();) {
    std::size_t j = i;
    while (j < p.size() && p[j].t == p[i].t && p[j].satellite_index == p[i].satellite_index) ++j;
    if (p[i].satellite_index == index) {
      frames.emplace_back(i, j);
      due.push_back(p[i].t.plus_seconds(sensor::ir_processing_s));
    }
    i = j;
  }
  auto home = join_feed(in, sat.name, nation, Topic::infrared_frame);
  if (!home) return std::unexpected(home.error());
  say(in, sat.name + ": " + std::to_string(frames.size()) + " frames with plots to play");
  std::uint64_t sequence = 0;
  return play(in, **home, sat.name, nation, sensor_id, due,
              [&](std::size_t k, geo::UtcTime session) {
                const auto [first, last] = frames[k];
                InfraredFrame f;
                f.nation = nation;
                f.sensor_id = sensor_id;
                f.time = p[first].t;
                f.satellite_ecef_m = p[first].satellite_ecef_m;
                f.plots.assign(p.begin() + static_cast<std::ptrdiff_t>(first),
                               p.begin() + static_cast<std::ptrdiff_t>(last));
                f.header.originator = {nation, sat.name, sensor_id};
                f.header.session_start = session;
                f.header.sequence = ++sequence;
                f.header.time_of_validity = f.time;
                f.header.releasability = {nation};
                return (*home)->write(encode(f));
              });
}

}  // namespace

Expected<LiveReport> run_radar(const LiveInputs& in0, const std::string& radar) {
  LiveInputs in = in0;
  const auto& s = *in.scenario;
  std::optional<std::size_t> index;
  for (std::size_t r = 0; r < s.radars.size(); ++r)
    if (s.radars[r].name == radar) index = r;
  if (!index) {
    for (std::size_t k = 0; k < s.satellites.size(); ++k)
      if (s.satellites[k].name == radar) return run_satellite(in, k);
    return fail("--radar", "no radar or infrared satellite '" + radar + "' in " + s.file);
  }
  const Nation nation = s.radars[*index].nation;
  std::uint32_t sensor_id = 0;
  for (std::size_t r = 0; r < *index; ++r)
    if (s.radars[r].nation == nation) ++sensor_id;
  // The radar's plots: the scenario's simulation (the same for every process), this radar's,
  // grouped into looks.
  const scenario::Simulation sim = scenario::simulate(s);
  std::vector<sensor::Detection> mine;
  for (const auto& det : sim.detections)
    if (det.radar_index == *index) mine.push_back(det);
  std::vector<std::pair<std::size_t, std::size_t>> looks;  // mine [first, last)
  std::vector<geo::UtcTime> due;
  for (std::size_t i = 0; i < mine.size();) {
    std::size_t j = i;
    while (j < mine.size() && mine[j].t == mine[i].t) ++j;
    looks.emplace_back(i, j);
    due.push_back(mine[i].t);
    i = j;
  }
  auto home = join_feed(in, radar, nation, Topic::radar_look);
  if (!home) return std::unexpected(home.error());
  say(in, radar + ": " + std::to_string(mine.size()) + " plots to play");
  node::RadarFeed feed(nation, radar, sensor_id);
  return play(in, **home, radar, nation, sensor_id, due, [&](std::size_t k, geo::UtcTime session) {
    const auto [first, last] = looks[k];
    Look l;
    l.nation = nation;
    l.sensor_id = sensor_id;
    l.time = mine[first].t;
    l.plots = feed.look(std::span<const sensor::Detection>(mine.data() + first, last - first));
    l.header.originator = {nation, radar, sensor_id};
    l.header.session_start = session;
    l.header.sequence = l.plots.empty() ? 0 : l.plots.front().header.sequence;
    l.header.time_of_validity = l.time;
    l.header.releasability = {nation};
    for (auto& p : l.plots) p.header.session_start = session;
    return (*home)->write(encode(l));
  });
}

// --- bench ------------------------------------------------------------------------------------

namespace {

// `bench live`'s two participants: JADGE writing local tracks on link_JPN, KAMD reading the
// system tracks on link_KOR; times are wall (steady clock) in this one process.
class BenchPair {
 public:
  static Expected<std::unique_ptr<BenchPair>> join(const io::Deployment& d,
                                                   const ScenarioClock& clock,
                                                   const std::atomic<int>* stop) {
    const auto jpn = d.link_domains.find(Nation::JPN), kor = d.link_domains.find(Nation::KOR);
    if (jpn == d.link_domains.end() || kor == d.link_domains.end())
      return fail(d.path + ": domains", "bench live needs link_JPN and link_KOR");
    auto p = std::unique_ptr<BenchPair>(new BenchPair(clock));
    const QosSettings qs = qos_settings(d);
    auto writer = Endpoint::join(d, jpn->second, "JADGE", true);
    if (!writer) return std::unexpected(writer.error());
    p->writer_ = std::move(*writer);
    if (auto ok = p->writer_->add_writer(Topic::local_track, qs); !ok)
      return std::unexpected(ok.error());
    auto reader = Endpoint::join(d, kor->second, "KAMD");
    if (!reader) return std::unexpected(reader.error());
    p->reader_ = std::move(*reader);
    if (auto ok = p->reader_->add_reader(Topic::system_track, qs, &p->inbox_, "INDOPACOM"); !ok)
      return std::unexpected(ok.error());
    // Wait for the hub on both links (bounded).
    const auto give_up = Clock::now() + std::chrono::seconds(30);
    while (p->writer_->matched(Topic::local_track) == 0 ||
           p->reader_->publishers(Topic::system_track) == 0) {
      if (Clock::now() > give_up || (stop && stop->load() != 0))
        return fail("bench live", "no hub on link_JPN and link_KOR");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return p;
  }

  // Writes Japan's local track `id` (a point on the golden-angle spiral 130 km up, far from
  // every other id, rising at 100 m/s) at the scenario time now; true when DDS took it. Sent at
  // once, or (`send` false) with the next write that is sent: a national node's tick writes its
  // reports together.
  bool write(std::uint64_t id, TrackStatus status, bool send = true) {
    share::LocalTrack t;
    t.header.originator = {Nation::JPN, "JADGE", std::nullopt};
    t.header.session_start = session_;
    t.header.sequence = ++sequence_;
    t.header.time_of_validity = clock_.now();
    t.header.releasability = share::Releasability::all();
    t.track_id = id;
    const double k = static_cast<double>(id % 20000) + 0.5;
    const double z = 1.0 - 2.0 * k / 20000.0;
    const double r = std::sqrt(1.0 - z * z), phi = 2.399963229728653 * k;
    const share::Vector3 up(r * std::cos(phi), r * std::sin(phi), z);
    const double since_s = t.header.time_of_validity.seconds_since(session_);
    t.position_ecef_m = up * (6.5e6 + 100.0 * since_s);
    t.velocity_ecef_mps = up * 100.0;
    t.covariance = share::Matrix6::Identity() * 100.0;
    t.status = status;
    t.phase = share::FlightPhase::midcourse;
    written_[id] = Clock::now();
    const bool ok = writer_->write(encode(share::Message(t)));
    if (send) writer_->flush();
    return ok;
  }

  // Takes what has arrived until `until`: for each system track with a contribution of a
  // Japanese track written and not yet seen, its write-to-arrival time (µs) into `lat`.
  void collect(std::vector<double>& lat, Clock::time_point until) {
    for (auto& x : inbox_.wait(until)) {
      const auto* s = std::get_if<share::SystemTrack>(&std::get<share::Message>(x.value));
      if (!s) continue;
      for (const auto& c : s->contributions) {
        auto it = written_.find(c.track_id);
        if (c.nation != Nation::JPN || it == written_.end()) continue;
        lat.push_back(std::chrono::duration<double, std::micro>(x.arrived - it->second).count());
        written_.erase(it);
      }
    }
  }
  // Japanese tracks written and not yet seen in a system track.
  std::size_t unseen() const { return written_.size(); }
  void forget() { written_.clear(); }

 private:
  explicit BenchPair(const ScenarioClock& clock) : clock_(clock), session_(clock.now()) {}
  ScenarioClock clock_;
  geo::UtcTime session_;
  std::uint64_t sequence_ = 0;
  Inbox inbox_;
  std::unique_ptr<Endpoint> writer_, reader_;
  std::map<std::uint64_t, Clock::time_point> written_;
};

double quantile(const std::vector<double>& sorted, double f) {
  return sorted[std::min(sorted.size() - 1,
                         static_cast<std::size_t>(f * static_cast<double>(sorted.size())))];
}

}  // namespace

Expected<std::vector<BenchPoint>> bench_live(const io::Deployment& d, const ScenarioClock& clock,
                                             const std::vector<double>& rates, double seconds,
                                             const std::atomic<int>* stop) {
  auto pair = BenchPair::join(d, clock, stop);
  if (!pair) return std::unexpected(pair.error());
  BenchPair& b = **pair;
  std::uint64_t next_id = 1;
  std::vector<BenchPoint> points;
  for (double rate : rates) {
    BenchPoint p;
    p.rate_per_s = rate;
    std::vector<double> lat;
    b.forget();
    const auto period = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / rate));
    const auto start = Clock::now();
    const auto n = static_cast<std::uint64_t>(std::llround(rate * seconds));
    for (std::uint64_t i = 0; i < n && !(stop && stop->load() != 0); ++i) {
      const auto due = start + period * static_cast<std::int64_t>(i);
      while (Clock::now() < due) b.collect(lat, due);
      if (b.write(next_id++, TrackStatus::tentative)) ++p.written;
    }
    // Let the last ones arrive (at most 2 s).
    const auto end = Clock::now() + std::chrono::seconds(2);
    while (b.unseen() > 0 && Clock::now() < end) b.collect(lat, end);
    p.released = lat.size();
    if (!lat.empty()) {
      std::sort(lat.begin(), lat.end());
      p.p50_us = quantile(lat, 0.5);
      p.p99_us = quantile(lat, 0.99);
      p.p999_us = quantile(lat, 0.999);
      p.max_us = lat.back();
    }
    points.push_back(p);
  }
  return points;
}

Expected<BenchThroughput> bench_throughput(const io::Deployment& d, const ScenarioClock& clock,
                                           std::uint64_t live_tracks, double seconds,
                                           const std::atomic<int>* stop) {
  auto pair = BenchPair::join(d, clock, stop);
  if (!pair) return std::unexpected(pair.error());
  BenchPair& b = **pair;
  BenchThroughput r;
  r.live_tracks = live_tracks;
  std::vector<double> lat;
  // The picture: every live track once, each released (new) before the burst starts. Tentative
  // as in bench_live: what is measured is the message path, not the clock's products.
  for (std::uint64_t id = 1; id <= live_tracks; ++id)
    if (b.write(id, TrackStatus::tentative, id % 100 == 0 || id == live_tracks)) ++r.written;
  const auto settle = Clock::now() + std::chrono::seconds(5);
  while (b.unseen() > 0 && Clock::now() < settle) b.collect(lat, settle);
  if (b.unseen() > 0) return fail("bench live", "the hub did not release the live tracks");
  // The clock's first tick over the new picture before the burst: a new track written after it
  // is released once it is done.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  (void)b.write(live_tracks + 1, TrackStatus::tentative);
  const auto ticked = Clock::now() + std::chrono::seconds(30);
  while (b.unseen() > 0 && Clock::now() < ticked) b.collect(lat, ticked);
  // The burst: updates of the live tracks in turn, as fast as this participant writes them.
  const auto start = Clock::now();
  const auto end = start + std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
  std::uint64_t updates = 0;
  while (Clock::now() < end && !(stop && stop->load() != 0))
    for (int i = 0; i < 100; ++i)
      if (b.write(1 + updates % live_tracks, TrackStatus::tentative, i == 99)) ++updates;
  const auto written_end = Clock::now();
  b.forget();
  // A new track after the burst: the hub takes a sender's samples in order, so its release
  // arrives once the hub has dealt with every update before it.
  lat.clear();
  (void)b.write(live_tracks + 2, TrackStatus::tentative);
  const auto give_up = Clock::now() + std::chrono::seconds(30);
  while (b.unseen() > 0 && Clock::now() < give_up) b.collect(lat, give_up);
  if (b.unseen() > 0) return fail("bench live", "the hub never caught up after the burst");
  const auto caught_up = Clock::now();
  r.written += updates + 2;
  r.updates = updates;
  r.write_s = std::chrono::duration<double>(written_end - start).count();
  r.caught_up_s = std::chrono::duration<double>(caught_up - start).count();
  return r;
}

// --- probe and inject (tests of the security and of the receivers' checks) --------------------

Expected<ProbeResult> probe(const io::Deployment& d, int domain, const std::string& identity,
                            Topic topic, double seconds, const std::atomic<int>* stop) {
  ProbeResult res;
  Inbox inbox;
  const std::int64_t joined_ns = wall_ns();
  const auto joined = Clock::now();
  auto e = Endpoint::join(d, domain, identity);
  if (!e) {
    if (e.error().where.starts_with(d.path)) return std::unexpected(e.error());
    res.refused = e.error().message();
    return res;
  }
  if (auto ok = (*e)->add_reader(topic, qos_settings(d), &inbox, "probe"); !ok) {
    res.refused = ok.error().message();
    return res;
  }
  const auto end =
      Clock::now() + std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
  while (Clock::now() < end && !(stop && stop->load() != 0)) {
    for (const auto& x : inbox.wait(std::min(end, Clock::now() + std::chrono::milliseconds(50)))) {
      const auto* m = std::get_if<share::Message>(&x.value);
      const auto* s = m ? std::get_if<share::SystemTrack>(m) : nullptr;
      if (!s || res.system_tracks.contains(s->system_track_id)) continue;
      res.system_tracks[s->system_track_id] = {
          std::chrono::duration<double>(x.arrived - joined).count(),
          static_cast<double>(x.source_unix_ns - joined_ns) * 1e-9};
    }
  }
  res.received = inbox.received();
  if (const std::int64_t m = (*e)->first_matched_ns(topic); m != 0)
    res.matched_s = static_cast<double>(m - joined_ns) * 1e-9;
  return res;
}

Expected<void> inject(const io::Deployment& d, int domain, const std::string& identity,
                      const share::Message& m, double seconds) {
  auto e = Endpoint::join(d, domain, identity);
  if (!e) return std::unexpected(e.error());
  const Encoded enc = encode(m);
  if (auto ok = (*e)->add_writer(enc.topic(), qos_settings(d)); !ok)
    return std::unexpected(ok.error());
  const auto end =
      Clock::now() + std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
  while ((*e)->matched(enc.topic()) == 0) {
    if (Clock::now() >= end) return fail("inject", "no reader matched");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!(*e)->write(enc)) return fail("inject", "write refused");
  if (!(*e)->acknowledged(enc.topic(), std::chrono::duration<double>(end - Clock::now()).count()))
    return fail("inject", "not acknowledged");
  return {};
}

}  // namespace trilink::bus
