// The live runtime's commands (docs/live.md): `trilink pki init`, `trilink hub`, `trilink node`,
// `trilink radar`, each one node of the live network on Cyclone DDS with DDS Security, and
// `trilink live`, which starts the whole network on this machine (one process per node, per
// radar and per infrared satellite, loopback, security on), runs a scenario and writes
// summary.json, recording.db (merged from the nodes' recordings) and report.html as `trilink
// exercise` does. Also `trilink probe` and `trilink inject`, a listening or writing participant for
// the tests. `trilink node|hub --serve ADDR:PORT` serves the picture as it reaches that
// process to a browser (cop/server.hpp): a node's nation's picture, or the hub's releases to every
// nation; `--cot-listen ADDR:PORT` one nation's picture as Cursor-on-Target to TAK clients (TCP);
// `trilink live --serve PORT` passes --serve to the hub and every national node. Bad input
// (deployment file, missing certificate, scenario) exits 2 with one line naming the file and field;
// SIGINT/SIGTERM stops a node cleanly (its recording committed), exit 0.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/commands.hpp"
#include "app/interrupt.hpp"
#include "app/output_files.hpp"
#include "base/text.hpp"
#include "bus/live.hpp"
#include "cop/server.hpp"
#include "eval/analysis.hpp"
#include "export/front_end.hpp"
#include "export/interchange.hpp"
#include "export/picture.hpp"
#include "export/summary.hpp"
#include "io/areas_file.hpp"
#include "io/deploy_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "record/codec.hpp"
#include "record/recorder.hpp"
#include "record/replay.hpp"

