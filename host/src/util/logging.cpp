#include "util/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace dashflow::host {
namespace {

std::mutex redactor_mutex;
std::shared_ptr<const Redactor>& current_redactor() {
  static std::shared_ptr<const Redactor> redactor = std::make_shared<Redactor>();
  return redactor;
}

std::string redacted(const spdlog::details::log_msg& msg) {
  std::shared_ptr<const Redactor> r;
  {
    std::lock_guard<std::mutex> lock(redactor_mutex);
    r = current_redactor();
  }
  const std::string_view text(msg.payload.data(), msg.payload.size());
  return r && r->enabled() ? r->redact(text) : std::string(text);
}

// %& : the message, redacted.
class RedactedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string text = redacted(msg);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RedactedMessage>(); }
};

// %* : the message, redacted and escaped for a JSON string (so --log-format json is always valid JSON).
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char* hex = "0123456789abcdef";
    for (char ch : redacted(msg)) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\r': dest.append(std::string_view("\\r")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (c < 0x20) {
            const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            dest.append(esc, esc + 6);
          } else {
            dest.push_back(ch);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

}  // namespace

void setup_logging(const std::string& level, const std::string& format) {
  std::string effective = level;
  if (effective.empty()) {
    const char* debug = std::getenv("DASHFLOW_DEBUG");
    effective = (debug && std::string(debug) != "0" && std::string(debug) != "false") ? "debug" : "warn";
  }
  auto lvl = spdlog::level::from_str(effective);
  if (lvl == spdlog::level::off && effective != "off")
    throw std::invalid_argument("unknown log level '" + effective + "' (use trace, debug, info, warn, error or off)");
  if (format != "text" && format != "json")
    throw std::invalid_argument("unknown log format '" + format + "' (use text or json)");

  spdlog::drop_all();
  std::shared_ptr<spdlog::logger> logger;
  if (std::getenv("NO_COLOR") || format == "json")
    logger = spdlog::stderr_logger_mt("dashflow");
  else
    logger = spdlog::stderr_color_mt("dashflow");
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","pid":%P,"msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<RedactedMessage>('&').set_pattern("%^[%H:%M:%S.%e] [%l]%$ %&");
    logger->set_formatter(std::move(formatter));
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

void set_log_redactor(std::shared_ptr<const Redactor> redactor) {
  std::lock_guard<std::mutex> lock(redactor_mutex);
  current_redactor() = std::move(redactor);
}

}  // namespace dashflow::host
