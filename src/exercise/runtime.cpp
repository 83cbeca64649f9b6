#include "exercise/runtime.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <queue>

#include "base/rng.hpp"
#include "node/radar_feed.hpp"

namespace trilink::exercise {

using scenario::Launch;
using scenario::LinkParams;
using scenario::Network;
using scenario::NodeSite;
using scenario::Scenario;
using scenario::Simulation;

std::string_view to_string(Mode m) {
  return m == Mode::national ? "national" : "trilateral";
}

namespace {

// Rng stream keys (the radars use their indices from 0; these stay clear of them).
constexpr std::uint64_t kLinkStreamBase = 0x11a4'0000;

enum class Kind : std::uint8_t { delivery, look, tick, ir_frame };

struct Event {
  double t_s;
  std::uint64_t order;  // scheduling order: ties go first-scheduled first
  Kind kind;
  std::size_t index;  // into deliveries or looks; tick number
  bool operator>(const Event& o) const { return t_s != o.t_s ? t_s > o.t_s : order > o.order; }
};

struct Look {
  std::size_t radar = 0;            // scenario radar index
  double t_s = 0.0;                 // at the radar
  std::size_t first = 0, last = 0;  // simulation detections [first, last)
};

struct IrFrame {
  std::size_t satellite = 0;        // scenario satellite index
  double t_s = 0.0;                 // of the frame
  std::size_t first = 0, last = 0;  // simulation ir_plots [first, last)
};

struct Delivery {
  std::size_t link = 0;
  std::string to;
  share::Message message;
  double sent_s = 0.0;
  std::optional<share::ReleaseRecord> release;
};

struct Link {
  std::string from, to;
  geo::Geodetic from_site, to_site;
  LinkParams params;
  double fibre_s = 0.0;
  std::optional<double> last_delivery_s;  // a link keeps its messages in order
  Rng rng;
  LinkStats stats;
};

class Runtime {
 public:
  Runtime(const RunInputs& in, Mode mode) : in_(in), s_(*in.scenario), mode_(mode) {
    out_.mode = mode;
    const Network& net = s_.network;
    // National nodes: the nations that have radars, in Nation order.
    for (Nation n : all_nations) {
      std::vector<sensor::RadarParams> radars;
      for (std::size_t r = 0; r < s_.radars.size(); ++r)
        if (s_.radars[r].nation == n) {
          radar_node_[r] = n;
          radar_sensor_[r] = static_cast<std::uint32_t>(radars.size());
          feeds_.emplace(
              r, node::RadarFeed(n, s_.radars[r].name, static_cast<std::uint32_t>(radars.size())));
          radars.push_back(s_.radars[r]);
        }
      std::vector<sensor::IrSatelliteParams> satellites;
      for (std::size_t k = 0; k < s_.satellites.size(); ++k)
        if (s_.satellites[k].nation == n) {
          satellite_node_[k] = n;
          satellite_sensor_[k] = static_cast<std::uint32_t>(satellites.size());
          satellites.push_back(s_.satellites[k]);
        }
      const NodeSite* site = net.node_of(n);
      if ((radars.empty() && satellites.empty()) || !site) continue;
      node::NationalNodeConfig c;
      c.nation = n;
      c.name = site->name;
      c.hub = mode == Mode::trilateral && net.hub() ? net.hub()->name : "";
      c.radars = radars;
      c.satellites = satellites;
      c.epoch = s_.start;
      c.session_start = s_.start;
      for (const auto& a : in.areas)
        if (a.nation == n) c.areas.push_back(a);
      nodes_.emplace(n, std::make_unique<node::NationalNode>(c, *in.policy));
      node_names_.emplace(site->name, n);
    }
    if (auto hc = hub_config(s_, in.areas); mode == Mode::trilateral && hc)
      hub_ = std::make_unique<node::Hub>(*hc, *in.policy);
    // Looks: the simulation's detections grouped by (time, radar).
    const auto& d = in.simulation->detections;
    for (std::size_t i = 0; i < d.size();) {
      std::size_t j = i;
      while (j < d.size() && d[j].t == d[i].t && d[j].radar_index == d[i].radar_index) ++j;
      looks_.push_back(Look{d[i].radar_index, d[i].t.seconds_since(s_.start), i, j});
      i = j;
    }
    // Infrared frames with plots, grouped by (time, satellite). A frame without plots changes
    // nothing at the node but its pairing: it is not delivered.
    const auto& p = in.simulation->ir_plots;
    for (std::size_t i = 0; i < p.size();) {
      std::size_t j = i;
      while (j < p.size() && p[j].t == p[i].t && p[j].satellite_index == p[i].satellite_index) ++j;
      ir_frames_.push_back(IrFrame{p[i].satellite_index, p[i].t.seconds_since(s_.start), i, j});
      i = j;
    }
  }

