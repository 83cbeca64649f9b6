// Faults on the live runtime (docs/live.md, "Faults"), in network namespaces the test makes and
// removes: the hub in one (a bridge, hub0, 198.51.100.1/24), each nation in its own (uplink,
// 198.51.100.2-4) joined to the hub's bridge by a veth pair, the bridge's ports isolated from
// each other so a nation reaches the hub only. Every participant names its namespace interface
// and runs with multicast off. One run of the salvo scenario (four missiles within two
// minutes; three system tracks by T+115 s) in real time, security on, with its faults at fixed
// scenario times:
//  (b) T+120 s the hub SIGKILLed, restarted with --resume 0.5 s (wall) later: every nation gets
//      the same system-track ids for the same nations' tracks, its picture rebuilt within 2 s,
//      and no launch alerted again;
//  (a) T+135 s to T+165 s Japan's link down (its veth at the hub's end): Japan's picture is
//      whole again within 1 s (wall) of the restore (2 s when Cyclone resends a lost handshake
//      message: kHandshakeResend_s), and no release sent after it is lost (but for those a
//      newer one of the same track superseded before the link matched again);
//      Japan's node reports its hub link down in its own health while cut (the hub's heartbeats
//      missed their 1 s deadline), up again after, and the hub Japan's link in its heartbeats
//      to Korea (Japan's heartbeats missed theirs);
//  (c) T+175 s a late joiner on Korea's link (KAMD's identity) gets the current picture at once:
//      every system track from the hub's TRANSIENT_LOCAL history, written before it matched;
//  (d) T+95 s Korea's node SIGKILLed, restarted with --resume 0.5 s (wall) later: its recording
//      keeps what it had (the new session appended), it has the hub's picture again within 2 s,
//      and its new tracks (numbered afresh) join the system tracks its missiles had.
// The run serves the three tests (a ctest of its own: about 4 minutes). It needs root (ip netns);
// without it the tests skip, saying so.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "io/deploy_file.hpp"
#include "io/scenario_file.hpp"
#include "record/replay.hpp"
#include "test_paths.hpp"

