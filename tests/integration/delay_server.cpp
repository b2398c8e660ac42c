#include "tests/integration/delay_server.hpp"

#include <chrono>
#include <stdexcept>

namespace lg::test {
namespace {

// Sleeping overshoots by tens of µs; sleep to just before the deadline, then spin to it.
void hold_until(Nanos deadline) {
  constexpr Nanos kSpin = 200'000;
  const Nanos left = deadline - mono_now();
  if (left > kSpin) std::this_thread::sleep_for(std::chrono::nanoseconds(left - kSpin));
  while (mono_now() < deadline) {
  }
}

}  // namespace

DelayServer::DelayServer(Nanos delay, int threads) {
  server_.set_keep_alive_max_count(1'000'000);
  server_.set_keep_alive_timeout(60);
  server_.set_tcp_nodelay(true);
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.Get("/delay", [this, delay](const httplib::Request&, httplib::Response& res) {
    const Nanos start = mono_now();
    hold_until(start + delay);
    const double held = static_cast<double>(mono_now() - start) / 1e6;
    res.set_content("{\"success\":true}", "application/json");
    std::lock_guard<std::mutex> lock(mu_);
    holds_ms_.push_back(held);
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("delay server: cannot bind 127.0.0.1");
  // The socket already listens: connections made before the thread runs wait in the backlog.
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

DelayServer::~DelayServer() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string DelayServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<double> DelayServer::holds_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return holds_ms_;
}

}  // namespace lg::test
