#pragma once
// EventSender: drains the EventSpool into an EventSink, oldest first. Events the receiver
// accepted, or already had (a resend after a crash or a lost reply: the store dedups by the
// stable event id), leave the spool; events it refused are set aside with the reason; when
// the receiver is unreachable nothing leaves and the next try waits retry_interval.
// Run() does that on its own thread until Stop(); DrainOnce() is one round, for tests and
// for the final flush. Counters are thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "camera/event_sink.h"
#include "camera/event_spool.h"

namespace safelane::camera {

struct SenderOptions {
  std::size_t batch = 16;                            // events per Send
  std::chrono::milliseconds retry_interval{60'000};  // after the receiver failed
};

struct SenderCounters {
  std::int64_t accepted = 0;
  std::int64_t duplicates = 0;
  std::int64_t refused = 0;
  std::int64_t failed_sends = 0;  // rounds where the receiver was unreachable
  std::string last_error;
};

class EventSender {
 public:
  EventSender(EventSpool& spool, EventSink& sink, SenderOptions options)
      : spool_(spool), sink_(sink), options_(options) {}
  EventSender(const EventSender&) = delete;
  EventSender& operator=(const EventSender&) = delete;
  ~EventSender() { Stop(); }

  // Sends until the spool is empty or the receiver fails. Returns the events that left.
  Result<std::size_t> DrainOnce();

  void Start();  // background thread: DrainOnce, wait for Wake() or retry_interval, repeat
  void Wake();   // something new was pushed
  void Stop();

  SenderCounters counters() const;

 private:
  void Loop();

  EventSpool& spool_;
  EventSink& sink_;
  SenderOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  SenderCounters counters_;
  std::thread thread_;
};

}  // namespace safelane::camera