namespace trilink {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Scenario seconds per wall second: real time, so that the cut lasts 30 s on the wall, past the
// participants' 10 s lease (at 5x it lasted 6 s, and they never lost each other): Japan and the
// hub discover each other and shake hands again after the restore (Deployment::announce_s:
// within 0.5 s). Release, session 23: Japan whole 0.25-0.38 s after the restore, nothing lost
// (3.8 s in two of three runs with Cyclone's own 8 s announcements); every nation's picture
// 0.63-0.74 s after the hub's restart (three runs).
constexpr double kSpeed = 1.0;
// A security handshake message that its peer drops (it arrived before the peer had discovered
// its sender) is sent again after 1 s: RESEND_TIMEOUT and RETRY_TIMEOUT, compiled into
// Cyclone's ddsi_handshake.c, not configurable. A restore whose first handshake message was
// dropped is whole about 1.2 s after it (1.20 s and 1.18 s in two of the nine Release runs
// whose figure was kept, sessions 29-30; the others 0.14-0.80 s): the bound allows one such
// resend.
constexpr double kHandshakeResend_s = 1.0;
// The wall-time bounds (1 s to rebuild after the restore, 2 s after the restart) are for a
// Release build; under AddressSanitizer (./run check) every process runs slower: start-up and
// the restore tripled there (a margin; the restore measured 0.26-0.35 s there), the restart
// eightfold: the restarted hub's replay of its recording, all CPU, measured 10.7x slower
// (0.48 -> 5.15 s for ~420 messages; 6.4 s in another run) and every nation's picture whole
// 4.7-7.2 s after the restart (session 23, three runs).
#if defined(__SANITIZE_ADDRESS__)
constexpr double kSlower = 3.0, kSlowerRestart = 8.0;
#else
constexpr double kSlower = 1.0, kSlowerRestart = 1.0;
#endif
constexpr const char* kScenario = "salvo.yaml";
constexpr double kUntil = 185.0;
constexpr double kKill = 120.0, kRestartWall = 0.5;  // hub SIGKILL; restarted after (wall s)
constexpr double kCut = 135.0, kRestore = 165.0;     // Japan's link down (scenario s)
constexpr double kLateJoin = 175.0;
constexpr double kKoreaKill = 95.0;  // Korea's node SIGKILLed; restarted kRestartWall later

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool shell(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

// The namespaces, named after the test's process id; those of an earlier run whose process is
// gone (killed by a timeout) are removed first, and these when the object goes.
class Network {
 public:
  Network() : prefix_("tlf" + std::to_string(getpid()) + "-") {}
  ~Network() { down(); }

  // "" when up, else why not.
  std::string up() {
    remove_stale();
    const std::string hub = ns("hub");
    std::vector<std::string> steps = {"ip netns add " + hub, "ip -n " + hub + " link set lo up",
                                      "ip -n " + hub + " link add hub0 type bridge",
                                      "ip -n " + hub + " addr add 198.51.100.1/24 dev hub0",
                                      "ip -n " + hub + " link set hub0 up"};
    for (Nation nation : {Nation::JPN, Nation::KOR, Nation::USA}) {
      std::string n(to_string(nation));
      std::ranges::transform(n, n.begin(), [](char c) { return std::tolower(c); });
      const std::string me = ns(n), port = std::string("to-") + n;
      steps.push_back("ip netns add " + me);
      steps.push_back("ip -n " + me + " link set lo up");
      steps.push_back("ip -n " + hub + " link add " + port + " type veth peer name uplink netns " +
                      me);
      steps.push_back("ip -n " + hub + " link set " + port + " master hub0");
      steps.push_back("ip -n " + hub + " link set " + port + " type bridge_slave isolated on");
      steps.push_back("ip -n " + hub + " link set " + port + " up");
      steps.push_back("ip -n " + me + " addr add " + address(nation) + "/24 dev uplink");
      steps.push_back("ip -n " + me + " link set uplink up");
    }
    made_ = true;
    for (const auto& s : steps)
      if (!shell(s)) return "'" + s + "' failed";
    return "";
  }
  void down() {
    if (!made_) return;
    for (const char* n : {"hub", "jpn", "kor", "usa"}) shell("ip netns del " + ns(n));
    made_ = false;
  }
  std::string ns(const std::string& who) const { return prefix_ + who; }
  // A nation's address (the hub's is 198.51.100.1).
  static std::string address(Nation n) {
    return n == Nation::JPN ? "198.51.100.2" : n == Nation::KOR ? "198.51.100.3" : "198.51.100.4";
  }
  // Japan's link at the hub's end.
  bool set_link(const std::string& nation, bool up) {
    return shell("ip -n " + ns("hub") + " link set to-" + nation + (up ? " up" : " down"));
  }

 private:
  void remove_stale() {
    FILE* p = popen("ip netns list 2>/dev/null", "r");
    if (!p) return;
    char line[256];
    std::vector<std::string> stale;
    while (std::fgets(line, sizeof line, p)) {
      std::string name(line);
      name = name.substr(0, name.find_first_of(" \n"));
      if (!name.starts_with("tlf")) continue;
      const auto dash = name.find('-');
      if (dash == std::string::npos) continue;
      const std::string pid = name.substr(3, dash - 3);
      if (!pid.empty() && !fs::exists("/proc/" + pid)) stale.push_back(name);
    }
    pclose(p);
    for (const auto& n : stale) shell("ip netns del " + n);
  }

  std::string prefix_;
  bool made_ = false;
};

// A trilink process inside a namespace (ip netns exec execs it: the pid is trilink's).
class Process {
 public:
  Process(const std::string& ns, const std::vector<std::string>& args, const fs::path& log) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = std::freopen(log.c_str(), "w", stdout);
      (void)out;
      dup2(fileno(stdout), fileno(stderr));
      const std::string bin = test_paths::binary_dir() + "/trilink";
      std::vector<std::string> all = {"ip", "netns", "exec", ns, bin};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("ip", argv.data());
      _exit(127);
    }
  }
  Process(const Process&) = delete;
  ~Process() {
    if (running()) kill(pid_, SIGKILL);
    wait_for(5.0);
  }
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return false;
    }
    return true;
  }
  void signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }
  // Whether it ended within `seconds`.
  bool wait_for(double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (running()) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

 private:
  pid_t pid_ = 0;
};

void sleep_until_wall(double unix_s) {
  const double dt = unix_s - wall_now();
  if (dt > 0) std::this_thread::sleep_for(std::chrono::duration<double>(dt));
}

// The one faulted flight and what it left: the recordings, the late joiner's result and the
// wall times of the faults.
struct Flight {
  std::string skipped, failed;
  geo::UtcTime start;
  double start_at = 0;  // wall (Unix s) of the scenario's start
  double restored_at = 0, restarted_at = 0, joined_at = 0, korea_restarted_at = 0;
  std::string hub, jpn, kor, usa;    // node names
  std::vector<std::string> nations;  // the national nodes
  std::map<std::string, std::vector<record::RecordedEvent>> recordings;
  json hub_report, probe;

