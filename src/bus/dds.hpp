// A thin RAII layer over the Cyclone DDS C API (docs/live.md): every entity handle is owned by
// exactly one object and deleted with it; QoS objects likewise. Creation failures come back as
// Error values naming what was being created and Cyclone's return code ("dds_create_topic
// LocalTrack: Not Allowed By Security (-13)"). dds_delete of a participant deletes its children:
// an object holding children declares the participant first, so they go before it.
#pragma once

#include <dds/dds.h>

#include <memory>
#include <string>
#include <utility>

#include "base/error.hpp"

namespace trilink::bus {

// "Not Allowed By Security (-13)".
std::string describe(dds_return_t rc);

// Owns one dds_entity_t (move-only).
class Entity {
 public:
  Entity() = default;
  explicit Entity(dds_entity_t h) : h_(h > 0 ? h : 0) {}
  ~Entity() { reset(); }
  Entity(Entity&& o) noexcept : h_(std::exchange(o.h_, 0)) {}
  Entity& operator=(Entity&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, 0);
    }
    return *this;
  }
  Entity(const Entity&) = delete;
  Entity& operator=(const Entity&) = delete;

  dds_entity_t get() const { return h_; }
  explicit operator bool() const { return h_ > 0; }
  void reset() {
    if (h_ > 0) (void)dds_delete(h_);  // already deleted with its parent: harmless
    h_ = 0;
  }

 private:
  dds_entity_t h_ = 0;
};

// The entity, or an Error naming `what` and the return code.
Expected<Entity> created(dds_entity_t h, const std::string& what);

struct QosDeleter {
  void operator()(dds_qos_t* q) const { dds_delete_qos(q); }
};
using Qos = std::unique_ptr<dds_qos_t, QosDeleter>;

struct ListenerDeleter {
  void operator()(dds_listener_t* l) const { dds_delete_listener(l); }
};
using Listener = std::unique_ptr<dds_listener_t, ListenerDeleter>;

}  // namespace trilink::bus
