#include "camera/event_sender.h"

#include <spdlog/spdlog.h>

namespace safelane::camera {

Result<std::size_t> EventSender::DrainOnce() {
  std::size_t left = 0;
  while (true) {
    auto batch = spool_.Oldest(options_.batch);
    if (!batch) return batch.error();
    if (batch->empty()) return left;
    std::vector<store::IncomingEvent> events;
    events.reserve(batch->size());
    for (const auto& s : *batch) events.push_back(s.event);
    auto results = sink_.Send(events);
    if (!results) {
      const std::lock_guard lock(mutex_);
      ++counters_.failed_sends;
      counters_.last_error = results.error().message;
      return results.error();
    }
    if (results->size() != batch->size()) {
      return Error(ErrorCode::kIo, "receiver answered " + std::to_string(results->size()) +
                                       " results for " + std::to_string(batch->size()) + " events");
    }
    for (std::size_t i = 0; i < batch->size(); ++i) {
      const auto& r = (*results)[i];
      const std::uint64_t seq = (*batch)[i].seq;
      Result<Done> done = Done{};
      {
        const std::lock_guard lock(mutex_);
        if (r.status == store::IngestStatus::kAccepted) ++counters_.accepted;
        if (r.status == store::IngestStatus::kDuplicate) ++counters_.duplicates;
        if (r.status == store::IngestStatus::kRefused) ++counters_.refused;
      }
      if (r.status == store::IngestStatus::kRefused) {
        spdlog::error("event {} refused by the receiver: {} (kept in the spool's refused/)",
                      r.event_id, r.reason);
        done = spool_.SetAside(seq, r.reason);
      } else {
        done = spool_.Remove(seq);
      }
      if (!done) return done.error();
      ++left;
    }
  }
}

void EventSender::Start() {
  const std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void EventSender::Wake() {
  {
    const std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void EventSender::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventSender::Loop() {
  while (true) {
    auto drained = DrainOnce();
    std::unique_lock lock(mutex_);
    if (stop_) return;
    if (!drained) {
      spdlog::warn("events not sent, retrying in {} ms: {}", options_.retry_interval.count(),
                   drained.error().message);
      // After a failure only the retry interval (or Stop) ends the wait: new events alone
      // do not hammer a receiver that is down.
      wake_.wait_for(lock, options_.retry_interval, [this] { return stop_; });
    } else {
      wake_.wait_for(lock, options_.retry_interval, [this] { return stop_ || woken_; });
    }
    woken_ = false;
    if (stop_) return;
  }
}

SenderCounters EventSender::counters() const {
  const std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace safelane::camera