  // Scenario seconds since the start at wall time `unix_s`.
  double scenario_s(double unix_s) const { return (unix_s - start_at) * kSpeed; }
  double t(const record::LinkEvent& e) const { return e.time().seconds_since(start); }
};

Flight fly(const fs::path& dir) {
  Flight f;
  if (geteuid() != 0) {
    f.skipped = "needs root for ip netns (network namespaces); CI runs these as root";
    return f;
  }
  if (!shell("command -v ip")) {
    f.skipped = "no ip command (iproute2)";
    return f;
  }
  Network net;
  if (auto why = net.up(); !why.empty()) {
    f.skipped = "cannot make the test's network namespaces: " + why;
    return f;
  }
  auto scenario = io::load_scenario(test_paths::scenario(kScenario), std::nullopt);
  if (!scenario) {
    f.failed = scenario.error().message();
    return f;
  }
  f.start = scenario->start;
  f.hub = scenario->network.hub()->name;
  f.jpn = scenario->network.node_of(Nation::JPN)->name;
  f.kor = scenario->network.node_of(Nation::KOR)->name;
  f.usa = scenario->network.node_of(Nation::USA)->name;
  // The deployments: one for the PKI (every domain), one per namespace.
  io::Deployment all;
  all.scenario = test_paths::scenario(kScenario);
  all.pki = (dir / "pki").string();
  all.recordings = (dir / "rec").string();
  all.heartbeat_s = 0.5;
  all.deadline_s = 1.0;  // a node reports its hub link down 1 s (wall) after the last heartbeat
  // Japan and the hub find each other again after the restore at the first announcement either
  // hears, then shake hands: at 0.5 s the picture was whole 0.29-0.34 s after the restore in two
  // runs, 0.80 and 1.20 s in two others (session 29; an announcement or a handshake message
  // lost while the link came up, read from the gap, not traced): a quarter second halves what
  // a lost announcement costs.
  all.announce_s = 0.25;
  for (Nation n : all_nations) {
    all.nation_domains[n] = 11 + static_cast<int>(n);
    all.link_domains[n] = 21 + static_cast<int>(n);
  }
  const auto write = [&](io::Deployment d, const std::string& name) {
    d.path = (dir / (name + ".yaml")).string();
    std::ofstream(d.path) << io::deployment_yaml(d);
    return d.path;
  };
  io::Deployment hub = all;
  hub.interface = "hub0";
  hub.peers = {"198.51.100.2", "198.51.100.3", "198.51.100.4"};
  hub.nation_domains.clear();
  const std::string hub_yaml = write(hub, "hub");
  all.interface = "hub0";
  all.peers = hub.peers;
  const std::string pki_yaml = write(all, "pki");
  std::map<Nation, std::string> yaml;
  for (Nation n : all_nations) {
    io::Deployment d = all;
    d.interface = "uplink";
    d.peers = {"198.51.100.1", Network::address(n)};
    d.nation_domains = {{n, all.nation_domains.at(n)}};
    d.link_domains = {{n, all.link_domains.at(n)}};
    yaml[n] = write(d, std::string(to_string(n)));
  }
  const std::string bin = test_paths::binary_dir() + "/trilink";
  if (std::system((bin + " pki init " + all.pki + " --deploy " + pki_yaml + " >" +
                   (dir / "pki.log").string() + " 2>&1")
                      .c_str()) != 0) {
    f.failed = "pki init failed (" + (dir / "pki.log").string() + ")";
    return f;
  }
  const std::map<Nation, std::string> ns_of = {
      {Nation::JPN, net.ns("jpn")}, {Nation::KOR, net.ns("kor")}, {Nation::USA, net.ns("usa")}};
  const fs::path ready = dir / "ready", start_file = dir / "start", logs = dir / "logs";
  fs::create_directories(ready);
  fs::create_directories(logs);
  const std::string until = std::to_string(kUntil), speed = std::to_string(kSpeed);
  std::vector<std::unique_ptr<Process>> procs;
  std::unique_ptr<Process> hub_proc;
  const auto launch = [&](const std::string& ns, const std::string& name,
                          std::vector<std::string> args) {
    // The start file comes once the slowest process is ready (at most 90 s, kSlower times as
    // long under the sanitizers): the first ones wait for it as long.
    args.insert(args.end(), {"--speed", speed, "--until", until, "--ready-file",
                             (ready / name).string(), "--start-file", start_file.string(),
                             "--start-timeout", std::to_string(100 * static_cast<int>(kSlower))});
    return std::make_unique<Process>(ns, args, logs / (name + ".log"));
  };
  hub_proc = launch(net.ns("hub"), f.hub, {"hub", "--deploy", hub_yaml});
  std::size_t expected = 1;
  std::size_t korea_proc = 0;
  for (Nation n : all_nations) {
    const auto* site = scenario->network.node_of(n);
    if (!site) continue;
    f.nations.push_back(site->name);
    if (n == Nation::KOR) korea_proc = procs.size();
    procs.push_back(
        launch(ns_of.at(n), site->name,
               {"node", "--nation", std::string(to_string(n)), "--deploy", yaml.at(n)}));
    ++expected;
  }
  for (const auto& r : scenario->radars) {
    procs.push_back(launch(ns_of.at(r.nation), r.name,
                           {"radar", "--radar", r.name, "--deploy", yaml.at(r.nation)}));
    ++expected;
  }
  // Connected: every process ready (at most 90 s on a busy machine).
  const auto ready_by =
      std::chrono::steady_clock::now() + std::chrono::seconds(90 * static_cast<int>(kSlower));
  for (;;) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(ready)) n += e.is_regular_file() ? 1 : 0;
    if (n == expected) break;
    if (std::chrono::steady_clock::now() > ready_by) {
      f.failed = std::to_string(n) + " of " + std::to_string(expected) +
                 " processes connected in 90 s (logs in " + logs.string() + ")";
      return f;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  f.start_at = wall_now() + 0.5;
  {
    std::ofstream(dir / "start.tmp") << std::to_string(f.start_at) << "\n";
    fs::rename(dir / "start.tmp", start_file);
  }
  const auto at = [&](double scenario_s) { return f.start_at + scenario_s / kSpeed; };
  // (d) Korea's node killed and restarted, appending to its recording.
  sleep_until_wall(at(kKoreaKill));
  procs[korea_proc]->signal(SIGKILL);
  procs[korea_proc]->wait_for(5.0);
  sleep_until_wall(at(kKoreaKill) + kRestartWall);
  f.korea_restarted_at = wall_now();
  procs[korea_proc] = std::make_unique<Process>(
      ns_of.at(Nation::KOR),
      std::vector<std::string>{"node", "--nation", "KOR", "--deploy", yaml.at(Nation::KOR),
                               "--speed", speed, "--until", until, "--start-at",
                               std::to_string(f.start_at), "--resume"},
      logs / (f.kor + ".restarted.log"));
  // (b) The hub killed and restarted, rebuilding from its recording.
  sleep_until_wall(at(kKill));
  hub_proc->signal(SIGKILL);
  hub_proc->wait_for(5.0);
  sleep_until_wall(at(kKill) + kRestartWall);
  f.restarted_at = wall_now();
  hub_proc = std::make_unique<Process>(
      net.ns("hub"),
      std::vector<std::string>{"hub", "--deploy", hub_yaml, "--speed", speed, "--until", until,
                               "--start-at", std::to_string(f.start_at), "--resume"},
      logs / (f.hub + ".restarted.log"));
  // (a) Japan's link cut for 30 s.
  sleep_until_wall(at(kCut));
  if (!net.set_link("jpn", false)) f.failed = "cannot take Japan's link down";
  sleep_until_wall(at(kRestore));
  if (!net.set_link("jpn", true)) f.failed = "cannot bring Japan's link up";
  f.restored_at = wall_now();
  // (c) A late joiner on Korea's link.
  sleep_until_wall(at(kLateJoin));
  f.joined_at = wall_now();
  {
    Process probe(ns_of.at(Nation::KOR),
                  {"probe", "--deploy", yaml.at(Nation::KOR), "--domain", "link_KOR", "--as", f.kor,
                   "--topic", "SystemTrack", "--seconds", "2"},
                  logs / "probe.log");
    probe.wait_for(30.0);
    std::ifstream in(logs / "probe.log");
    std::string line;
    while (std::getline(in, line))
      if (line.starts_with("{")) f.probe = json::parse(line, nullptr, false);
  }
  // Every process stops by itself at the scenario's end and commits its recording.
  sleep_until_wall(at(kUntil));
  const auto stopped = [](Process& p) { return p.wait_for(20.0); };
  bool all_stopped = stopped(*hub_proc);
  for (auto& p : procs) all_stopped = stopped(*p) && all_stopped;
  if (!all_stopped && f.failed.empty()) f.failed = "a process did not stop by itself";
  procs.clear();
  hub_proc.reset();
  net.down();
  for (const auto& name : f.nations) {
    auto r = record::read_all((dir / "rec" / (name + ".db")).string());
    if (!r) {
      f.failed = r.error().message();
      return f;
    }
    f.recordings[name] = std::move(*r);
  }
  auto r = record::read_all((dir / "rec" / (f.hub + ".db")).string());
  if (!r) {
    f.failed = r.error().message();
    return f;
  }
  f.recordings[f.hub] = std::move(*r);
  std::ifstream hr(dir / "rec" / (f.hub + ".json"));
  f.hub_report = json::parse(hr, nullptr, false);
  return f;
}

