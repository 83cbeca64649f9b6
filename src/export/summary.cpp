#include "export/summary.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "base/text.hpp"

namespace trilink::exports {

using exercise::Mode;
using exercise::RunOutput;
using scenario::Launch;
using scenario::Scenario;

using namespace eval;
using nlohmann::ordered_json;

namespace {

ordered_json opt(const std::optional<double>& v, int decimals = 3) {
  if (!v) return nullptr;
  return std::round(*v * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
}

ordered_json times_json(const EventTimes& e) {
  ordered_json j = ordered_json::object();
  for (std::size_t i = 0; i < timeline_events.size(); ++i)
    j[std::string(timeline_events[i]) + "_s"] = opt(e[i]);
  return j;
}

ordered_json metrics_json(const PictureMetrics& m) {
  ordered_json j;
  j["track_reports"] = m.track_reports;
  j["track_rmse_m"] = opt(m.track_rmse_m, 1);
  j["launch_point_error_m"] = opt(m.launch_point_error_m, 1);
  j["first_impact_error_m"] = opt(m.first_impact_error_m, 1);
  j["last_impact_error_m"] = opt(m.last_impact_error_m, 1);
  j["impact_inside_95"] = opt(m.impact_inside_95, 4);
  return j;
}

// How accurate a nation's picture of one launch was, in a few words: its tracks' position
// error, the launch point's and the last impact prediction's errors, and how often the 95 %
// ellipse held the true impact point.
std::string accuracy_text(const PictureMetrics& m) {
  if (m.track_reports == 0) return "no track";
  const auto km = [](const std::optional<double>& v) {
    return v ? fixed(*v / 1e3, 1) + " km" : std::string("-");
  };
  return "tracks " + (m.track_rmse_m ? fixed(*m.track_rmse_m, 0) + " m" : std::string("-")) +
         ", launch point " + km(m.launch_point_error_m) + ", last impact " +
         km(m.last_impact_error_m) + ", ellipse held " +
         (m.impact_inside_95 ? fixed(100.0 * *m.impact_inside_95, 0) + " %" : std::string("-"));
}

ordered_json warning_json(const eval::WarningScore& w) {
  ordered_json j = ordered_json::object();
  for (const auto& n : w.nations) {
    ordered_json nj;
    nj["threatened"] = n.threatened;
    nj["missed"] = n.missed;
    nj["false_threats"] = n.false_threats;
    nj["threat_messages"] = n.threat_messages;
    nj["gap_s"] = opt(n.gap_s, 1);
    nj["premature_ends"] = n.premature_ends;
    nj["launch_alerts"] = n.launch_alerts;
    nj["repeated_launch_alerts"] = n.repeated_launch_alerts;
    nj["predictions_before_burnout"] = n.early_predictions;
    nj["tracks_below_ground"] = n.below_ground;
    ordered_json faults = ordered_json::array();
    for (const auto& f : n.faults) {
      ordered_json fj;
      fj["kind"] = to_string(f.kind);
      fj["t_s"] = opt(f.t_s, 3);
      fj["source"] = f.source;
      fj["object"] = f.object.empty() ? ordered_json(nullptr) : ordered_json(f.object);
      fj["track_id"] = f.track_id;
      faults.push_back(fj);
    }
    nj["faults"] = faults;
    // Each object that truly threatened the nation: how it was warned.
    ordered_json threats = ordered_json::array();
    for (const auto& t : n.threats) {
      ordered_json tj;
      tj["object"] = t.name;
      tj["missed"] = t.missed;
      tj["window_s"] = opt(t.window_s, 1);
      tj["gap_s"] = opt(t.gap_s, 1);
      tj["threat_after_burnout_s"] = opt(t.threat_after_burnout_s, 1);
      tj["lead_s"] = opt(t.lead_s, 1);
      threats.push_back(tj);
    }
    nj["threats"] = threats;
    j[std::string(to_string(n.nation))] = nj;
  }
  return j;
}

ordered_json run_json(const RunOutput& r) {
  ordered_json j;
  j["events"] = r.events;
  j["messages"] = r.messages;
  j["display_messages"] = r.display.size();
  ordered_json links = ordered_json::array();
  for (const auto& l : r.links) {
    ordered_json lj;
    lj["link"] = l.link;
    lj["sent"] = l.sent;
    lj["delivered"] = l.delivered;
    lj["lost"] = l.lost;
    lj["mean_latency_ms"] =
        l.delivered ? opt(1e3 * l.latency_sum_s / static_cast<double>(l.delivered)) : nullptr;
    lj["max_latency_ms"] = opt(1e3 * l.latency_max_s);
    links.push_back(lj);
  }
  j["links"] = links;
  if (r.mode == Mode::trilateral) {
    ordered_json hub;
    hub["received"] = r.hub.received;
    hub["admitted"] = r.hub.admitted;
    hub["rejected"] = r.hub.rejected;
    hub["released"] = r.hub.released;
    ordered_json rej = ordered_json::object();
    for (std::size_t i = 0; i < share::rejection_count; ++i)
      rej[std::string(share::to_string(share::all_rejections[i]))] = r.hub_rejected[i];
    hub["rejected_by_reason"] = rej;
    j["hub"] = hub;
  }
  ordered_json nodes = ordered_json::object();
  for (const auto& [n, c] : r.nodes) {
    ordered_json nj;
    nj["looks"] = c.looks;
    nj["plots"] = c.plots;
    nj["plots_rejected"] = c.plots_rejected;
    nj["tracks_reported"] = c.tracks_reported;
    nj["hub_admitted"] = c.hub_admitted;
    nj["hub_rejected"] = c.hub_rejected;
    ordered_json rej = ordered_json::object();
    for (std::size_t i = 0; i < share::rejection_count; ++i)
      rej[std::string(share::to_string(share::all_rejections[i]))] = c.hub_rejected_by_reason[i];
    nj["hub_rejected_by_reason"] = rej;
    nodes[std::string(to_string(n))] = nj;
  }
  j["nodes"] = nodes;
  return j;
}

}  // namespace

std::string summary_json(const Scenario& s, const ExerciseResult& r, const RunOutput& national,
                         const RunOutput& trilateral, double wall_s) {
  ordered_json j;
  j["scenario"] = s.name;
  j["description"] = s.description;
  j["start"] = geo::format_utc(s.start);
  j["seed"] = s.seed;
  j["duration_s"] = s.duration_s;
  j["wall_s"] = opt(wall_s);
  j["realtime_factor"] = wall_s > 0.0 ? opt(s.duration_s / wall_s, 1) : nullptr;
  j["false_threat_alerts"] = r.false_threat_alerts;
  ordered_json launches = ordered_json::array();
  for (const auto& lo : r.launches) {
    ordered_json l;
    l["id"] = lo.id;
    l["description"] = lo.description;
    l["launch_s"] = lo.launch_s;
    l["burnout_s"] = opt(lo.burnout_s);
    l["impact_s"] = opt(lo.impact_s);
    l["boost_seen"] = lo.boost_seen;
    ordered_json tn = ordered_json::object(), tt = ordered_json::object();
    ordered_json gain = ordered_json::object(), gains = ordered_json::object();
    ordered_json over = ordered_json::object(), threatened = ordered_json::object();
    ordered_json bound = ordered_json::object();
    ordered_json mn = ordered_json::object(), mt = ordered_json::object();
    for (const auto& no : lo.nations) {
      const std::string n(to_string(no.nation));
      tn[n] = times_json(no.national);
      tt[n] = times_json(no.trilateral);
      gain[n] = opt(no.sharing_gain_s);
      ordered_json g = ordered_json::object();
      for (std::size_t i = 0; i < timeline_events.size(); ++i) {
        const auto& a = no.national[i];
        const auto& b = no.trilateral[i];
        g[std::string(timeline_events[i]) + "_s"] = a && b ? opt(*a - *b) : ordered_json(nullptr);
      }
      gains[n] = g;
      over[n] = opt(no.overflight_s);
      threatened[n] = no.truly_threatened;
      bound[n] = opt(no.first_track_bound_s);
      mn[n] = metrics_json(no.national_metrics);
      mt[n] = metrics_json(no.trilateral_metrics);
    }
    l["timeline"] = {{"national", tn}, {"trilateral", tt}};
    l["sharing_gain_s"] = gain;
    l["gains_s"] = gains;
    l["first_track_bound_s"] = bound;
    l["truth_overflight_s"] = over;
    l["truly_threatened"] = threatened;
    l["metrics"] = {{"national", mn}, {"trilateral", mt}};
    l["space"] = {{"first_visible_s", opt(lo.space.first_visible_s)},
                  {"first_plot_s", opt(lo.space.first_plot_s)},
                  {"first_track_s", opt(lo.space.first_track_s)},
                  {"launch_report_s", opt(lo.space.launch_report_s)},
                  {"launch_point_error_m", opt(lo.space.launch_point_error_m)},
                  {"launch_time_error_s", opt(lo.space.launch_time_error_s)},
                  {"settled_report_s", opt(lo.space.settled_report_s)},
                  {"settled_launch_point_error_m", opt(lo.space.settled_launch_point_error_m)}};
    launches.push_back(l);
  }
  j["launches"] = launches;
  ordered_json threats = ordered_json::array();
  for (const auto& t : r.threat_alerts) {
    ordered_json a;
    a["run"] = std::string(to_string(t.mode));
    a["nation"] = std::string(to_string(t.nation));
    a["source"] = t.source;
    a["t_s"] = opt(t.t_s);
    a["launch"] = t.launch ? ordered_json(*t.launch) : ordered_json(nullptr);
    a["areas"] = t.areas;
    a["false"] = t.false_alert;
    threats.push_back(a);
  }
  j["threat_alerts"] = threats;
  j["warning"] = {{"national", warning_json(r.national_warning)},
                  {"trilateral", warning_json(r.trilateral_warning)}};
  j["runs"] = {{"national", run_json(national)}, {"trilateral", run_json(trilateral)}};
  return j.dump(2) + "\n";
}

std::string timeline_text(const ExerciseResult& r) {
  std::string out;
  const auto cell = [](const std::optional<double>& v) {
    return v ? "T+" + fixed(*v, 1) : std::string("never");
  };
  for (const auto& lo : r.launches) {
    out += lo.id + " (" + lo.description + "): burnout T+" + fixed(lo.burnout_s, 1) +
           " s, impact T+" + fixed(lo.impact_s, 1) + " s\n";
    if (lo.space.first_visible_s || lo.space.first_plot_s) {
      const auto& sp = lo.space;
      out += "  space: plume visible " + cell(sp.first_visible_s) + ", first plot " +
             cell(sp.first_plot_s) + ", first track " + cell(sp.first_track_s) + ", launch point " +
             (sp.launch_point_error_m ? fixed(*sp.launch_point_error_m / 1e3, 2) + " km off at " +
                                            cell(sp.launch_report_s)
                                      : std::string("never")) +
             (sp.settled_launch_point_error_m
                  ? ", " + fixed(*sp.settled_launch_point_error_m / 1e3, 2) + " km at " +
                        cell(sp.settled_report_s)
                  : std::string()) +
             "\n";
    }
    for (const auto& no : lo.nations) {
      out += "  " + std::string(to_string(no.nation)) + "  alone -> shared\n";
      for (std::size_t i = 0; i < timeline_events.size(); ++i) {
        std::string line = "    " + std::string(timeline_events[i]);
        line.resize(30, ' ');
        out += line + cell(no.national[i]) + " -> " + cell(no.trilateral[i]);
        if (no.national[i] && no.trilateral[i] && *no.national[i] - *no.trilateral[i] > 0.05)
          out += "  (" + fixed(*no.national[i] - *no.trilateral[i], 1) + " s earlier)";
        else if (!no.national[i] && no.trilateral[i])
          out += "  (only with sharing)";
        out += "\n";
      }
      if (no.overflight_s)
        out += "    overflight (truth)        T+" + fixed(*no.overflight_s, 1) + "\n";
      out += "    accuracy                  " + accuracy_text(no.national_metrics) + " -> " +
             accuracy_text(no.trilateral_metrics) + "\n";
    }
  }
  out += "threat alerts: " + std::to_string(r.threat_alerts.size()) +
         ", false: " + std::to_string(r.false_threat_alerts) + "\n";
  return out;
}

}  // namespace trilink::exports
