// trilink export: a recording's picture for other tools (export/interchange.hpp).
//   trilink export FILE.db --format cot|czml|kml --out FILE [--nation N] [--run
//   trilateral|national]
// One nation's picture (default USA) in one run (default trilateral). Bad input (a recording
// that is not one, an unknown format, nation or run, an output that cannot be written) exits 2
// with one line.
#include <fstream>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "export/interchange.hpp"
#include "record/replay.hpp"

namespace trilink::app {

void add_export_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string recording, format, out, nation = "USA", run = "trilateral";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "export", "a recording's picture as Cursor-on-Target (TAK), CZML (Cesium) or KML");
  cmd->add_option("recording", o->recording, "recording (trilink exercise's recording.db)")
      ->required();
  cmd->add_option("--format", o->format, "cot, czml or kml")->required();
  cmd->add_option("--out", o->out, "output file")->required();
  cmd->add_option("--nation", o->nation, "whose picture: JPN, KOR or USA (default USA)");
  cmd->add_option("--run", o->run, "trilateral (default) or national");
  cmd->callback([o, &exit_code] {
    const auto bad = [&](const Error& e) {
      std::cerr << "trilink export: " << e.message() << "\n";
      exit_code = 2;
    };
    const auto format = exports::parse_interchange(o->format);
    if (!format)
      return bad(Error{"--format", "unknown format \"" + o->format + "\" (cot, czml, kml)"});
    exports::InterchangeView view;
    const auto nation = parse_nation(o->nation);
    if (!nation)
      return bad(Error{"--nation", "unknown nation \"" + o->nation + "\" (JPN, KOR, USA)"});
    view.nation = *nation;
    if (o->run != "trilateral" && o->run != "national")
      return bad(Error{"--run", "unknown run \"" + o->run + "\" (trilateral, national)"});
    view.run = o->run;
    const auto events = record::read_all(o->recording);
    if (!events) return bad(events.error());
    const auto picture = exports::recorded_picture(*events);
    const std::string text = *format == exports::Interchange::cot ? exports::to_cot(picture, view)
                             : *format == exports::Interchange::czml
                                 ? exports::to_czml(picture, view)
                                 : exports::to_kml(picture, view);
    std::ofstream out(o->out, std::ios::binary);
    out << text;
    out.close();
    if (!out) return bad(Error{o->out, "cannot write the output file"});
  });
}

}  // namespace trilink::app