fs::path flight_dir() {
  return fs::temp_directory_path() / ("bus_faults_test_" + std::to_string(getpid()));
}

const Flight& flight() {
  static const Flight f = [] {
    fs::remove_all(flight_dir());
    fs::create_directories(flight_dir());
    return fly(flight_dir());
  }();
  return f;
}

// The flight's folder goes when every test passed; else it stays, with the processes' logs.
class RemoveFlightWhenPassed : public ::testing::Environment {
 public:
  void TearDown() override {
    if (::testing::UnitTest::GetInstance()->Passed())
      fs::remove_all(flight_dir());
    else
      std::cerr << "bus_faults_test: logs and recordings kept in " << flight_dir() << "\n";
  }
};
const auto* const remove_flight_when_passed =
    ::testing::AddGlobalTestEnvironment(new RemoveFlightWhenPassed);

#define REQUIRE_FLIGHT(f)                            \
  const Flight& f = flight();                        \
  if (!f.skipped.empty()) GTEST_SKIP() << f.skipped; \
  ASSERT_TRUE(f.failed.empty()) << f.failed

bool from_hub(const Flight& f, const record::LinkEvent& e, const std::string& to) {
  return e.link == "live:" + f.hub + ">" + to;
}

// The system tracks a node (the hub, for what it sent to `to`) had in the scenario second
// before `t_s`: the last of each id, unless dropped.
std::map<std::uint64_t, share::SystemTrack> picture_before(
    const Flight& f, const std::vector<record::RecordedEvent>& rec, const std::string& to,
    double t_s, record::Direction dir) {
  std::map<std::uint64_t, share::SystemTrack> out;
  for (const auto& e : rec) {
    const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
    const double t = f.t(e.event);
    if (!s || !from_hub(f, e.event, to) || e.event.direction != dir || t < t_s - 1.0 || t >= t_s)
      continue;
    if (s->status == TrackStatus::dropped)
      out.erase(s->system_track_id);
    else
      out[s->system_track_id] = *s;
  }
  return out;
}

