#include "harness/exec/run_state.hpp"

namespace lg::exec {

std::atomic<bool>& interrupt_flag() noexcept {
  static std::atomic<bool> flag{false};
  return flag;
}

}  // namespace lg::exec
