// trilink serve: the common operating picture in a browser (cop/server.hpp).
//   trilink serve --recording FILE.db [--scenario S.yaml] [--listen ADDR:PORT] [--nation N]
// replays a recording's displays (every nation's, or N's only) with play, pause, speed and a
// time slider; --scenario adds its static layer (areas, coastlines, radar coverage) and title.
// Loopback (127.0.0.1:8470) unless --listen says otherwise; port 0 takes any free port. Prints
// one line, "serving http://ADDR:PORT/ ...", once it listens. The live network's picture is
// served by its own processes: trilink node|hub --serve (docs/live.md). Bad input (a recording that
// is not one, a scenario, an address or a port in use) exits 2 with one line; SIGINT/SIGTERM stop
// it (0).
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "app/interrupt.hpp"
#include "cop/server.hpp"
#include "io/areas_file.hpp"
#include "io/scenario_file.hpp"
#include "record/replay.hpp"

namespace trilink::app {

Expected<std::pair<std::string, int>> parse_listen(const std::string& text,
                                                   const std::string& option) {
  const auto colon = text.rfind(':');
  if (colon == 0 || colon + 1 == text.size())
    return fail(option, "expected ADDR:PORT or PORT, e.g. 127.0.0.1:8470, got \"" + text + "\"");
  const std::string port_text = colon == std::string::npos ? text : text.substr(colon + 1);
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535)
      return fail(option, "the port must be a number 0..65535, got \"" + port_text + "\"");
    port = port * 10 + (c - '0');
  }
  if (port > 65535)
    return fail(option, "the port must be a number 0..65535, got \"" + port_text + "\"");
  return std::pair{colon == std::string::npos ? std::string("127.0.0.1") : text.substr(0, colon),
                   port};
}

void add_serve_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string recording, scenario, listen = "127.0.0.1:8470", nation, cot_listen;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "serve",
      "the common operating picture in a browser: a recording replayed with a time slider");
  cmd->add_option("--recording", o->recording,
                  "recording to replay (trilink exercise's recording.db)")
      ->required();
  cmd->add_option("--scenario", o->scenario,
                  "scenario whose areas, coastlines and radars the map shows");
  cmd->add_option("--listen", o->listen, "ADDR:PORT to listen on (default 127.0.0.1:8470)");
  cmd->add_option("--nation", o->nation, "serve this nation's picture only (JPN, KOR, USA)");
  cmd->add_option("--cot-listen", o->cot_listen,
                  "ADDR:PORT of a Cursor-on-Target stream for TAK clients (TCP; off unless given)");
  cmd->callback([o, &exit_code] {
    const auto bad = [&](const Error& e) {
      std::cerr << "trilink serve: " << e.message() << "\n";
      exit_code = 2;
    };
    const auto listen = parse_listen(o->listen, "--listen");
    if (!listen) return bad(listen.error());
    cop::ServeOptions options;
    options.host = listen->first;
    options.port = listen->second;
    if (!o->nation.empty()) {
      options.nation = parse_nation(o->nation);
      if (!options.nation)
        return bad(Error{"--nation", "unknown nation \"" + o->nation + "\" (JPN, KOR, USA)"});
    }
    if (!o->cot_listen.empty()) {
      auto cot = parse_listen(o->cot_listen, "--cot-listen");
      if (!cot) return bad(cot.error());
      options.cot = *cot;
    }
    std::optional<exports::Json> head;
    if (!o->scenario.empty()) {
      const auto scenario = io::load_scenario(o->scenario, std::nullopt);
      if (!scenario) return bad(scenario.error());
      const auto areas = io::load_areas_geojson(scenario->area_paths);
      if (!areas) return bad(areas.error());
      const auto coast = io::load_geojson_rings(scenario->coastline_path);
      if (!coast) return bad(coast.error());
      head = exports::picture_head(*scenario, *areas, *coast);
    }
    const auto events = record::read_all(o->recording);
    if (!events) return bad(events.error());
    const auto picture = exports::recorded_picture(*events);
    if (picture.items.empty())
      return bad(Error{o->recording, "the recording holds no display message to show"});
    cop::Server server(
        cop::recording_feed(picture, std::filesystem::path(o->recording).filename().string(), head,
                            options.nation.value_or(Nation::USA)),
        options);
    const auto port = server.bind();
    if (!port) return bad(port.error());
    std::optional<int> cot_port;
    if (options.cot) {
      const auto p = server.bind_cot();
      if (!p) return bad(p.error());
      cot_port = *p;
    }
    std::cout << "serving http://" << options.host << ":" << *port << "/ (" << o->recording << ", "
              << picture.items.size() << " display messages"
              << (options.nation ? ", " + std::string(to_string(*options.nation)) + " only" : "")
              << ")" << std::endl;
    if (cot_port)
      std::cout << "cot stream on tcp://" << options.cot->first << ":" << *cot_port << "/ ("
                << to_string(options.nation.value_or(Nation::USA)) << "'s picture)" << std::endl;
    const Interrupts interrupts;
    server.run(&interrupts.stop());
  });
}

}  // namespace trilink::app