TEST(Faults, JapansLinkCutFor30sIsWholeWithin1sOfTheRestore) {
  REQUIRE_FLIGHT(f);
  const auto& hub = f.recordings.at(f.hub);
  const auto& jpn = f.recordings.at(f.jpn);
  const double restored = f.scenario_s(f.restored_at);
  // The cut held: nothing from the hub reached Japan while its link was down.
  std::size_t during = 0;
  for (const auto& e : jpn)
    if (from_hub(f, e.event, f.jpn) && f.t(e.event) > kCut + 1.0 && f.t(e.event) < restored)
      ++during;
  EXPECT_EQ(during, 0u);
  // Japan's picture at the restore: what the hub released to it in the second before.
  const auto picture = picture_before(f, hub, f.jpn, restored, record::Direction::sent);
  ASSERT_FALSE(picture.empty());
  double whole_s = 0;
  for (const auto& [id, _] : picture) {
    std::optional<double> first;
    for (const auto& e : jpn) {
      const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
      if (s && s->system_track_id == id && from_hub(f, e.event, f.jpn) &&
          f.t(e.event) >= restored) {
        first = f.t(e.event);
        break;
      }
    }
    ASSERT_TRUE(first) << "system track " << id << " never reached Japan after the restore";
    whole_s = std::max(whole_s, *first - restored);
  }
  std::cout << "Japan's picture whole " << whole_s / kSpeed << " s (wall) after the restore\n";
  EXPECT_LE(whole_s / kSpeed, (1.0 + kHandshakeResend_s) * kSlower);
  // No release lost after the restore (up to the end, when the last may still be on the
  // way): each of the hub's releases to Japan is in Japan's recording (by the hub's session and
  // sequence), but for those sent before the link matched again (before the picture was whole)
  // that a newer release of the same track superseded (KEEP_LAST 1).
  std::set<std::pair<std::int64_t, std::uint64_t>> got;
  for (const auto& e : jpn)
    if (from_hub(f, e.event, f.jpn)) {
      const auto& h = share::header(e.event.message);
      got.insert({h.session_start.ns, h.sequence});
    }
  // The last sequence of each system track's releases that reached Japan.
  std::map<std::uint64_t, std::uint64_t> newest_arrived;
  for (const auto& e : hub) {
    const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
    if (s && from_hub(f, e.event, f.jpn) && e.event.direction == record::Direction::sent &&
        got.contains({s->header.session_start.ns, s->header.sequence}))
      newest_arrived[s->system_track_id] =
          std::max(newest_arrived[s->system_track_id], s->header.sequence);
  }
  std::size_t sent = 0, lost = 0, lost_in_cut = 0, superseded = 0;
  for (const auto& e : hub) {
    if (!from_hub(f, e.event, f.jpn) || e.event.direction != record::Direction::sent) continue;
    const double t = f.t(e.event);
    const auto& h = share::header(e.event.message);
    const bool arrived = got.contains({h.session_start.ns, h.sequence});
    if (t >= kCut && t < restored && !arrived) ++lost_in_cut;
    if (t < restored || t >= kUntil - 1.0) continue;
    ++sent;
    if (arrived) continue;
    const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
    if (s && t < restored + whole_s && newest_arrived[s->system_track_id] > h.sequence)
      ++superseded;
    else
      ++lost;
  }
  EXPECT_GT(sent, 10u);
  EXPECT_EQ(lost, 0u);
  // Japan's node said so in its own health (recorded as sent): its hub link down once the hub's
  // heartbeats missed their deadline, up again after the restore.
  const auto hub_link = [&](double from_s, double to_s, share::LinkStatus st) {
    std::size_t n = 0;
    for (const auto& e : jpn) {
      const auto* h = std::get_if<share::NodeHealth>(&e.event.message);
      if (h && e.event.link == "live:" + f.jpn + ">" + f.hub && f.t(e.event) > from_s &&
          f.t(e.event) < to_s && !h->links.empty() && h->links.front().status == st)
        ++n;
    }
    return n;
  };
  EXPECT_GT(hub_link(kCut + 15.0, restored, share::LinkStatus::down), 0u);
  EXPECT_EQ(hub_link(kCut + 15.0, restored, share::LinkStatus::up), 0u);
  EXPECT_GT(hub_link(restored + 1.0, kUntil, share::LinkStatus::up), 0u);
  EXPECT_EQ(hub_link(restored + 11.0, kUntil, share::LinkStatus::down), 0u);
  // The hub said so too, in the heartbeats Korea received: Japan's link down while cut (Japan's
  // heartbeats missed their deadline at the hub), up again after the restore, never down before.
  const auto japan_at_hub = [&](double from_s, double to_s, share::LinkStatus st) {
    std::size_t n = 0;
    for (const auto& e : f.recordings.at(f.kor)) {
      const auto* h = std::get_if<share::NodeHealth>(&e.event.message);
      if (!h || e.event.link != "live:" + f.hub + ">" + f.kor || f.t(e.event) <= from_s ||
          f.t(e.event) >= to_s)
        continue;
      for (const auto& l : h->links)
        if (l.peer_node == f.jpn && l.status == st) ++n;
    }
    return n;
  };
  EXPECT_GT(japan_at_hub(kCut + 15.0, restored, share::LinkStatus::down), 0u);
  EXPECT_EQ(japan_at_hub(kCut + 15.0, restored, share::LinkStatus::up), 0u);
  EXPECT_GT(japan_at_hub(restored + 1.0, kUntil, share::LinkStatus::up), 0u);
  EXPECT_EQ(japan_at_hub(restored + 11.0, kUntil, share::LinkStatus::down), 0u);
  EXPECT_EQ(japan_at_hub(0.0, kCut, share::LinkStatus::down), 0u) << "down before the cut";
  std::cout << "[ measured ] Japan's link down T+" << kCut << "..T+" << restored
            << " s: Japan's picture (" << picture.size() << " system tracks) whole "
            << whole_s / kSpeed << " s (wall) after the restore (" << whole_s << " s scenario); "
            << lost_in_cut << " releases of the cut superseded (KEEP_LAST 1), " << lost << " of "
            << sent << " lost after it (" << superseded << " superseded before the match)\n";
}

