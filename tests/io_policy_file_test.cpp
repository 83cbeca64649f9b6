#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "input_file.hpp"
#include "io/areas_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "share/validation.hpp"
#include "test_paths.hpp"

using namespace trilink;
using namespace trilink::share;
namespace fs = std::filesystem;

namespace {

using test_paths::InputFile;

const std::string good = R"(version: 1
nations:
  - nation: USA
    nodes: [INDOPACOM]
    may_grant: USA|JPN|KOR
  - nation: JPN
    nodes: [JADGE]
    may_grant: USA|JPN
shared:
  - type: local_track
    default_label: USA|JPN|KOR
  - type: alert
    default_label: USA
)";

std::string with(const std::string& from, const std::string& to) {
  return test_paths::with(good, from, to);
}

// Loads `text`; expects a one-line error naming the file and containing every part.
void expect_error(const std::string& text, std::initializer_list<std::string> expected) {
  const InputFile f(text, "policy.yaml");
  test_paths::expect_load_error(
      f, [](const std::string& path) { return io::load_policy(path); }, expected);
}

}  // namespace

TEST(PolicyFile, BundledPolicyLoads) {
  const auto p = io::load_policy(test_paths::source_dir() + "/deploy/policy.yaml");
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_FALSE(p->check());
  for (Nation n : all_nations) {
    ASSERT_NE(p->find(n), nullptr) << to_string(n);
    EXPECT_FALSE(p->find(n)->nodes.empty());
    EXPECT_TRUE(p->max_label(n).contains(n));
  }
  EXPECT_TRUE(p->is_registered(Originator{Nation::USA, "INDOPACOM", std::nullopt}));
  EXPECT_FALSE(p->is_shared(MessageType::detection));
  for (MessageType t :
       {MessageType::local_track, MessageType::system_track, MessageType::launch_report,
        MessageType::impact_prediction, MessageType::alert})
    EXPECT_EQ(p->default_label(t), Releasability::all()) << to_string(t);
}

TEST(PolicyFile, BundledPolicyDrivesTheGatekeeper) {
  const auto p = io::load_policy(test_paths::source_dir() + "/deploy/policy.yaml");
  ASSERT_TRUE(p.has_value()) << p.error().message();
  Gatekeeper gate(*p, GatekeeperConfig{Nation::USA, "INDOPACOM", "INDOPACOM", {}});
  LocalTrack t;
  t.header.originator = Originator{Nation::KOR, p->find(Nation::KOR)->nodes.front(), {}};
  t.header.sequence = 1;
  t.header.releasability = p->label_for(MessageType::local_track, Nation::KOR);
  t.position_ecef_m = Vector3(-3.1e6, 4.0e6, 3.9e6);  // over Korea, about 20 km up
  const std::string from = t.header.originator.node;
  EXPECT_TRUE(gate.admit(t, from, t.header.time_of_validity));
  EXPECT_EQ(p->release_to(Message{t}), Releasability::all());
  Detection d;
  d.header = t.header;
  d.header.sequence = 2;
  EXPECT_EQ(gate.admit(d, from, d.header.time_of_validity).rejection, Rejection::type_not_shared);
}

TEST(PolicyFile, GoodFileLoads) {
  const InputFile f(good, "policy.yaml");
  const auto p = io::load_policy(f.path());
  ASSERT_TRUE(p.has_value()) << p.error().message();
  ASSERT_EQ(p->nations.size(), 2u);
  EXPECT_EQ(p->max_label(Nation::JPN), (Releasability{Nation::USA, Nation::JPN}));
  EXPECT_TRUE(p->max_label(Nation::KOR).empty());
  EXPECT_EQ(p->default_label(MessageType::alert), Releasability{Nation::USA});
  EXPECT_FALSE(p->is_shared(MessageType::system_track));
}

TEST(PolicyFile, MissingFile) {
  const auto p = io::load_policy("/nonexistent/policy.yaml");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message().find("/nonexistent/policy.yaml"), std::string::npos);
}

