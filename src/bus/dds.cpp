#include "bus/dds.hpp"

namespace trilink::bus {

std::string describe(dds_return_t rc) {
  return std::string(dds_strretcode(rc)) + " (" + std::to_string(rc) + ")";
}

Expected<Entity> created(dds_entity_t h, const std::string& what) {
  if (h < 0) return fail(what, describe(h));
  return Entity(h);
}

}  // namespace trilink::bus