TEST(Faults, TheHubKilledAndRestartedKeepsItsSystemTrackIds) {
  REQUIRE_FLIGHT(f);
  ASSERT_TRUE(f.hub_report.contains("rebuilt")) << f.hub_report.dump();
  EXPECT_GT(f.hub_report["rebuilt"]["messages"].get<int>(), 100);
  const double restarted = f.scenario_s(f.restarted_at);
  for (const auto& nation : f.nations) {
    SCOPED_TRACE(nation);
    const auto& rec = f.recordings.at(nation);
    const auto before = picture_before(f, rec, nation, kKill, record::Direction::received);
    ASSERT_FALSE(before.empty());
    std::int64_t old_session = 0;
    std::map<std::pair<Nation, std::uint64_t>, std::uint64_t> system_of;  // local -> system
    for (const auto& [id, s] : before) {
      old_session = s.header.session_start.ns;
      for (const auto& c : s.contributions) system_of[{c.nation, c.track_id}] = id;
    }
    // After the restart: the new session's system tracks, first arrival of each id.
    std::map<std::uint64_t, double> first;
    std::size_t checked = 0;
    for (const auto& e : rec) {
      const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
      if (!s || !from_hub(f, e.event, nation) || f.t(e.event) < restarted) continue;
      EXPECT_GT(s->header.session_start.ns, old_session) << "a release of the old session";
      first.try_emplace(s->system_track_id, f.t(e.event));
      if (f.t(e.event) > restarted + 2.0 * kSpeed * kSlowerRestart) continue;
      // The same nations' tracks under the same system-track id.
      for (const auto& c : s->contributions) {
        auto it = system_of.find({c.nation, c.track_id});
        if (it == system_of.end()) continue;
        ++checked;
        EXPECT_EQ(s->system_track_id, it->second) << to_string(c.nation) << " track " << c.track_id;
      }
    }
    EXPECT_GT(checked, 0u);
    // Its alerts' life cycle too: no launch alerted again (a hub started afresh alerts every
    // live track's launch once more).
    std::set<std::uint64_t> alerted;
    std::size_t repeated = 0;
    for (const auto& e : rec) {
      const auto* a = std::get_if<share::Alert>(&e.event.message);
      if (!a || !from_hub(f, e.event, nation) || a->level != share::AlertLevel::launch_detected)
        continue;
      if (f.t(e.event) < kKill)
        alerted.insert(a->system_track_id);
      else if (f.t(e.event) >= restarted && alerted.contains(a->system_track_id))
        ++repeated;
    }
    EXPECT_FALSE(alerted.empty());
    EXPECT_EQ(repeated, 0u);
    double rebuilt_s = 0;
    for (const auto& [id, _] : before) {
      ASSERT_TRUE(first.contains(id)) << "system track " << id << " not released after restart";
      rebuilt_s = std::max(rebuilt_s, first.at(id) - restarted);
    }
    EXPECT_LE(rebuilt_s / kSpeed, 2.0 * kSlowerRestart);
    std::cout << "[ measured ] hub restarted: " << nation << "'s picture (" << before.size()
              << " system tracks, ids kept) rebuilt " << rebuilt_s / kSpeed
              << " s (wall) after the restart\n";
  }
  std::cout << "[ measured ] hub rebuilt from " << f.hub_report["rebuilt"]["messages"]
            << " recorded messages in " << f.hub_report["rebuilt"]["wall_ms"] << " ms\n";
}

