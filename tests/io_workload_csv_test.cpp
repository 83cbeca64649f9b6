// The benchmark workloads as CSV (io/workload_csv.hpp): round trip and bad files.
#include "io/workload_csv.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

using namespace trilink;

TEST(NcvWorkload, ExportImportRoundTripAndBadFiles) {
  scenario::NcvWorkloadConfig wc;
  wc.targets = 20;
  wc.scans = 4;
  wc.clutter_per_scan = 5;
  const auto w = scenario::generate_ncv(wc);
  const std::string dir = ::testing::TempDir() + "/ncv_roundtrip";
  ASSERT_TRUE(io::export_ncv(w, dir).has_value());
  const auto back = io::import_ncv(dir, w.sigma_m);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  ASSERT_EQ(back->scans.size(), w.scans.size());
  for (std::size_t k = 0; k < w.scans.size(); ++k) {
    ASSERT_EQ(back->scans[k].detections.size(), w.scans[k].detections.size());
    for (std::size_t i = 0; i < w.scans[k].detections.size(); ++i)
      EXPECT_EQ(back->scans[k].detections[i], w.scans[k].detections[i]);
    EXPECT_EQ(back->scans[k].truth[7].p, w.scans[k].truth[7].p);
  }
  std::ofstream(dir + "/detections.csv", std::ios::app) << "1,1,2,oops,4\n";
  const auto bad = io::import_ncv(dir, w.sigma_m);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("detections.csv:"), std::string::npos);
  EXPECT_NE(bad.error().message().find("oops"), std::string::npos);

  // A target number the rows cannot fill is refused before memory is taken for it.
  ASSERT_TRUE(io::export_ncv(w, dir).has_value());
  std::ofstream(dir + "/truth.csv", std::ios::app) << "1,1,9999999,1,2,3,4,5,6\n";
  const auto huge = io::import_ncv(dir, w.sigma_m);
  ASSERT_FALSE(huge.has_value());
  EXPECT_NE(huge.error().message().find("truth.csv:"), std::string::npos);
  EXPECT_NE(huge.error().message().find("leaves ids unused"), std::string::npos);
}