  Expected<RunOutput> run() {
    for (std::size_t i = 0; i < looks_.size(); ++i) {
      const Look& l = looks_[i];
      if (!radar_node_.contains(l.radar) || !nodes_.contains(radar_node_[l.radar])) continue;
      const std::size_t link = radar_link(l.radar);
      push(l.t_s + links_[link].fibre_s + links_[link].params.processing_s, Kind::look, i);
    }
    for (std::size_t i = 0; i < ir_frames_.size(); ++i) {
      const IrFrame& f = ir_frames_[i];
      if (!satellite_node_.contains(f.satellite) || !nodes_.contains(satellite_node_[f.satellite]))
        continue;
      push(f.t_s + sensor::ir_processing_s, Kind::ir_frame, i);
    }
    const auto ticks = static_cast<std::size_t>(std::floor(s_.duration_s));
    for (std::size_t k = 0; k <= ticks; ++k) push(static_cast<double>(k), Kind::tick, k);
    while (!queue_.empty()) {
      if (in_.stop && in_.stop->load(std::memory_order_relaxed) != 0)
        return fail("", "interrupted at T+" + std::to_string(static_cast<long>(now_s_)) + " s");
      const Event e = queue_.top();
      queue_.pop();
      ++out_.events;
      now_s_ = e.t_s;
      switch (e.kind) {
        case Kind::look:
          on_look(looks_[e.index]);
          break;
        case Kind::tick:
          on_tick(e.index);
          break;
        case Kind::delivery:
          on_delivery(e.index);
          break;
        case Kind::ir_frame:
          on_ir_frame(ir_frames_[e.index]);
          break;
      }
      if (failure_) return std::unexpected(*failure_);
    }
    if (hub_) {
      out_.hub = hub_->counters();
      for (std::size_t r = 0; r < share::rejection_count; ++r)
        out_.hub_rejected[r] = hub_->gatekeeper().rejected(share::all_rejections[r]);
    }
    for (const auto& [n, node] : nodes_) out_.nodes[n] = node->counters();
    for (auto& l : links_) out_.links.push_back(l.stats);
    std::ranges::sort(out_.links, {}, &LinkStats::link);
    return std::move(out_);
  }

 private:
  void push(double t_s, Kind kind, std::size_t index) {
    queue_.push(Event{t_s, order_++, kind, index});
  }

  geo::UtcTime at(double t_s) const { return s_.start.plus_seconds(t_s); }

  std::size_t link_index(const std::string& from, const std::string& to,
                         const geo::Geodetic& from_site, const geo::Geodetic& to_site) {
    const std::string name = from + ">" + to;
    if (auto it = link_of_.find(name); it != link_of_.end()) return it->second;
    Link l{from,
           to,
           from_site,
           to_site,
           s_.network.params(from, to),
           0.0,
           std::nullopt,
           Rng::stream(s_.seed, kLinkStreamBase + links_.size()),
           {}};
    l.stats.link = name;
    l.fibre_s = s_.network.fibre_m(from_site, to_site, l.params) / scenario::fibre_speed_mps;
    links_.push_back(std::move(l));
    link_of_.emplace(name, links_.size() - 1);
    return links_.size() - 1;
  }

  std::size_t radar_link(std::size_t radar) {
    const NodeSite* site = s_.network.node_of(radar_node_.at(radar));
    return link_index(s_.radars[radar].name, site->name, s_.radars[radar].site, site->site);
  }

  std::size_t node_link(const std::string& from, const std::string& to) {
    return link_index(from, to, s_.network.node(from)->site, s_.network.node(to)->site);
  }

  std::string link_label(const std::string& name) const {
    return std::string(to_string(mode_)) + ":" + name;
  }

  void record(const std::string& link, record::Direction dir, double sent_s,
              std::optional<double> received_s, const share::Message& m,
              const std::optional<share::ReleaseRecord>& release) {
    if (!in_.recorder || failure_) return;
    record::LinkEvent e;
    e.link = link_label(link);
    e.direction = dir;
    e.sent = at(sent_s);
    if (received_s) e.received = at(*received_s);
    e.message = m;
    if (auto ok = in_.recorder->record({std::move(e), release, {}}); !ok) failure_ = ok.error();
  }

  // Sends what a node emitted at now.
  void dispatch(const std::string& from, node::Outbox out) {
    for (auto& e : out) {
      ++out_.messages;
      if (e.to == node::display_peer) {
        const auto n = node_names_.at(from);
        record(from + ">" + e.to, record::Direction::received, now_s_, now_s_, e.message,
               std::nullopt);
        out_.display.push_back(Observation{now_s_, n, std::move(e.message)});
        continue;
      }
      const std::size_t li = node_link(from, e.to);
      Link& l = links_[li];
      ++l.stats.sent;
      const double u_loss = l.rng.uniform();
      const double u_jitter = l.rng.uniform();
      bool lost = u_loss < l.params.loss;
      for (const auto& w : l.params.outages)
        if (now_s_ >= w.start_s && now_s_ < w.end_s) lost = true;
      if (lost) {
        ++l.stats.lost;
        record(l.stats.link, record::Direction::lost, now_s_, std::nullopt, e.message, e.release);
        continue;
      }
      const double own = now_s_ + l.fibre_s + l.params.processing_s + u_jitter * l.params.jitter_s;
      const double arrive = l.last_delivery_s ? std::max(own, *l.last_delivery_s) : own;
      l.last_delivery_s = arrive;
      deliveries_.push_back(Delivery{li, e.to, std::move(e.message), now_s_, std::move(e.release)});
      push(arrive, Kind::delivery, deliveries_.size() - 1);
    }
  }