TEST(Faults, KoreasNodeKilledAndRestartedKeepsItsRecordAndItsMissiles) {
  REQUIRE_FLIGHT(f);
  const auto& kor = f.recordings.at(f.kor);
  const auto& hub = f.recordings.at(f.hub);
  const double restarted = f.scenario_s(f.korea_restarted_at);
  // Its recording: the first session's events kept, the new one's appended.
  std::size_t before_kill = 0, after_restart = 0, own_launch_alerts_before = 0;
  for (const auto& e : kor) {
    const double t = f.t(e.event);
    before_kill += t < kKoreaKill ? 1 : 0;
    after_restart += t > restarted ? 1 : 0;
    const auto* a = std::get_if<share::Alert>(&e.event.message);
    if (a && t < kKoreaKill && a->header.originator.node == f.kor &&
        a->level == share::AlertLevel::launch_detected)
      ++own_launch_alerts_before;
  }
  EXPECT_GT(before_kill, 100u);
  EXPECT_GT(after_restart, 100u);
  EXPECT_GT(own_launch_alerts_before, 0u);
  // The hub saw a later session from Korea: from its first track on, the old ones are over.
  std::set<std::int64_t> sessions;
  for (const auto& e : hub)
    if (const auto* l = std::get_if<share::LocalTrack>(&e.event.message);
        l && l->header.originator.node == f.kor)
      sessions.insert(l->header.session_start.ns);
  ASSERT_EQ(sessions.size(), 2u);
  ASSERT_TRUE(f.hub_report.contains("hub")) << f.hub_report.dump();
  EXPECT_EQ(f.hub_report["hub"]["restarts"].get<int>(), 1) << "as the restarted hub replayed it";
  double new_session = kKill;
  for (const auto& e : hub)
    if (const auto* l = std::get_if<share::LocalTrack>(&e.event.message);
        l && l->header.originator.node == f.kor && l->header.session_start.ns == *sessions.rbegin())
      new_session = std::min(new_session, f.t(e.event));
  // Korea's picture again within 2 s (wall) of the restart: every system track the hub had
  // released to it in the second before the kill (and still holds), from the hub's history.
  const auto picture = picture_before(f, hub, f.kor, kKoreaKill, record::Direction::sent);
  ASSERT_FALSE(picture.empty());
  std::map<std::uint64_t, double> first;
  for (const auto& e : kor)
    if (const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
        s && from_hub(f, e.event, f.kor) && f.t(e.event) >= restarted)
      first.try_emplace(s->system_track_id, f.t(e.event));
  double whole_s = 0;
  for (const auto& [id, _] : picture) {
    ASSERT_TRUE(first.contains(id)) << "system track " << id << " not received after restart";
    whole_s = std::max(whole_s, first.at(id) - restarted);
  }
  EXPECT_LE(whole_s / kSpeed, 2.0 * kSlowerRestart);
  // Its new tracks (numbered afresh; the hub ended the old ones) join the missiles' system
  // tracks: every system track released to the US with a Korean track in the second before the
  // kill has one again after the new session's first track reached the hub (the new session's:
  // the old ones ended then) and before the hub's own kill.
  const auto korean = [](const share::SystemTrack& s) {
    return std::ranges::any_of(
        s.contributions, [](const share::Contribution& c) { return c.nation == Nation::KOR; });
  };
  std::map<std::uint64_t, std::optional<double>> rejoined;
  for (const auto& [id, s] : picture_before(f, hub, f.usa, kKoreaKill, record::Direction::sent))
    if (korean(s)) rejoined[id];
  ASSERT_FALSE(rejoined.empty());
  for (const auto& e : hub) {
    const auto* s = std::get_if<share::SystemTrack>(&e.event.message);
    const double t = f.t(e.event);
    if (!s || !from_hub(f, e.event, f.usa) || t < new_session || t >= kKill || !korean(*s))
      continue;
    const auto it = rejoined.find(s->system_track_id);
    if (it != rejoined.end() && !it->second) it->second = t - restarted;
  }
  double rejoined_s = 0;
  for (const auto& [id, t] : rejoined) {
    ASSERT_TRUE(t) << "system track " << id << " never had a Korean track again";
    rejoined_s = std::max(rejoined_s, *t);
  }
  std::cout << "[ measured ] Korea's node restarted: its picture (" << picture.size()
            << " system tracks) again " << whole_s / kSpeed << " s (wall) after the restart; its "
            << rejoined.size() << " missiles' system tracks with a new Korean track " << rejoined_s
            << " s (scenario) after it (its first track at the hub " << new_session - restarted
            << " s after it)\n";
}

