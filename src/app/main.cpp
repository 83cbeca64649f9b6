#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include "app/commands.hpp"

namespace {

// The subcommand words at the start of the command line must name subcommands: CLI11 would
// report an unknown one as "A subcommand is required". nullopt, or the one-line error.
std::optional<std::string> unknown_subcommand(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  std::string path = "trilink";
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    const auto subs = at->get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) break;
    CLI::App* next = nullptr;
    std::string known;
    for (const CLI::App* s : subs) {
      known += (known.empty() ? "" : ", ") + s->get_name();
      if (s->get_name() == argv[i]) next = at->get_subcommand(s->get_name());
    }
    if (!next) return path + ": unknown subcommand '" + argv[i] + "' (known: " + known + ")";
    at = next;
    path += " " + at->get_name();
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trilink: a trilateral missile-warning picture (simulation and exercise)"};
  app.require_subcommand(1);
  int exit_code = 0;
  trilink::app::add_trajectory_command(app, exit_code);
  trilink::app::add_simulate_command(app, exit_code);
  trilink::app::add_track_command(app, exit_code);
  trilink::app::add_bench_command(app, exit_code);
  trilink::app::add_accuracy_command(app, exit_code);
  trilink::app::add_warning_bench_command(app, exit_code);
  trilink::app::add_targets_bench_command(app, exit_code);
  trilink::app::add_replay_command(app, exit_code);
  trilink::app::add_exercise_command(app, exit_code);
  trilink::app::add_serve_command(app, exit_code);
  trilink::app::add_export_command(app, exit_code);
  trilink::app::add_live_commands(app, exit_code);
  if (const auto unknown = unknown_subcommand(app, argc, argv)) {
    std::cerr << *unknown << "\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "trilink: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // Caught so that the stack unwinds: a command's staged outputs are removed on the way.
    std::cerr << "trilink: internal error: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
