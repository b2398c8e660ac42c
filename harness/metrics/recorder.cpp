#include "harness/metrics/recorder.hpp"

namespace lg::metrics {

void SlotData::reset() noexcept {
  hist.reset();
  count = 0;
  errors = 0;
  by_class.fill(0);
  out_of_range = 0;
}

void SlotData::add(const SlotData& other) {
  hist.add(other.hist);
  count += other.count;
  errors += other.errors;
  for (std::size_t i = 0; i < kErrorClasses; ++i) by_class[i] += other.by_class[i];
  out_of_range += other.out_of_range;
}

RecorderShard::RecorderShard(std::size_t slots) {
  buffers_[0].resize(slots);
  buffers_[1].resize(slots);
}

void RecorderShard::record(SlotId slot, std::int64_t value_us, ErrorClass error) noexcept {
  const auto token = phaser_.writer_enter();
  // Acquire: a writer that sees the buffer the collector just switched to also sees that
  // buffer's reset from the collection before (the phaser orders only the old phase's writers).
  SlotData& d = buffers_[active_.load(std::memory_order_acquire)][slot];
  ++d.count;
  if (error != ErrorClass::kNone) {
    ++d.errors;
    ++d.by_class[error_index(error)];
  } else if (!d.hist.record(value_us)) {
    ++d.out_of_range;
  }
  phaser_.writer_exit(token);
}

void RecorderShard::count(SlotId slot, std::int64_t n) noexcept {
  const auto token = phaser_.writer_enter();
  buffers_[active_.load(std::memory_order_acquire)][slot].count += n;
  phaser_.writer_exit(token);
}

void RecorderShard::rate(SlotId slot, bool hit) noexcept {
  const auto token = phaser_.writer_enter();
  SlotData& d = buffers_[active_.load(std::memory_order_acquire)][slot];
  ++d.count;
  if (hit) ++d.errors;
  phaser_.writer_exit(token);
}

void RecorderShard::drain_into(std::vector<SlotData>& into) {
  const int old = active_.load(std::memory_order_relaxed);
  active_.store(1 - old, std::memory_order_release);
  // After the flip no writer can still be inside the old buffer.
  phaser_.flip_phase();
  auto& inactive = buffers_[old];
  for (std::size_t i = 0; i < inactive.size(); ++i) {
    into[i].add(inactive[i]);
    inactive[i].reset();
  }
}

Recorder::Recorder(std::vector<SlotSpec> slots, std::size_t shards) : slots_(std::move(slots)) {
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<RecorderShard>(slots_.size()));
  }
}

std::vector<SlotData> Recorder::collect() {
  std::lock_guard lock(collect_mu_);
  std::vector<SlotData> out(slots_.size());
  for (auto& shard : shards_) shard->drain_into(out);
  return out;
}

}  // namespace lg::metrics