namespace trilink::app {

namespace fs = std::filesystem;

namespace {

// A working folder removed when it goes out of scope (it may hold private keys).
struct RemovedAtExit {
  fs::path path;
  ~RemovedAtExit() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct NodeOptions {
  std::string deploy, scenario, radar, nation;
  double speed = 1.0;
  std::optional<double> start_at;  // unix seconds of scenario start
  std::optional<double> until_s;
  std::string ready_file, start_file;
  double start_timeout_s = 60.0;  // how long the start file is waited for once ready
  bool relay = false;             // hub: the bare relay of bench live
  bool resume = false;
  std::string serve;       // node, hub: serve the picture on this ADDR:PORT (or PORT: loopback)
  std::string cot_listen;  // node, hub: the CoT stream on this ADDR:PORT (or PORT: loopback)
  std::string cot_nation;  // hub: whose picture the CoT stream carries (default USA)
  bool no_space = false;   // the scenario without its infrared satellites
};

struct Loaded {
  io::Deployment deploy;
  scenario::Scenario scenario;
  share::Policy policy;
  std::vector<warn::ProtectedArea> areas;
};

Expected<Loaded> load_all(const std::string& deploy, const std::string& scenario_override,
                          io::ShapeLaunches shaping, bool no_space) {
  auto d = io::load_deployment(deploy);
  if (!d) return std::unexpected(d.error());
  const std::string sp = scenario_override.empty() ? d->scenario : scenario_override;
  if (sp.empty()) return fail(deploy + ": scenario", "missing (or give --scenario)");
  auto s = io::load_scenario(sp, std::nullopt, shaping);
  if (!s) return std::unexpected(s.error());
  if (no_space) s->satellites.clear();
  auto p = io::load_policy(d->policy.empty() ? s->policy_path : d->policy, s->network);
  if (!p) return std::unexpected(p.error());
  auto a = io::load_areas_geojson(s->area_paths);
  if (!a) return std::unexpected(a.error());
  return Loaded{std::move(*d), std::move(*s), std::move(*p), std::move(*a)};
}

bus::ScenarioClock clock_for(const scenario::Scenario& s, const NodeOptions& o) {
  bus::ScenarioClock c;
  c.scenario_start = s.start;
  c.speed = o.speed;
  if (o.start_at) {
    c.start_at_unix_ns = static_cast<std::int64_t>(std::llround(*o.start_at * 1e9));
  } else {
    // Real time: the scenario starts now.
    c.start_at_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  }
  return c;
}

void add_node_options(CLI::App* cmd, const std::shared_ptr<NodeOptions>& o) {
  cmd->add_option("--deploy", o->deploy, "deployment file (deploy/*.yaml)")->required();
  cmd->add_option("--scenario", o->scenario, "scenario (default: the deployment's)");
  cmd->add_option("--speed", o->speed, "scenario seconds per wall second")
      ->check(CLI::Range(0.01, 1000.0));
  cmd->add_option("--start-at", o->start_at,
                  "wall time (Unix seconds) of the scenario's start, the same on every host "
                  "(default: now)");
  cmd->add_option("--until", o->until_s, "stop by itself at this scenario time (s)");
  cmd->add_option("--ready-file", o->ready_file,
                  "create this file once connected to the peers (trilink live)");
  cmd->add_option("--start-file", o->start_file,
                  "then wait for this file: the scenario's start (Unix seconds; trilink live)");
  cmd->add_option("--start-timeout", o->start_timeout_s,
                  "give up when no start file came this many seconds after being ready "
                  "(default 60)")
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_flag("--no-space", o->no_space,
                "without the scenario's infrared satellites (every process of a run alike)");
}

// Runs one node process: hub, node or radar.
void run_one(const std::string& what, const NodeOptions& o, int& exit_code) {
  // The hub needs the scenario's network and areas, not its flights.
  auto loaded =
      load_all(o.deploy, o.scenario, what == "hub" ? io::ShapeLaunches::no : io::ShapeLaunches::yes,
               o.no_space);
  const auto bad = [&](const Error& e, int code) {
    std::cerr << "trilink " << what << ": " << e.message() << "\n";
    exit_code = code;
  };
  if (!loaded) return bad(loaded.error(), 2);
  if (o.resume && !o.start_at)
    return bad(Error{"--resume", "needs --start-at: the running network's scenario clock"}, 2);
  const Interrupts interrupts;
  bus::LiveInputs in;
  in.deploy = &loaded->deploy;
  in.scenario = &loaded->scenario;
  in.policy = &loaded->policy;
  in.areas = loaded->areas;
  in.clock = clock_for(loaded->scenario, o);
  in.stop = &interrupts.stop();
  in.until_s = o.until_s;
  in.resume = o.resume;
  in.ready_file = o.ready_file;
  in.start_file = o.start_file;
  in.start_timeout_s = o.start_timeout_s;
  in.relay = o.relay;
  in.log = [&](const std::string& s) { std::cerr << "trilink " << what << ": " << s << "\n"; };
  // --serve: the picture as it reaches this process (cop/server.hpp, a live feed): a node's,
  // its own nation's only; the hub's, every nation's. --cot-listen: one nation's picture as CoT
  // (the node's; the hub's release to --cot-nation). Both bound before the node joins DDS.
  std::unique_ptr<cop::Server> server;
  if (!o.serve.empty() || !o.cot_listen.empty()) {
    std::vector<Nation> nations(all_nations.begin(), all_nations.end());
    cop::ServeOptions options;
    if (!o.serve.empty()) {
      const auto listen = parse_listen(o.serve, "--serve");
      if (!listen) return bad(listen.error(), 2);
      options.host = listen->first;
      options.port = listen->second;
    }
    if (!o.cot_listen.empty()) {
      const auto cot = parse_listen(o.cot_listen, "--cot-listen");
      if (!cot) return bad(cot.error(), 2);
      options.cot = *cot;
    }
    Nation cot_nation = Nation::USA;
    if (what == "node") {
      const auto n = parse_nation(o.nation);
      if (!n) return bad(Error{"--nation", "expected USA, JPN or KOR, got '" + o.nation + "'"}, 2);
      nations = {*n};
      options.nation = cot_nation = *n;
    } else if (!o.cot_nation.empty()) {
      const auto n = parse_nation(o.cot_nation);
      if (!n)
        return bad(Error{"--cot-nation", "expected USA, JPN or KOR, got '" + o.cot_nation + "'"},
                   2);
      cot_nation = *n;
    }
    const auto coast = io::load_geojson_rings(loaded->scenario.coastline_path);
    if (!coast) return bad(coast.error(), 2);
    const geo::UtcTime start = loaded->scenario.start;
    // The served clock is the scenario's: set again when the handshake gives the start.
    const auto start_at_ns = std::make_shared<std::atomic<std::int64_t>>(in.clock.start_at_unix_ns);
    const auto served_now_s = [clock = in.clock, start_at_ns, start] {
      bus::ScenarioClock c = clock;
      c.start_at_unix_ns = start_at_ns->load();
      return c.now().seconds_since(start);
    };
    server = std::make_unique<cop::Server>(
        cop::live_feed(exports::picture_head(loaded->scenario, loaded->areas, *coast), nations,
                       served_now_s, o.speed),
        options);
    in.started = [&server, start_at_ns](const bus::ScenarioClock& c) {
      start_at_ns->store(c.start_at_unix_ns);
      server->clock_changed();
    };
    const std::string whose = options.nation
                                  ? std::string(to_string(*options.nation)) + "'s picture"
                                  : std::string("every nation's picture");
    if (!o.serve.empty()) {
      const auto port = server->bind();
      if (!port) return bad(Error{"--serve " + port.error().where, port.error().what}, 2);
      std::cerr << "trilink " << what << ": serving http://" << options.host << ":" << *port
                << "/ (" << whose << ")" << std::endl;
    }
    if (options.cot) {
      const auto port = server->bind_cot();
      if (!port) return bad(Error{"--cot-listen " + port.error().where, port.error().what}, 2);
      std::cerr << "trilink " << what << ": cot stream on tcp://" << options.cot->first << ":"
                << *port << "/ (" << to_string(cot_nation) << "'s picture)" << std::endl;
    }
    const bool cot = options.cot.has_value();
    in.picture = [&server, start, cot, cot_nation, stream = std::make_shared<exports::CotStream>()](
                     geo::UtcTime now, Nation n, const share::Message& m) {
      const double t_s = now.seconds_since(start);
      server->append(cop::Feed::Event{t_s, n, exports::event_json({t_s, "live", n, &m}).dump()});
      if (!cot || n != cot_nation) return;
      if (auto e = stream->take(m))
        server->append(cop::Feed::Cot{t_s, e->stale.seconds_since(start), std::move(e->uid),
                                      std::move(e->xml)});
    };
  }
  std::atomic<int> stopped = 0;  // the node has stopped: so does its server
  std::thread serving;
  if (server) serving = std::thread([&] { server->run(&stopped); });
  Expected<bus::LiveReport> r = fail("", "");
  if (what == "hub") {
    r = bus::run_hub(in);
  } else if (what == "node") {
    const auto n = parse_nation(o.nation);
    if (!n) return bad(Error{"--nation", "expected USA, JPN or KOR, got '" + o.nation + "'"}, 2);
    r = bus::run_node(in, *n);
  } else {
    r = bus::run_radar(in, o.radar);
  }
  stopped = 1;
  if (serving.joinable()) serving.join();
  if (!r) return bad(r.error(), 2);
  std::cerr << "trilink " << what << ": " << r->name << " stopped"
            << (interrupts.received() ? std::string(" (") + interrupts.name() + ")" : "")
            << ": received " << r->received << ", sent " << r->sent
            << (r->recording.empty() ? "" : ", recording " + r->recording) << "\n";
}

// --- trilink live ----------------------------------------------------------------------------

struct Child {
  std::string name;
  pid_t pid = -1;
  int status = 0;
  bool done = false;
};

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  _exit(127);
}

// Waits for the children until `deadline`; true when all have ended.
bool reap(std::vector<Child>& children, std::chrono::steady_clock::time_point deadline,
          const Interrupts* interrupts) {
  for (;;) {
    bool all = true;
    for (auto& c : children) {
      if (c.done) continue;
      if (waitpid(c.pid, &c.status, WNOHANG) == c.pid)
        c.done = true;
      else
        all = false;
    }
    if (all) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (interrupts && interrupts->received()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// "exit N" or "signal N".
std::string exit_text(int status) {
  return WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                           : "signal " + std::to_string(WTERMSIG(status));
}

// The last non-empty line of a process's log (holding `from`, and from there on, when given).
std::string last_line(const fs::path& log, const std::string& from = "") {
  std::ifstream f(log);
  std::string line, last;
  while (std::getline(f, line))
    if (!line.empty() && line.find(from) != std::string::npos) last = line.substr(line.find(from));
  return last;
}

void stop_children(std::vector<Child>& children) {
  for (auto& c : children)
    if (!c.done) kill(c.pid, SIGTERM);
  if (!reap(children, std::chrono::steady_clock::now() + std::chrono::seconds(10), nullptr)) {
    for (auto& c : children)
      if (!c.done) kill(c.pid, SIGKILL);
    reap(children, std::chrono::steady_clock::now() + std::chrono::seconds(5), nullptr);
  }
}

// The nodes' recordings merged into one (events in time order, releases with their messages).
Expected<void> merge_recordings(const std::vector<std::string>& inputs, const std::string& out) {
  struct Ev {
    record::LinkEvent e;
    std::size_t file;
    std::int64_t id;
  };
  std::vector<Ev> all;
  std::vector<std::vector<record::RecordedRelease>> releases;
  for (std::size_t f = 0; f < inputs.size(); ++f) {
    auto evs = record::read_all(inputs[f]);
    if (!evs) return std::unexpected(evs.error());
    for (auto& x : *evs) all.push_back(Ev{std::move(x.event), f, x.id});
    auto rel = record::read_releases(inputs[f]);
    if (!rel) return std::unexpected(rel.error());
    releases.push_back(std::move(*rel));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Ev& a, const Ev& b) { return a.e.time() < b.e.time(); });
  std::map<std::pair<std::size_t, std::int64_t>, std::vector<const record::RecordedRelease*>> by;
  for (std::size_t f = 0; f < releases.size(); ++f)
    for (const auto& r : releases[f])
      if (r.message_id) by[{f, *r.message_id}].push_back(&r);
  auto rec = record::Recorder::open(out);
  if (!rec) return std::unexpected(rec.error());
  for (const auto& x : all) {
    auto row = rec->record(x.e);
    if (!row) return std::unexpected(row.error());
    if (auto it = by.find({x.file, x.id}); it != by.end())
      for (const auto* r : it->second)
        if (auto ok = rec->record(r->release, *row); !ok) return std::unexpected(ok.error());
  }
  return rec->finish();
}

// A deployment's domain by name: JPN, KOR, USA, link_JPN, link_KOR or link_USA.
Expected<int> domain_named(const io::Deployment& d, const std::string& name) {
  for (Nation n : all_nations) {
    if (name == to_string(n) && d.nation_domains.contains(n)) return d.nation_domains.at(n);
    if (name == "link_" + std::string(to_string(n)) && d.link_domains.contains(n))
      return d.link_domains.at(n);
  }
  return fail("--domain", "no domain '" + name + "' in " + d.path);
}

// A loopback deployment of its own for one run (domains apart from other runs on this machine,
// by process id) and its PKI, in `work`.
Expected<io::Deployment> run_deployment(const fs::path& work, const std::string& scenario,
                                        const std::string& policy, const scenario::Scenario& s) {
  io::Deployment d;
  d.path = (work / "deploy.yaml").string();
  d.scenario = fs::absolute(scenario).string();
  if (!policy.empty()) d.policy = fs::absolute(policy).string();
  d.interface = "127.0.0.1";
  d.peers = {"127.0.0.1"};
  d.heartbeat_s = 0.5;
  const int base = 1 + static_cast<int>(getpid() % 30) * 7;
  for (Nation n : all_nations) {
    d.nation_domains[n] = base + static_cast<int>(n);
    d.link_domains[n] = base + 3 + static_cast<int>(n);
  }
  d.security = true;
  d.pki = (work / "pki").string();
  d.recordings = (work / "rec").string();
  std::ofstream(d.path) << io::deployment_yaml(d);
  auto req = bus::pki_request(d, s);
  if (!req) return std::unexpected(req.error());
  if (auto ok = bus::pki_init(d.pki, *req); !ok) return std::unexpected(ok.error());
  return d;
}

}  // namespace

void add_live_commands(CLI::App& app, int& exit_code) {
  // trilink pki init DIR --deploy FILE
  {
    struct Options {
      std::string dir, deploy, scenario;
      int days = 365;
    };
    auto o = std::make_shared<Options>();
    auto* pki = app.add_subcommand("pki", "DDS Security credentials for a deployment");
    pki->require_subcommand(1);
    auto* init = pki->add_subcommand(
        "init", "CAs, identity certificates, signed governance and permissions (OpenSSL)");
    init->add_option("dir", o->dir, "output folder (keys inside: never commit it)")->required();
    init->add_option("--deploy", o->deploy, "deployment file naming domains")->required();
    init->add_option("--scenario", o->scenario, "scenario naming the nodes and radars");
    init->add_option("--days", o->days, "validity of the certificates")->check(CLI::Range(1, 3650));
    init->callback([o, &exit_code] {
      auto loaded = load_all(o->deploy, o->scenario, io::ShapeLaunches::no, false);
      if (!loaded) {
        std::cerr << "trilink pki init: " << loaded.error().message() << "\n";
        exit_code = 2;
        return;
      }
      auto req = bus::pki_request(loaded->deploy, loaded->scenario);
      if (req) req->validity_days = o->days;
      auto ok = req ? bus::pki_init(o->dir, *req) : std::unexpected(req.error());
      if (!ok) {
        std::cerr << "trilink pki init: " << ok.error().message() << "\n";
        exit_code = 2;
        return;
      }
      std::cout << "pki: " << req->grants.size() << " identities in " << o->dir << "\n";
    });
  }
  // trilink hub | node | radar
  for (const std::string what : {"hub", "node", "radar"}) {
    auto o = std::make_shared<NodeOptions>();
    auto* cmd = app.add_subcommand(
        what, what == "hub"    ? "run the hub (INDOPACOM) on its link domains"
              : what == "node" ? "run a national node on its nation and link domains"
                               : "play one radar's (or infrared satellite's) simulated plots to "
                                 "its national node");
    add_node_options(cmd, o);
    if (what == "hub")
      cmd->add_flag("--relay", o->relay,
                    "bench live: relay each local track as a system track, no hub code");
    if (what == "node") cmd->add_option("--nation", o->nation, "USA, JPN or KOR")->required();
    if (what == "hub")
      cmd->add_flag("--resume", o->resume,
                    "restart: rebuild the hub's state from its recording and append to it");
    if (what == "node")
      cmd->add_flag("--resume", o->resume,
                    "restart: append to the node's recording (a new session: its tracks start "
                    "afresh, the hub ends the old ones)");
    if (what != "radar") {
      cmd->add_option("--serve", o->serve,
                      "serve the picture in a browser on ADDR:PORT, or PORT on loopback (the "
                      "node's: its nation's; the hub's: every nation's)");
      cmd->add_option("--cot-listen", o->cot_listen,
                      "a Cursor-on-Target stream for TAK clients (TCP) on ADDR:PORT, or PORT on "
                      "loopback: the node's nation's picture (the hub's: --cot-nation's)");
    }
    if (what == "hub")
      cmd->add_option("--cot-nation", o->cot_nation,
                      "whose released picture the hub's CoT stream carries (default USA)");
    if (what == "radar")
      cmd->add_option("--radar,--sensor", o->radar,
                      "the radar's or the infrared satellite's name in the scenario")
          ->required();
    cmd->callback([o, what, &exit_code] { run_one(what, *o, exit_code); });
  }
  // trilink probe / inject: test participants.
  {
    struct Options {
      std::string deploy, domain, identity = "none", topic = "NodeHealth";
      double seconds = 3.0;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "probe", "listen on one domain and topic as one identity; print what was received");
    cmd->add_option("--deploy", o->deploy, "deployment file")->required();
    cmd->add_option("--domain", o->domain, "JPN, KOR, USA, link_JPN, link_KOR or link_USA")
        ->required();
    cmd->add_option("--as", o->identity, "identity in the PKI folder, or none");
    cmd->add_option("--topic", o->topic, "topic name (LocalTrack, SystemTrack, ...)");
    cmd->add_option("--seconds", o->seconds, "how long to listen")->check(CLI::Range(0.1, 60.0));
    cmd->callback([o, &exit_code] {
      auto d = io::load_deployment(o->deploy);
      const auto bad = [&](const Error& e) {
        std::cerr << "trilink probe: " << e.message() << "\n";
        exit_code = 2;
      };
      if (!d) return bad(d.error());
      const auto dom = domain_named(*d, o->domain);
      if (!dom) return bad(dom.error());
      std::optional<bus::Topic> topic;
      for (auto t : bus::all_topics)
        if (bus::topic_name(t) == o->topic) topic = t;
      if (!topic) return bad(Error{"--topic", "unknown topic '" + o->topic + "'"});
      const Interrupts interrupts;
      auto r = bus::probe(*d, *dom, o->identity == "none" ? "" : o->identity, *topic, o->seconds,
                          &interrupts.stop());
      if (!r) return bad(r.error());
      nlohmann::ordered_json j;
      j["received"] = r->received;
      j["refused"] = r->refused ? nlohmann::ordered_json(*r->refused) : nullptr;
      if (r->matched_s) j["matched_s"] = *r->matched_s;
      if (!r->system_tracks.empty()) {
        auto& st = j["system_tracks"] = nlohmann::ordered_json::object();
        for (const auto& [id, a] : r->system_tracks)
          st[std::to_string(id)] = {{"arrived_s", a.arrived_s}, {"written_s", a.written_s}};
      }
      std::cout << j.dump() << "\n";
    });
  }
  // trilink inject: one message (the record codec's JSON) written on one domain as one identity.
  {
    struct Options {
      std::string deploy, domain, identity, message;
      double seconds = 20.0;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "inject", "write one message (record codec JSON) on one domain as one identity (tests)");
    cmd->add_option("--deploy", o->deploy, "deployment file")->required();
    cmd->add_option("--domain", o->domain, "JPN, KOR, USA, link_JPN, link_KOR or link_USA")
        ->required();
    cmd->add_option("--as", o->identity, "identity in the PKI folder")->required();
    cmd->add_option("--message", o->message, "file holding one message as JSON")->required();
    cmd->add_option("--seconds", o->seconds,
                    "how long to wait for a reader and its acknowledgement")
        ->check(CLI::Range(0.1, 60.0));
    cmd->callback([o, &exit_code] {
      const auto bad = [&](const Error& e, int code) {
        std::cerr << "trilink inject: " << e.message() << "\n";
        exit_code = code;
      };
      auto d = io::load_deployment(o->deploy);
      if (!d) return bad(d.error(), 2);
      const auto dom = domain_named(*d, o->domain);
      if (!dom) return bad(dom.error(), 2);
      std::ifstream f(o->message);
      if (!f) return bad(Error{o->message, "cannot read the message file"}, 2);
      const auto j = nlohmann::ordered_json::parse(f, nullptr, false);
      if (j.is_discarded()) return bad(Error{o->message, "not JSON"}, 2);
      const auto m = record::from_json(j);
      if (!m) return bad(Error{o->message + ": " + m.error().where, m.error().what}, 2);
      if (auto ok = bus::inject(*d, *dom, o->identity, *m, o->seconds); !ok)
        return bad(ok.error(), 1);
    });
  }
  // trilink live SCENARIO --out DIR
  {
    struct Options {
      std::string scenario, out, policy;
      double speed = 1.0;
      std::optional<double> duration_s;
      bool quiet = false;
      bool no_space = false;
      std::string serve;  // the hub's picture on PORT, each national node's on the next ports
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "live", "run a scenario on the live runtime: every node its own process, DDS Security");
    cmd->add_option("scenario", o->scenario, "scenario YAML file")->required();
    cmd->add_option("--out", o->out, "output directory")->required();
    cmd->add_option("--speed", o->speed, "scenario seconds per wall second")
        ->check(CLI::Range(0.01, 1000.0));
    cmd->add_option("--duration", o->duration_s, "stop the scenario at this time (s)")
        ->check(CLI::Range(1.0, 43200.0));
    cmd->add_option("--policy", o->policy, "releasability policy (default: the scenario's)");
    cmd->add_flag("--quiet", o->quiet, "print nothing but errors (and --serve's addresses)");
    cmd->add_flag("--no-space", o->no_space,
                  "without the scenario's infrared satellites (radars alone, to compare)");
    cmd->add_option("--serve", o->serve,
                    "serve the pictures in a browser while it runs: the hub's (every nation's) on "
                    "PORT (or ADDR:PORT), each national node's on the next ports (0: any free)");
    cmd->callback([o, &exit_code] {
      const auto started = std::chrono::steady_clock::now();
      const auto bad = [&](const Error& e, int code) {
        std::cerr << "trilink live: " << e.message() << "\n";
        exit_code = code;
      };
      auto scenario = io::load_scenario(o->scenario, std::nullopt);
      if (!scenario) return bad(scenario.error(), 2);
      if (o->no_space) scenario->satellites.clear();
      if (o->duration_s) scenario->duration_s = std::min(scenario->duration_s, *o->duration_s);
      auto policy =
          io::load_policy(o->policy.empty() ? scenario->policy_path : o->policy, scenario->network);
      if (!policy) return bad(policy.error(), 2);
      auto areas = io::load_areas_geojson(scenario->area_paths);
      if (!areas) return bad(areas.error(), 2);
      auto coast = io::load_geojson_rings(scenario->coastline_path);
      if (!coast) return bad(coast.error(), 2);
      std::optional<std::pair<std::string, int>> serve;
      if (!o->serve.empty()) {
        const auto listen = parse_listen(o->serve, "--serve");
        if (!listen) return bad(listen.error(), 2);
        serve = *listen;
        if (serve->second > 0 && serve->second + static_cast<int>(all_nations.size()) > 65535)
          return bad(Error{"--serve", "PORT and the " + std::to_string(all_nations.size()) +
                                          " ports after it must be at most 65535"},
                     2);
      }
      const Interrupts interrupts;
      OutputSet out(o->out);
      if (auto ok = out.open(); !ok) return bad(ok.error(), 2);
      // The run's deployment, credentials and node recordings: a private folder, removed at
      // the end (it holds private keys).
      const fs::path work =
          fs::temp_directory_path() / ("trilink-live-" + std::to_string(getpid()));
      fs::remove_all(work);
      fs::create_directories(work / "logs");
      const RemovedAtExit cleanup{work};
      auto made = run_deployment(work, o->scenario, o->policy, *scenario);
      if (!made) return bad(made.error(), 1);
      const io::Deployment& d = *made;
      const int base = d.nation_domains.at(Nation::USA);
      // Every process connects, says it is ready, and waits for the start time, which is
      // written once all are ready: the scenario starts on a connected network.
      fs::create_directories(work / "ready");
      const fs::path start_file = work / "start";
      const std::string self = "trilink";
      std::vector<std::string> common = {"--deploy",     d.path,
                                         "--speed",      fixed(o->speed, 6),
                                         "--until",      fixed(scenario->duration_s, 3),
                                         "--start-file", start_file.string()};
      if (o->no_space) common.push_back("--no-space");
      std::vector<Child> children;
      const auto launch = [&](const std::string& name, std::vector<std::string> args) {
        args.insert(args.begin(), self);
        args.insert(args.end(), common.begin(), common.end());
        args.push_back("--ready-file");
        args.push_back((work / "ready" / name).string());
        children.push_back(Child{name, spawn(args, work / "logs" / (name + ".log"))});
      };
      const auto& net = scenario->network;
      // --serve: the hub on PORT, the national nodes on the ports after it, in launch order.
      std::vector<std::string> served;
      const auto serving = [&](std::vector<std::string> args) {
        if (!serve) return args;
        const int port = serve->second == 0 ? 0 : serve->second + static_cast<int>(served.size());
        args.push_back("--serve");
        args.push_back(serve->first + ":" + std::to_string(port));
        return args;
      };
      if (net.hub()) {
        launch(net.hub()->name, serving({"hub"}));
        served.push_back(net.hub()->name);
      }
      std::vector<std::string> nodes;
      for (Nation n : all_nations) {
        const bool sensors =
            std::ranges::any_of(scenario->radars, [&](const auto& r) { return r.nation == n; }) ||
            std::ranges::any_of(scenario->satellites, [&](const auto& k) { return k.nation == n; });
        if (!net.node_of(n) || !sensors) continue;
        nodes.push_back(net.node_of(n)->name);
        launch(net.node_of(n)->name, serving({"node", "--nation", std::string(to_string(n))}));
        served.push_back(net.node_of(n)->name);
      }
      if (!serve) served.clear();
      for (const auto& r : scenario->radars)
        if (d.nation_domains.contains(r.nation)) launch(r.name, {"radar", "--radar", r.name});
      for (const auto& k : scenario->satellites)
        if (d.nation_domains.contains(k.nation)) launch(k.name, {"radar", "--sensor", k.name});
      if (!o->quiet)
        std::cerr << "trilink live: " << children.size() << " processes, domains " << base << ".."
                  << base + 5 << ", scenario " << fixed(scenario->duration_s, 0) << " s at "
                  << fixed(o->speed, 1) << "x\n";
      // The start: half a second after the last process is ready (or one ended, or a minute
      // passed).
      const auto ready_by = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<std::int64_t>(60'000));
      for (;;) {
        std::size_t ready = 0;
        for (const auto& c : children) ready += fs::exists(work / "ready" / c.name) ? 1 : 0;
        if (ready == children.size() || std::chrono::steady_clock::now() > ready_by ||
            interrupts.received())
          break;
        bool ended = false;
        for (auto& c : children)
          if (!c.done && waitpid(c.pid, &c.status, WNOHANG) == c.pid) c.done = ended = true;
        if (ended) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      // A process that ended before the start failed to start (a port in use, a missing
      // certificate): the run stops there, with its line (exit 2 when it was bad input).
      for (const auto& c : children)
        if (c.done && !interrupts.received()) {
          stop_children(children);
          const bool input = WIFEXITED(c.status) && WEXITSTATUS(c.status) == 2;
          return bad(Error{c.name, "did not start (" + exit_text(c.status) +
                                       "): " + last_line(work / "logs" / (c.name + ".log"))},
                     input ? 2 : 1);
        }
      // Where each picture is served: the line each process printed once it listened.
      for (const auto& name : served)
        std::cerr << "trilink live: " << name << " "
                  << last_line(work / "logs" / (name + ".log"), "serving ") << std::endl;
      const double start_at =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count() +
          0.5;
      {
        const fs::path tmp = work / "start.tmp";
        std::ofstream(tmp) << fixed(start_at, 6) << "\n";
        fs::rename(tmp, start_file);
      }
      if (!o->quiet)
        std::cerr << "trilink live: connected after "
                  << fixed(std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                               .count(),
                           1)
                  << " s; scenario starts\n";
      const double run_wall_s = 0.5 + scenario->duration_s / o->speed;
      const auto deadline =
          std::chrono::steady_clock::now() +
          std::chrono::milliseconds(static_cast<std::int64_t>((run_wall_s + 20.0) * 1000.0));
      const bool all_ended = reap(children, deadline, &interrupts);
      if (!all_ended) stop_children(children);
      if (interrupts.received()) {
        std::cerr << "trilink live: interrupted by " << interrupts.name() << "; nothing written to "
                  << o->out << "\n";
        exit_code = interrupts.exit_code();
        return;
      }
      // Then the national run (each nation alone) on the exercise runtime, for the comparison
      // (no network: the same in both runtimes). After the live run, not during it: it would
      // take a core from the live processes.
      const scenario::Simulation sim = scenario::simulate(*scenario);
      exercise::RunInputs ein;
      ein.scenario = &*scenario;
      ein.simulation = &sim;
      ein.policy = &*policy;
      ein.areas = *areas;
      ein.stop = &interrupts.stop();
      auto national = exercise::run_exercise(ein, exercise::Mode::national);
      if (!national) return bad(national.error(), 1);
      for (const auto& c : children)
        if (!WIFEXITED(c.status) || WEXITSTATUS(c.status) != 0)
          return bad(Error{c.name, "process failed (" + exit_text(c.status) +
                                       "): " + last_line(work / "logs" / (c.name + ".log"))},
                     1);
      // Merge the recordings, rebuild the trilateral run from them.
      std::vector<std::string> dbs;
      if (net.hub()) dbs.push_back((fs::path(d.recordings) / (net.hub()->name + ".db")).string());
      for (const auto& n : nodes) dbs.push_back((fs::path(d.recordings) / (n + ".db")).string());
      const std::string merged = out.staged("recording.db").string();
      if (auto ok = merge_recordings(dbs, merged); !ok) return bad(out.named_in_dir(ok.error()), 1);
      exercise::RunOutput tri;
      tri.mode = exercise::Mode::trilateral;
      auto events = record::read_all(merged);
      if (!events) return bad(out.named_in_dir(events.error()), 1);
      std::map<std::string, Nation> node_nation;
      for (Nation n : all_nations)
        if (net.node_of(n)) node_nation[net.node_of(n)->name] = n;
      // One-way latency per link (wall clock: the writer's source timestamp to the reader's
      // hand-over to its node, hold included), from the received events.
      std::map<std::string, std::vector<double>> latency_us;
      for (const auto& x : *events) {
        const auto& e = x.event;
        if (e.direction != record::Direction::received || !e.received ||
            e.link.ends_with(">display"))
          continue;
        const std::string link = e.link.substr(5);
        const bool radar = !link.starts_with("INDOPACOM>") && !link.ends_with(">INDOPACOM");
        latency_us[radar ? "radar>node" : link].push_back(e.received->seconds_since(e.sent) /
                                                          o->speed * 1e6);
      }
      for (auto& x : *events) {
        const auto& link = x.event.link;
        ++tri.events;
        if (!link.ends_with(">display")) continue;
        const std::string from = link.substr(5, link.size() - 5 - 8);  // "live:" ... ">display"
        auto it = node_nation.find(from);
        if (it == node_nation.end()) continue;
        tri.display.push_back(exercise::Observation{x.event.time().seconds_since(scenario->start),
                                                    it->second, std::move(x.event.message)});
      }
      std::stable_sort(tri.display.begin(), tri.display.end(),
                       [](const auto& a, const auto& b) { return a.t_s < b.t_s; });
      nlohmann::ordered_json processes = nlohmann::ordered_json::object();
      for (const auto& name : dbs) {
        const fs::path js = fs::path(name).replace_extension(".json");
        std::ifstream f(js);
        if (!f) continue;
        const auto j = nlohmann::ordered_json::parse(f, nullptr, false);
        if (j.is_discarded()) continue;
        processes[j.value("name", js.stem().string())] = j;
        tri.messages += j.value("sent", std::uint64_t{0});
        if (j.contains("hub")) {
          const auto& h = j["hub"];
          tri.hub.received = h.value("received", std::uint64_t{0});
          tri.hub.admitted = h.value("admitted", std::uint64_t{0});
          tri.hub.rejected = h.value("rejected", std::uint64_t{0});
          tri.hub.released = h.value("released", std::uint64_t{0});
          tri.hub.local_tracks = h.value("local_tracks", std::uint64_t{0});
          tri.hub.health = h.value("health", std::uint64_t{0});
          for (std::size_t i = 0; i < share::rejection_count; ++i)
            tri.hub_rejected[i] = j["gate_rejected"].value(
                std::string(share::to_string(share::all_rejections[i])), std::uint64_t{0});
        }
        if (j.contains("national")) {
          const auto it = node_nation.find(j.value("name", ""));
          if (it == node_nation.end()) continue;
          node::NationalNodeCounters c;
          const auto& n = j["national"];
          c.looks = n.value("looks", std::uint64_t{0});
          c.plots = n.value("plots", std::uint64_t{0});
          c.plots_rejected = n.value("plots_rejected", std::uint64_t{0});
          c.tracks_reported = n.value("tracks_reported", std::uint64_t{0});
          c.hub_admitted = n.value("hub_admitted", std::uint64_t{0});
          c.hub_rejected = n.value("hub_rejected", std::uint64_t{0});
          for (std::size_t i = 0; i < share::rejection_count; ++i)
            c.hub_rejected_by_reason[i] = j["gate_rejected"].value(
                std::string(share::to_string(share::all_rejections[i])), std::uint64_t{0});
          tri.nodes[it->second] = c;
        }
      }
      const eval::ExerciseResult result = eval::analyse(*scenario, sim, *areas, *national, tri);
      out.file("report.html") << exports::page_with_picture(
          exports::report_picture(*scenario, *areas, *coast, result, *national, tri, sim.ir_plots)
              .dump());
      const double wall_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      out.file("summary.json") << exports::summary_json(*scenario, result, *national, tri, wall_s);
      nlohmann::ordered_json live;
      live["runtime"] = "live";
      live["speed"] = o->speed;
      live["domains"] = {base, base + 5};
      auto& lat = live["latency_us"] = nlohmann::ordered_json::object();
      for (auto& [link, v] : latency_us) {
        std::sort(v.begin(), v.end());
        const auto q = [&](double p) {
          return v[std::min(v.size() - 1,
                            static_cast<std::size_t>(p * static_cast<double>(v.size())))];
        };
        lat[link] = {{"samples", v.size()},
                     {"p50", std::round(q(0.5))},
                     {"p99", std::round(q(0.99))},
                     {"max", std::round(v.back())}};
      }
      live["processes"] = processes;
      out.file("live.json") << live.dump(2) << "\n";
      if (auto ok = out.commit(); !ok) return bad(ok.error(), 2);
      if (!o->quiet)
        std::cout << "scenario " << scenario->name << " (live, " << fixed(o->speed, 1) << "x)\n"
                  << exports::timeline_text(result)
                  << "summary: " << (fs::path(o->out) / "summary.json").string()
                  << "\nrecording: " << (fs::path(o->out) / "recording.db").string() << "\n";
    });
  }
  // trilink bench live: the hub's added latency and throughput with security on, loopback
  // (BENCHMARKS.md, docs/live.md).
  CLI::App* bench = nullptr;
  try {
    bench = app.get_subcommand("bench");
  } catch (const CLI::OptionNotFound&) {
    bench = app.add_subcommand("bench", "benchmarks");
  }
  {
    struct Options {
      std::string scenario = "scenarios/f08.yaml";
      std::vector<double> rates = {10, 100, 1000};
      double seconds = 3.0;
      std::uint64_t live_tracks = 1000;
      double burst_seconds = 3.0;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = bench->add_subcommand(
        "live", "hub added latency and throughput on DDS with security: JADGE writes, KAMD reads");
    cmd->add_option("--scenario", o->scenario, "scenario naming the network");
    cmd->add_option("--rates", o->rates, "local tracks per second, each rate in turn")
        ->delimiter(',');
    cmd->add_option("--seconds", o->seconds, "seconds per rate")->check(CLI::Range(0.5, 60.0));
    cmd->add_option("--live-tracks", o->live_tracks, "the throughput run's picture")
        ->check(CLI::Range(1, 20000));
    cmd->add_option("--burst-seconds", o->burst_seconds,
                    "the throughput run's burst (0: no throughput run)")
        ->check(CLI::Range(0.0, 60.0));
    cmd->callback([o, &exit_code] {
      const auto bad = [&](const Error& e, int code) {
        std::cerr << "trilink bench live: " << e.message() << "\n";
        exit_code = code;
      };
      auto scenario = io::load_scenario(o->scenario, std::nullopt);
      if (!scenario) return bad(scenario.error(), 2);
      for (double r : o->rates)
        if (!(r >= 1.0 && r <= 5000.0)) return bad(Error{"--rates", "each in 1..5000"}, 2);
      const fs::path work =
          fs::temp_directory_path() / ("trilink-bench-live-" + std::to_string(getpid()));
      fs::remove_all(work);
      fs::create_directories(work);
      const RemovedAtExit cleanup{work};
      auto d = run_deployment(work, o->scenario, "", *scenario);
      if (!d) return bad(d.error(), 1);
      const Interrupts interrupts;
      // Each run against a hub process of its own (started now, on the bench's clock); its
      // report (INDOPACOM.json) once it has stopped.
      const auto against = [&](const std::string& name, bool relay, const auto& run) {
        const double start_at =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        std::vector<std::string> args = {"trilink", "hub",        "--deploy",
                                         d->path,   "--start-at", fixed(start_at, 6)};
        if (relay) args.push_back("--relay");
        std::vector<Child> hub{Child{name, spawn(args, work / (name + ".log"))}};
        bus::ScenarioClock clock;
        clock.scenario_start = scenario->start;
        clock.start_at_unix_ns = static_cast<std::int64_t>(std::llround(start_at * 1e9));
        auto result = run(clock);
        stop_children(hub);
        std::ifstream f(fs::path(d->recordings) / "INDOPACOM.json");
        return std::pair(std::move(result), nlohmann::ordered_json::parse(f, nullptr, false));
      };
      auto [bare, bare_report] = against("relay", true, [&](const bus::ScenarioClock& c) {
        return bus::bench_live(*d, c, o->rates, o->seconds, &interrupts.stop());
      });
      if (!bare) return bad(bare.error(), 1);
      auto [hubbed, hub_report] = against("hub", false, [&](const bus::ScenarioClock& c) {
        return bus::bench_live(*d, c, o->rates, o->seconds, &interrupts.stop());
      });
      if (!hubbed) return bad(hubbed.error(), 1);
      nlohmann::ordered_json j;
      j["benchmark"] =
          "live hub: added latency (JADGE write -> hub -> KAMD arrival, minus the same path "
          "through a bare relay) and throughput, loopback";
      j["security"] = true;
      const auto quantiles = [](const bus::BenchPoint& p) {
        return nlohmann::ordered_json{{"released", p.released},
                                      {"p50_us", std::round(p.p50_us)},
                                      {"p99_us", std::round(p.p99_us)},
                                      {"p999_us", std::round(p.p999_us)},
                                      {"max_us", std::round(p.max_us)}};
      };
      auto& pts = j["points"] = nlohmann::ordered_json::array();
      for (std::size_t i = 0; i < hubbed->size() && i < bare->size(); ++i) {
        const auto &h = (*hubbed)[i], &b = (*bare)[i];
        pts.push_back({{"rate_per_s", h.rate_per_s},
                       {"written", h.written},
                       {"hub", quantiles(h)},
                       {"bare_relay", quantiles(b)},
                       {"added_p50_us", std::round(h.p50_us - b.p50_us)},
                       {"added_p99_us", std::round(h.p99_us - b.p99_us)},
                       {"added_p999_us", std::round(h.p999_us - b.p999_us)}});
      }
      for (const char* key : {"hub_processing_us", "hub_tick_us", "hub_tick_step_us"})
        if (!hub_report.is_discarded() && hub_report.contains(key)) j[key] = hub_report[key];
      // Throughput: the hub, then the bare relay (what DDS with security carries on this
      // machine from one writer, the ceiling for the hub's figure).
      for (const bool relay : {false, true}) {
        if (o->burst_seconds <= 0) break;
        auto [tp, tp_report] = against(
            relay ? "relay_throughput" : "throughput", relay, [&](const bus::ScenarioClock& c) {
              return bus::bench_throughput(*d, c, o->live_tracks, o->burst_seconds,
                                           &interrupts.stop());
            });
        if (!tp) return bad(tp.error(), 1);
        auto& t = j["throughput"][relay ? "bare_relay" : "hub"];
        t["live_tracks"] = tp->live_tracks;
        t["updates_written"] = tp->updates;
        t["burst_s"] = std::round(tp->write_s * 1e3) / 1e3;
        t["written_per_s"] = std::round(static_cast<double>(tp->updates) / tp->write_s);
        t["caught_up_s"] = std::round(tp->caught_up_s * 1e3) / 1e3;
        if (tp_report.is_discarded()) continue;
        // Updates taken: every local track the hub admitted (the relay received) but the
        // picture's and the two new ones.
        const auto taken = relay ? tp_report["received"].get<std::uint64_t>()
                                 : tp_report["hub"]["local_tracks"].get<std::uint64_t>();
        const auto updates = taken - std::min(taken, tp->live_tracks + 2);
        t["updates_taken"] = updates;
        t["taken_per_s"] = std::round(static_cast<double>(updates) / tp->caught_up_s);
        if (relay) continue;
        t["gate_rejected"] = tp_report["gate_rejected"];
        for (const char* key : {"hub_message_us", "hub_tick_us", "hub_tick_step_us"})
          if (tp_report.contains(key)) t[key] = tp_report[key];
        // The hub's thread alone, per local track that released nothing (an update: the
        // gatekeeper, fusion, its recording queued): mean time and local tracks a second.
        if (tp_report.contains("hub_message_us") && tp_report.contains("hub_processing_us")) {
          const auto total = [&](const char* key) {
            const auto& q = tp_report[key];
            return std::pair(q["mean"].get<double>() * q["samples"].get<double>(),
                             q["samples"].get<double>());
          };
          const auto [all_us, all_n] = total("hub_message_us");
          const auto [released_us, released_n] = total("hub_processing_us");
          if (all_n > released_n) {
            const double per_update_us = (all_us - released_us) / (all_n - released_n);
            t["hub_thread_us_per_update"] = std::round(per_update_us * 100) / 100;
            t["hub_thread_updates_per_s"] = std::round(1e6 / per_update_us);
          }
        }
      }
      std::cout << j.dump(2) << "\n";
    });
  }
}

}  // namespace trilink::app
