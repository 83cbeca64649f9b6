#include <gtest/gtest.h>

#include "input_file.hpp"
#include "io/policy_file.hpp"
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
