#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "app/commands.hpp"

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
  trilink::app::add_replay_command(app, exit_code);
  trilink::app::add_exercise_command(app, exit_code);
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