TEST(Faults, ALateJoinerGetsTheCurrentPictureAtOnce) {
  REQUIRE_FLIGHT(f);
  ASSERT_TRUE(f.probe.is_object()) << "no probe result";
  const std::string& kor = f.kor;
  const double joined = f.scenario_s(f.joined_at);
  const auto picture =
      picture_before(f, f.recordings.at(f.hub), kor, joined, record::Direction::sent);
  ASSERT_FALSE(picture.empty());
  ASSERT_TRUE(f.probe.contains("system_tracks")) << f.probe.dump();
  const json& got = f.probe["system_tracks"];
  ASSERT_TRUE(f.probe.contains("matched_s")) << f.probe.dump();
  const double matched_s = f.probe["matched_s"].get<double>();
  double all_s = 0;
  std::size_t from_history = 0;
  for (const auto& [id, _] : picture) {
    const std::string k = std::to_string(id);
    ASSERT_TRUE(got.contains(k)) << "system track " << id << " not received: " << f.probe.dump();
    // From the hub's history: written before the late joiner matched the hub's writer; or, when
    // the hub released the track again between the match and the history's delivery (it
    // releases each report as it comes), that newer sample, which replaced the older in the
    // history (KEEP_LAST 1), at once.
    const double arrived_s = got[k]["arrived_s"].get<double>();
    if (got[k]["written_s"].get<double>() < matched_s)
      ++from_history;
    else
      EXPECT_LT(arrived_s - matched_s, 0.1 * kSlower) << f.probe.dump();
    all_s = std::max(all_s, arrived_s);
  }
  EXPECT_GT(from_history, 0u) << f.probe.dump();
  std::cout << "[ measured ] late joiner on link_KOR: the " << picture.size()
            << " current system tracks (" << from_history
            << " from the hub's history, the rest released again meanwhile), " << all_s
            << " s (wall) after joining, " << all_s - matched_s
            << " s after matching (secure discovery and handshake: " << matched_s << " s)\n";
}

}  // namespace
}  // namespace trilink
