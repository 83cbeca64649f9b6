// The trilink subcommands. Each registers itself on the CLI11 app and returns the exit code
// through `exit_code` when it runs: 0 success, 2 bad input (one line on stderr naming the
// field or file), 1 internal failure.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>

#include "base/error.hpp"

namespace trilink::app {

void add_trajectory_command(CLI::App& app, int& exit_code);
void add_simulate_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_track_command(CLI::App& app, int& exit_code);
void add_warning_bench_command(CLI::App& app, int& exit_code);
void add_targets_bench_command(CLI::App& app, int& exit_code);
// Adds `bench accuracy` under the `bench` command (add_bench_command first).
void add_accuracy_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_exercise_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
// An address to listen on: ADDR:PORT, or PORT alone for loopback (127.0.0.1); PORT 0..65535,
// 0 taking any free port. An Error naming `option` otherwise (serve --listen, node|hub --serve).
Expected<std::pair<std::string, int>> parse_listen(const std::string& text,
                                                   const std::string& option);
void add_export_command(CLI::App& app, int& exit_code);
// pki init, hub, node, radar, probe, live (the live runtime, docs/live.md).
void add_live_commands(CLI::App& app, int& exit_code);

}  // namespace trilink::app
