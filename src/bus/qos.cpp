#include "bus/qos.hpp"

#include <cmath>

namespace trilink::bus {

namespace {

dds_duration_t duration(double s) {
  return static_cast<dds_duration_t>(std::llround(s * 1e9));
}

}  // namespace

Qos make_qos(Profile p, const QosSettings& s) {
  Qos q(dds_create_qos());
  dds_qset_reliability(q.get(), DDS_RELIABILITY_RELIABLE, duration(s.max_blocking_s));
  dds_qset_liveliness(q.get(), DDS_LIVELINESS_AUTOMATIC, duration(s.lease_s));
  dds_qset_ignorelocal(q.get(), DDS_IGNORELOCAL_PARTICIPANT);
  dds_qset_destination_order(q.get(), DDS_DESTINATIONORDER_BY_SOURCE_TIMESTAMP);
  switch (p) {
    case Profile::state:
    case Profile::health:
      dds_qset_history(q.get(), DDS_HISTORY_KEEP_LAST, 1);
      dds_qset_durability(q.get(), DDS_DURABILITY_TRANSIENT_LOCAL);
      dds_qset_durability_service(q.get(), 0, DDS_HISTORY_KEEP_LAST, 1, DDS_LENGTH_UNLIMITED,
                                  DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
      if (p == Profile::health) dds_qset_deadline(q.get(), duration(s.deadline_s));
      break;
    case Profile::alerts:
      dds_qset_history(q.get(), DDS_HISTORY_KEEP_ALL, DDS_LENGTH_UNLIMITED);
      dds_qset_durability(q.get(), DDS_DURABILITY_TRANSIENT_LOCAL);
      dds_qset_durability_service(q.get(), 0, DDS_HISTORY_KEEP_ALL, DDS_LENGTH_UNLIMITED,
                                  DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
      break;
    case Profile::looks:
      dds_qset_history(q.get(), DDS_HISTORY_KEEP_ALL, DDS_LENGTH_UNLIMITED);
      dds_qset_durability(q.get(), DDS_DURABILITY_VOLATILE);
      break;
  }
  return q;
}

}  // namespace trilink::bus
