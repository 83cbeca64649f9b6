#include "track/confirmer.hpp"

#include <cassert>

namespace trilink::track {

MOfNConfirmer::MOfNConfirmer(ConfirmerConfig config) : config_(config) {
  assert(config.hits >= 1 && config.hits <= config.window);
}

}  // namespace trilink::track