TEST(PolicyFile, SyntaxError) {
  expect_error(with("nodes: [JADGE]", "nodes: [JADGE"), {"YAML syntax"});
}

TEST(PolicyFile, UnknownKeys) {
  expect_error("version: 1\nowner: me\n" + good.substr(good.find("nations")),
               {":2: owner", "unknown key"});
  expect_error(with("    may_grant: USA|JPN\n", "    may_grant: USA|JPN\n    colour: red\n"),
               {":9: nations[1].colour", "unknown key"});
  expect_error(with("    default_label: USA\n", "    default_label: USA\n    ttl_s: 3\n"),
               {":14: shared[1].ttl_s", "unknown key"});
}

TEST(PolicyFile, BadNation) {
  expect_error(with("nation: JPN", "nation: CHN"),
               {":6: nations[1].nation", "unknown nation 'CHN'"});
  expect_error(with("nation: JPN", "nation: USA"), {":6: nations[1].nation", "listed twice"});
}

TEST(PolicyFile, BadLabels) {
  expect_error(with("may_grant: USA|JPN\n", "may_grant: USA|PRK\n"),
               {":8: nations[1].may_grant", "USA|PRK"});
  expect_error(with("default_label: USA\n", "default_label: USA,JPN\n"),
               {":13: shared[1].default_label", "USA,JPN"});
  expect_error(with("    may_grant: USA|JPN\n", ""), {"nations[1].may_grant", "required"});
}

TEST(PolicyFile, BadNodes) {
  expect_error(with("nodes: [JADGE]", "nodes: []"), {":7: nations[1].nodes"});
  expect_error(with("nodes: [JADGE]", "nodes: JADGE"), {":7: nations[1].nodes", "list"});
  expect_error(with("nodes: [JADGE]", "nodes: [INDOPACOM]"),
               {":7: nations[1].nodes", "'INDOPACOM' is listed twice"});
}

TEST(PolicyFile, BadSharedTypes) {
  expect_error(with("type: alert", "type: pre_launch"),
               {":12: shared[1].type", "unknown message type 'pre_launch'"});
  expect_error(with("type: alert", "type: detection"), {":12: shared[1].type", "never shared"});
  expect_error(with("type: alert", "type: local_track"), {":12: shared[1].type", "listed twice"});
  expect_error(with("shared:\n", "shared: []\nx:\n"), {"unknown key"});
  expect_error(good.substr(0, good.find("shared:")), {"shared", "required"});
}

TEST(PolicyFile, BadVersion) {
  expect_error(with("version: 1", "version: 2"), {":1: version", "not supported"});
  expect_error(with("version: 1", "version: one"), {":1: version", "whole number"});
}

namespace {

const std::string full = R"(version: 1
nations:
  - nation: USA
    nodes: [INDOPACOM, C2BMC]
    may_grant: USA|JPN|KOR
  - nation: JPN
    nodes: [JADGE]
    may_grant: USA|JPN|KOR
  - nation: KOR
    nodes: [KAMD]
    may_grant: USA|KOR
shared:
  - type: local_track
    default_label: USA|JPN|KOR
)";

// Loads `text` against the bundled network; expects a one-line error with every part.
void expect_network_error(const std::string& text, std::initializer_list<std::string> expected) {
  const InputFile f(text, "policy.yaml");
  test_paths::expect_load_error(
      f, [](const std::string& path) { return io::load_policy(path, scenario::default_network()); },
      expected);
}

}  // namespace