  void on_look(const Look& l) {
    const Nation n = radar_node_.at(l.radar);
    auto& node = *nodes_.at(n);
    const auto& d = in_.simulation->detections;
    const auto plots = feeds_.at(l.radar).look(
        std::span<const sensor::Detection>(d.data() + l.first, l.last - l.first));
    const std::size_t li = radar_link(l.radar);
    Link& link = links_[li];
    for (const auto& p : plots) {
      ++link.stats.sent;
      ++link.stats.delivered;
      const double latency = now_s_ - l.t_s;
      link.stats.latency_sum_s += latency;
      link.stats.latency_max_s = std::max(link.stats.latency_max_s, latency);
      record(link.stats.link, record::Direction::received, l.t_s, now_s_, p, std::nullopt);
    }
    dispatch(node.config().name, node.on_look(radar_sensor_.at(l.radar), at(l.t_s), plots));
  }

  void on_ir_frame(const IrFrame& f) {
    auto& node = *nodes_.at(satellite_node_.at(f.satellite));
    const auto& p = in_.simulation->ir_plots;
    dispatch(node.config().name, node.on_ir_frame(satellite_sensor_.at(f.satellite), p[f.first].t,
                                                  std::span<const sensor::IrPlot>(
                                                      p.data() + f.first, f.last - f.first)));
  }

  void on_tick(std::size_t k) {
    const geo::UtcTime t = at(now_s_);
    for (auto& [n, node] : nodes_) dispatch(node->config().name, node->tick(t));
    if (hub_) dispatch(s_.network.hub()->name, hub_->tick(t));
    if (in_.progress && k % 60 == 0) in_.progress(now_s_);
  }

  void on_delivery(std::size_t i) {
    Delivery& d = deliveries_[i];
    Link& l = links_[d.link];
    ++l.stats.delivered;
    const double latency = now_s_ - d.sent_s;
    l.stats.latency_sum_s += latency;
    l.stats.latency_max_s = std::max(l.stats.latency_max_s, latency);
    record(l.stats.link, record::Direction::received, d.sent_s, now_s_, d.message, d.release);
    if (hub_ && d.to == s_.network.hub()->name) {
      dispatch(d.to, hub_->on_message(d.message, l.from, at(now_s_)));
    } else if (auto it = node_names_.find(d.to); it != node_names_.end()) {
      dispatch(d.to, nodes_.at(it->second)->on_message(d.message, l.from, at(now_s_)));
    }
    d.message = share::Message{};  // delivered: free it
  }

  const RunInputs& in_;
  const Scenario& s_;
  Mode mode_;
  RunOutput out_;
  std::map<Nation, std::unique_ptr<node::NationalNode>> nodes_;
  std::map<std::string, Nation> node_names_;
  std::unique_ptr<node::Hub> hub_;
  std::map<std::size_t, Nation> radar_node_;
  std::map<std::size_t, std::uint32_t> radar_sensor_;
  std::map<std::size_t, node::RadarFeed> feeds_;
  std::vector<Look> looks_;
  std::map<std::size_t, Nation> satellite_node_;
  std::map<std::size_t, std::uint32_t> satellite_sensor_;
  std::vector<IrFrame> ir_frames_;
  std::vector<Link> links_;
  std::map<std::string, std::size_t> link_of_;
  std::deque<Delivery> deliveries_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  std::uint64_t order_ = 0;
  double now_s_ = 0.0;
  std::optional<Error> failure_;
};

}  // namespace

std::optional<node::HubConfig> hub_config(const Scenario& s,
                                          const std::vector<warn::ProtectedArea>& areas) {
  const Network& net = s.network;
  if (!net.hub()) return std::nullopt;
  node::HubConfig hc;
  hc.name = net.hub()->name;
  for (Nation n : all_nations) {
    const NodeSite* site = net.node_of(n);
    const bool has_sensors =
        std::ranges::any_of(s.radars, [&](const auto& r) { return r.nation == n; }) ||
        std::ranges::any_of(s.satellites, [&](const auto& r) { return r.nation == n; });
    if (site && has_sensors) hc.nation_nodes[n] = site->name;
  }
  hc.areas = areas;
  hc.session_start = s.start;
  return hc;
}

Expected<RunOutput> run_exercise(const RunInputs& in, Mode mode) {
  Runtime rt(in, mode);
  return rt.run();
}

}  // namespace trilink::exercise