TEST(PolicyFile, CheckedAgainstTheNetwork) {
  const InputFile ok(full, "policy.yaml");
  const auto p = io::load_policy(ok.path(), scenario::default_network());
  ASSERT_TRUE(p.has_value()) << p.error().message();
  const auto bundled = io::load_policy(test_paths::source_dir() + "/deploy/policy.yaml",
                                       scenario::default_network());
  EXPECT_TRUE(bundled.has_value()) << bundled.error().message();
  // A node that does not exist: the hub would reject every message of Japan's.
  expect_network_error(test_paths::with(full, "[JADGE]", "[JADGE2]"),
                       {":7: nations[1].nodes", "'JADGE2' is not in the network"});
  // A node of another nation.
  expect_network_error(test_paths::with(full, "[JADGE]", "[JADGE, KAMD]"),
                       {":7: nations[1].nodes", "'KAMD' is a KOR node"});
  // A node of the network left out.
  expect_network_error(test_paths::with(full, "[INDOPACOM, C2BMC]", "[INDOPACOM]"),
                       {":4: nations[0].nodes", "C2BMC is missing"});
  // A nation left out: the hub would still release to it.
  expect_network_error(
      full.substr(0, full.find("  - nation: KOR")) + full.substr(full.find("shared:")),
      {"nations: nation KOR is missing", "KAMD"});
}

TEST(PolicyFile, DuplicateKeysAreErrors) {
  expect_error(with("    may_grant: USA|JPN\n", "    may_grant: USA|JPN\n    may_grant: USA\n"),
               {":9: nations[1].may_grant", "duplicate key (first at line 8)"});
  expect_error(with("version: 1\n", "version: 1\nversion: 1\n"), {":2: version", "duplicate"});
}

TEST(PolicyFile, ListsAreBounded) {
  std::string nodes = "[";
  for (int i = 0; i < 17; ++i) nodes += (i ? ", N" : "N") + std::to_string(i);
  expect_error(with("[JADGE]", nodes + "]"), {":7: nations[1].nodes", "at most 16"});
}

// The scenarios are read without flying their launches (io_scenario_file_test flies them):
// the policy, areas and coastline are what is checked here.
TEST(PolicyFile, EveryBundledScenariosPolicyAndAreasLoadAgainstItsNetwork) {
  const auto catalogue = io::load_catalogue(test_paths::scenario("catalogue.yaml"));
  ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message();
  for (const auto& entry : fs::directory_iterator(test_paths::source_dir() + "/scenarios")) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name == "catalogue.yaml") continue;
    std::ifstream in(entry.path());
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    const auto s =
        io::parse_scenario(text, entry.path().string(), *catalogue, io::ShapeLaunches::no);
    ASSERT_TRUE(s.has_value()) << name << ": " << s.error().message();
    const auto p = io::load_policy(s->policy_path, s->network);
    EXPECT_TRUE(p.has_value()) << name << ": " << (p ? "" : p.error().message());
    const auto areas = io::load_areas_geojson(s->area_paths);
    EXPECT_TRUE(areas.has_value()) << name << ": " << (areas ? "" : areas.error().message());
    const auto coast = io::load_geojson_rings(s->coastline_path);
    EXPECT_TRUE(coast.has_value()) << name << ": " << (coast ? "" : coast.error().message());
  }
}

// The text readers (used by the fuzz harness) agree with the file readers, and name the source.
TEST(PolicyFile, TextReaderAgreesWithTheFileReader) {
  const std::string path = test_paths::source_dir() + "/deploy/policy.yaml";
  std::ifstream in(path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  const auto a = io::load_policy(path, scenario::default_network());
  const auto b = io::parse_policy(text, path, scenario::default_network());
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_EQ(b->nations.size(), a->nations.size());
  for (std::size_t i = 0; i < a->nations.size(); ++i) {
    EXPECT_EQ(b->nations[i].nodes, a->nations[i].nodes);
    EXPECT_EQ(b->nations[i].max_label, a->nations[i].max_label);
  }
  ASSERT_EQ(b->shared.size(), a->shared.size());
  const auto bad = io::parse_policy(with("version: 1", "version: 7"), "text.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().message().starts_with("text.yaml:1: version")) << bad.error().message();
  // The bundled network has a KOR node the good policy leaves out.
  const auto unchecked = io::parse_policy(good, "text.yaml");
  ASSERT_TRUE(unchecked.has_value()) << unchecked.error().message();
  const auto checked = io::parse_policy(good, "text.yaml", scenario::default_network());
  ASSERT_FALSE(checked.has_value());
  EXPECT_TRUE(checked.error().message().starts_with("text.yaml")) << checked.error().message();
}
