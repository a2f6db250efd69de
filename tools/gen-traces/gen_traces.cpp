// dashflow-gen-traces: writes a deterministic, realistic corpus of DashFlow
// execution traces (the exact serde shape the executor writes, see
// reference/dashflow-core.md §1) with planted problems, and optionally a
// manifest JSON listing what an analyzer should find in it.
//
// Every trace gets its own random stream derived from (seed, index), so the
// corpus is byte-identical for a seed whatever the thread count.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

constexpr const char* kUsage = R"USAGE(dashflow-gen-traces: write a realistic DashFlow trace corpus with planted problems

Usage:
  dashflow-gen-traces --out DIR --count N [options]

Options:
  --out DIR          Root of the corpus (created; must be empty or absent). Traces go to
                     DIR/YYYY-MM-DD/<execution_id>.json (by started_at).
  --count N          Number of traces (N >= 1).
  --seed S           Random seed (default 42). Same seed, same bytes.
  --format F         json    : one pretty-printed trace per file, like the executor (default)
                     jsonl   : compact traces, 1000 per DIR/YYYY-MM-DD/batch-NNNNNN.jsonl
                     gz-mix  : like json, but traces in the first quarter of the time range
                               are gzipped (<id>.json.gz), as trace retention leaves them
  --graph NAME       Graph to simulate (default weather_bot; the only one so far).
  --start TIME       started_at of the first trace, RFC 3339 UTC (default 2025-12-01T00:00:00Z).
  --days D           Length of the time range in days (default 7).
  --threads T        Writer threads (default 2). Output does not depend on it.
  --manifest FILE    Also write a manifest JSON (keep it outside DIR). It is a valid graph
                     manifest for dashflow ("nodes", "tools") and lists under "expected"
                     what an analyzer should find, computed from the traces written.
  -h, --help         This help.

Graph weather_bot: planner, retriever, tool_executor, forecast_fetcher, summarizer,
validator, responder (3-8 node runs per trace, tool_executor may run twice).

Planted problems (rates per node execution unless said otherwise):
  - recurring timeouts: forecast_fetcher fails 3% of runs with
      "Timeout after <10|15|30>s calling api.weather.gov (request <n>)"   (error_type Timeout)
  - high retry rate: summarizer hits a rate limit in 25% of runs, retried
      (retry_attempted true): "Rate limit exceeded for model gpt-4o-mini (HTTP 429); retried after <n>ms"
  - slow node: retriever p95 ~2500 ms; every other node p95 < 500 ms
  - missing tool: tool_executor fails 4% of runs with "tool 'geocode' not found"
    (not recoverable; the run stops, completed false)
  - unused known node: legacy_formatter (in the manifest's nodes, never executed)
  - unused known tool: send_sms (in the manifest's tools, never called)
  - rarely used tool: calculator (3% of tool_executor runs)
  - latency degradation: node durations +40% in the second half of the time range
  - token outliers: ~0.4% of traces use >2x the mean total_tokens (responder blow-up)
  - background noise: validator fails 1% of runs with
      "Validation failed: forecast missing field 'units'"
)USAGE";

// ------------------------------------------------------------------ options

struct Options {
  std::string out;
  uint64_t count = 0;
  uint64_t seed = 42;
  std::string format = "json";
  std::string graph = "weather_bot";
  std::string start = "2025-12-01T00:00:00Z";
  uint64_t days = 7;
  unsigned threads = 2;
  std::string manifest;
};

bool parse_u64(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// ------------------------------------------------------------------ random

// SplitMix64: tiny, fast, and identical on every platform.
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  uint64_t range(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  double normal() {
    double u1 = unit();
    if (u1 < 1e-300) u1 = 1e-300;
    const double u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  template <class T, size_t N>
  const T& pick(const T (&items)[N]) { return items[below(N)]; }
};

// ------------------------------------------------------------------ time

// Days since 1970-01-01 from a civil date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

// "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+00:00" (fraction allowed, ignored).
bool parse_start(const std::string& s, int64_t& unix_us) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  const bool utc = s.back() == 'Z' || s.ends_with("+00:00");
  if (!utc) return false;
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  unix_us = ((days * 86400) + h * 3600 + mi * 60 + se) * 1000000ll;
  return true;
}

void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// chrono's to_rfc3339(): "+00:00" and the shortest of 0/3/6 fraction digits.
void append_timestamp(std::string& out, int64_t unix_us) {
  const int64_t secs = unix_us / 1000000;
  const int64_t micros = unix_us % 1000000;
  int64_t y;
  unsigned m, d;
  civil_from_days(secs / 86400, y, m, d);
  const int64_t sod = secs % 86400;
  char year[24];
  std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(y));
  out += year;
  out += '-';
  append_2(out, m);
  out += '-';
  append_2(out, d);
  out += 'T';
  append_2(out, static_cast<unsigned>(sod / 3600));
  out += ':';
  append_2(out, static_cast<unsigned>(sod / 60 % 60));
  out += ':';
  append_2(out, static_cast<unsigned>(sod % 60));
  if (micros != 0) {
    char frac[16];
    if (micros % 1000 == 0) {
      std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(micros / 1000));
    } else {
      std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(micros));
    }
    out += frac;
  }
  out += "+00:00";
}

std::string day_name(int64_t unix_us) {
  int64_t y;
  unsigned m, d;
  civil_from_days(unix_us / 1000000 / 86400, y, m, d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

// ------------------------------------------------------------------ JSON writer

// serde_json's PrettyFormatter (two-space indent, "key": value, empty
// containers as [] and {}), or its compact form.
class Writer {
 public:
  Writer(std::string& out, int depth, bool pretty) : out_(out), depth_(depth), pretty_(pretty) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view k) {
    item();
    string(k);
    out_ += pretty_ ? ": " : ":";
  }
  // Before an array element.
  void element() { item(); }

  void string(std::string_view s) {
    out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out_ += buf;
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }
  void number(uint64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    out_.append(buf, end);
  }
  void signed_number(int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    out_.append(buf, end);
  }
  // value / 10^decimals, printed like serde prints such an f64 (trailing zeros trimmed, ".0" kept).
  void fixed(int64_t scaled, int decimals) {
    int64_t div = 1;
    for (int i = 0; i < decimals; ++i) div *= 10;
    if (scaled < 0) {
      out_ += '-';
      scaled = -scaled;
    }
    signed_number(scaled / div);
    out_ += '.';
    int64_t frac = scaled % div;
    std::string digits;
    for (int i = 0; i < decimals; ++i) {
      div /= 10;
      digits += static_cast<char>('0' + frac / div % 10);
    }
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    out_ += digits;
  }
  void boolean(bool v) { out_ += v ? "true" : "false"; }
  void null() { out_ += "null"; }
  void raw(std::string_view text) { out_ += text; }
  void timestamp(int64_t unix_us) {
    out_ += '"';
    append_timestamp(out_, unix_us);
    out_ += '"';
  }

  void kv(std::string_view k, std::string_view v) { key(k); string(v); }
  void kv_num(std::string_view k, uint64_t v) { key(k); number(v); }
  void kv_bool(std::string_view k, bool v) { key(k); boolean(v); }
  void kv_null(std::string_view k) { key(k); null(); }

 private:
  void open(char c) {
    out_ += c;
    ++depth_;
    first_.push_back(true);
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    --depth_;
    if (!empty) newline();
    out_ += c;
  }
  void item() {
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
    newline();
  }
  void newline() {
    if (!pretty_) return;
    out_ += '\n';
    out_.append(static_cast<size_t>(depth_) * 2, ' ');
  }

  std::string& out_;
  int depth_;
  bool pretty_;
  std::vector<bool> first_;
};

// ------------------------------------------------------------------ the graph

struct City {
  const char* name;
  const char* country;
  int lat_e4;
  int lon_e4;
  const char* timezone;
};

const City kCities[] = {
    {"Paris", "FR", 488566, 23522, "Europe/Paris"},       {"London", "GB", 515072, -1276, "Europe/London"},
    {"Berlin", "DE", 525200, 134050, "Europe/Berlin"},    {"Madrid", "ES", 404168, -37038, "Europe/Madrid"},
    {"Rome", "IT", 419028, 124964, "Europe/Rome"},        {"Lisbon", "PT", 387223, -91393, "Europe/Lisbon"},
    {"Oslo", "NO", 599139, 107522, "Europe/Oslo"},        {"Vienna", "AT", 482082, 163738, "Europe/Vienna"},
    {"New York", "US", 407128, -740060, "America/New_York"}, {"Chicago", "US", 418781, -876298, "America/Chicago"},
    {"Denver", "US", 397392, -1049903, "America/Denver"}, {"Seattle", "US", 476062, -1223321, "America/Los_Angeles"},
    {"Toronto", "CA", 436532, -793832, "America/Toronto"}, {"Mexico City", "MX", 194326, -991332, "America/Mexico_City"},
    {"Tokyo", "JP", 356762, 1396503, "Asia/Tokyo"},       {"Seoul", "KR", 375665, 1269780, "Asia/Seoul"},
    {"Sydney", "AU", -338688, 1512093, "Australia/Sydney"}, {"Cape Town", "ZA", -339249, 184241, "Africa/Johannesburg"},
    {"Mumbai", "IN", 190760, 728777, "Asia/Kolkata"},     {"Singapore", "SG", 13521, 1038198, "Asia/Singapore"},
};

const char* const kWhen[] = {"today", "tomorrow", "this weekend", "on Friday", "tonight", "tomorrow morning"};
const char* const kQueryStart[] = {"What's the weather in", "Will it rain in", "Should I bring an umbrella in",
                                   "How cold will it be in", "Is it going to snow in", "What should I wear in"};
const char* const kConditions[] = {"clear sky", "partly cloudy", "overcast", "light rain", "moderate rain",
                                   "drizzle", "fog", "light snow", "thunderstorms", "windy"};
const char* const kForecastSummaries[] = {
    "Mostly sunny with a light breeze in the afternoon.",
    "Cloudy in the morning, clearing up by the evening.",
    "Showers likely, especially after 3 pm; carry an umbrella.",
    "Cold front moving in overnight with gusts up to 50 km/h.",
    "Dry and mild, good conditions for outdoor plans.",
    "Patchy fog early, then periods of light rain.",
};
const char* const kSources[] = {"kb://climate/normals", "kb://travel/packing-guide", "web://weather.gov/faq",
                                "kb://city-guides/seasonal", "web://metoffice.gov.uk/advice"};
const char* const kSnippets[] = {
    "December highs stay between 4 and 9 degrees with frequent light rain.",
    "Layers and a waterproof jacket are recommended in winter.",
    "Coastal winds pick up in the afternoon; valleys keep fog until late morning.",
    "A 40 percent chance of rain on any given day, mostly brief showers.",
    "Snow is rare at low elevations; icy pavements after clear nights.",
    "Transit runs reduced schedules during severe weather warnings.",
};
const char* const kPlanSteps[] = {"resolve location", "retrieve climate context", "call weather_api",
                                  "fetch multi-day forecast", "summarize conditions", "validate units and dates",
                                  "compose answer"};

const char* const kKnownNodes[] = {"planner", "retriever", "tool_executor", "forecast_fetcher",
                                   "summarizer", "validator", "responder", "legacy_formatter"};
const char* const kKnownTools[] = {"weather_api", "search", "unit_converter", "calculator", "vector_search", "send_sms"};

enum NodeId { Planner, Retriever, ToolExecutor, ForecastFetcher, Summarizer, Validator, Responder, kNodeCount };
const char* const kNodeNames[kNodeCount] = {"planner", "retriever", "tool_executor", "forecast_fetcher",
                                            "summarizer", "validator", "responder"};

struct Flow {
  unsigned weight;
  std::vector<NodeId> nodes;
};
const std::vector<Flow>& flows() {
  static const std::vector<Flow> f = {
      {30, {Planner, Retriever, ToolExecutor, Summarizer, Responder}},
      {15, {Planner, ToolExecutor, Responder}},
      {30, {Planner, Retriever, ToolExecutor, ForecastFetcher, Summarizer, Validator, Responder}},
      {10, {Planner, Retriever, ToolExecutor, ToolExecutor, ForecastFetcher, Summarizer, Validator, Responder}},
      {15, {Planner, ToolExecutor, ForecastFetcher, Summarizer, Responder}},
  };
  return f;
}

// Planted rates.
constexpr double kTimeoutRate = 0.03;      // forecast_fetcher
constexpr double kRetryRate = 0.25;        // summarizer
constexpr double kMissingToolRate = 0.04;  // tool_executor
constexpr double kValidationRate = 0.01;   // validator
constexpr double kTokenOutlierRate = 0.004;
constexpr double kDegradation = 1.4;  // second half of the time range

// ------------------------------------------------------------------ graph state

struct Document {
  uint64_t id;
  const char* source;
  unsigned score_milli;
  const char* snippet;
};
struct DayForecast {
  int64_t day_us;
  int high_dc, low_dc;
  unsigned precip_pct;
  const char* summary;
};

struct GraphState {
  std::string session_id, user_id, query;
  const City* city = nullptr;
  const char* when = "";
  unsigned step = 0;
  std::vector<std::pair<const char*, std::string>> messages;
  std::vector<const char*> plan;
  bool has_location = false;
  std::vector<Document> documents;
  bool has_weather = false;
  int temp_dc = 0;
  unsigned humidity = 0, wind_dkph = 0;
  const char* conditions = "";
  std::string units;
  std::vector<DayForecast> forecast;
  std::vector<std::string> sources;
  std::string summary;
  bool has_validation = false, validation_passed = true;
  std::string response;

  void write(Writer& w) const {
    w.begin_object();
    w.kv("session_id", session_id);
    w.kv_num("step", step);
    w.kv("query", query);
    w.key("messages");
    w.begin_array();
    for (const auto& [role, content] : messages) {
      w.element();
      w.begin_object();
      w.kv("role", role);
      w.kv("content", content);
      w.end_object();
    }
    w.end_array();
    if (!plan.empty()) {
      w.key("plan");
      w.begin_array();
      for (const char* s : plan) {
        w.element();
        w.string(s);
      }
      w.end_array();
    }
    if (has_location) {
      w.key("location");
      w.begin_object();
      w.kv("city", city->name);
      w.kv("country", city->country);
      w.key("lat");
      w.fixed(city->lat_e4, 4);
      w.key("lon");
      w.fixed(city->lon_e4, 4);
      w.kv("timezone", city->timezone);
      w.end_object();
    }
    if (!documents.empty()) {
      w.key("documents");
      w.begin_array();
      for (const auto& d : documents) {
        w.element();
        w.begin_object();
        w.kv("id", "doc-" + std::to_string(d.id));
        w.kv("source", d.source);
        w.key("score");
        w.fixed(d.score_milli, 3);
        w.kv("snippet", d.snippet);
        w.end_object();
      }
      w.end_array();
    }
    if (has_weather) {
      w.key("current_weather");
      w.begin_object();
      w.key("temp_c");
      w.fixed(temp_dc, 1);
      w.kv("conditions", conditions);
      w.kv_num("humidity", humidity);
      w.key("wind_kph");
      w.fixed(wind_dkph, 1);
      w.kv("units", units);
      w.end_object();
    }
    if (!forecast.empty()) {
      w.key("forecast");
      w.begin_array();
      for (const auto& f : forecast) {
        w.element();
        w.begin_object();
        std::string day;
        append_timestamp(day, f.day_us);
        w.kv("date", day.substr(0, 10));
        w.key("high_c");
        w.fixed(f.high_dc, 1);
        w.key("low_c");
        w.fixed(f.low_dc, 1);
        w.kv_num("precipitation_pct", f.precip_pct);
        w.kv("summary", f.summary);
        w.end_object();
      }
      w.end_array();
    }
    if (!sources.empty()) {
      w.key("sources");
      w.begin_array();
      for (const auto& s : sources) {
        w.element();
        w.string(s);
      }
      w.end_array();
    }
    if (!summary.empty()) w.kv("summary", summary);
    if (has_validation) {
      w.key("validation");
      w.begin_object();
      w.kv_bool("passed", validation_passed);
      w.key("checks");
      w.begin_array();
      for (const char* c : {"units", "location", "freshness"}) {
        w.element();
        w.string(c);
      }
      w.end_array();
      w.end_object();
    }
    w.end_object();
  }

  // Rendered at a nesting depth (nodes_executed[i].state_* sit at depth 3).
  std::string render(int depth, bool pretty) const {
    std::string out;
    out.reserve(2048);
    Writer w(out, depth, pretty);
    write(w);
    return out;
  }
};

// ------------------------------------------------------------------ one trace

struct NodeRun {
  NodeId id;
  uint64_t duration_ms = 0;
  uint64_t tokens = 0;
  int64_t started_us = 0;
  std::vector<const char*> tools;
  bool success = true;
  std::string error_message;  // empty: null
  std::string metadata_attempt;  // "2" when a retry happened
  std::string state_before, state_after;  // rendered at depth 3
};

struct ErrorRun {
  NodeId node;
  std::string message;
  const char* error_type;
  std::string state;  // rendered at depth 3
  int64_t timestamp_us;
  uint64_t index;
  bool recoverable, retry;
  const char* context;  // may be null
};

enum Kind { KindTimeout, KindRetry, KindMissingTool, KindValidation, kKindCount };

// What the manifest needs, gathered per thread and merged.
struct Stats {
  std::vector<std::vector<uint32_t>> durations = std::vector<std::vector<uint32_t>>(kNodeCount);
  std::vector<uint64_t> retries = std::vector<uint64_t>(kNodeCount, 0);
  uint64_t kind_count[kKindCount] = {};
  std::vector<std::pair<uint64_t, uint64_t>> total_tokens;  // (index, tokens)
  std::vector<std::pair<uint64_t, uint64_t>> total_duration;  // (index, ms)
  uint64_t node_duration_sum = 0;
  uint64_t node_runs = 0;
  uint64_t files = 0, bytes = 0;
  uint64_t tool_calls[std::size(kKnownTools)] = {};

  void merge(Stats& o) {
    for (int n = 0; n < kNodeCount; ++n) {
      durations[n].insert(durations[n].end(), o.durations[n].begin(), o.durations[n].end());
      retries[n] += o.retries[n];
    }
    for (int k = 0; k < kKindCount; ++k) kind_count[k] += o.kind_count[k];
    total_tokens.insert(total_tokens.end(), o.total_tokens.begin(), o.total_tokens.end());
    total_duration.insert(total_duration.end(), o.total_duration.begin(), o.total_duration.end());
    node_duration_sum += o.node_duration_sum;
    node_runs += o.node_runs;
    files += o.files;
    bytes += o.bytes;
    for (size_t t = 0; t < std::size(kKnownTools); ++t) tool_calls[t] += o.tool_calls[t];
  }
};

struct Corpus {
  Options opt;
  int64_t start_us = 0;
  int64_t span_us = 0;
  bool pretty = true;
};

std::string uuid_v4(Rng& rng) {
  uint64_t a = rng.next(), b = rng.next();
  a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFFF),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
  return buf;
}

int64_t trace_start_us(const Corpus& c, uint64_t index) {
  const int64_t step = c.span_us / static_cast<int64_t>(c.opt.count);
  Rng rng(c.opt.seed * 0x9E3779B97F4A7C15ull + index * 0xD1B54A32D192ED03ull + 1);
  return c.start_us + static_cast<int64_t>(index) * step + static_cast<int64_t>(rng.below(static_cast<uint64_t>(step / 2 + 1)));
}

size_t tool_slot(const char* name) {
  for (size_t t = 0; t < std::size(kKnownTools); ++t)
    if (std::strcmp(kKnownTools[t], name) == 0) return t;
  return std::size(kKnownTools);
}

// Builds trace `index` into out; fills execution_id.
void generate_trace(const Corpus& c, uint64_t index, std::string& out, std::string& execution_id, Stats& stats) {
  Rng rng(c.opt.seed * 0x9E3779B97F4A7C15ull + index * 0xD1B54A32D192ED03ull + 1);
  const int64_t step_us = c.span_us / static_cast<int64_t>(c.opt.count);
  const int64_t started_us =
      c.start_us + static_cast<int64_t>(index) * step_us + static_cast<int64_t>(rng.below(static_cast<uint64_t>(step_us / 2 + 1)));
  execution_id = uuid_v4(rng);
  const bool second_half = index >= c.opt.count / 2;
  const double slow = second_half ? kDegradation : 1.0;
  const bool token_outlier = rng.chance(kTokenOutlierRate);

  unsigned total_weight = 0;
  for (const auto& f : flows()) total_weight += f.weight;
  unsigned roll = static_cast<unsigned>(rng.below(total_weight));
  const Flow* flow = &flows().front();
  for (const auto& f : flows()) {
    if (roll < f.weight) {
      flow = &f;
      break;
    }
    roll -= f.weight;
  }

  GraphState st;
  st.session_id = "session-" + std::to_string(100000 + rng.below(900000));
  st.user_id = "user-" + std::to_string(1000 + rng.below(9000));
  st.city = &rng.pick(kCities);
  st.when = rng.pick(kWhen);
  st.query = std::string(rng.pick(kQueryStart)) + " " + st.city->name + " " + st.when + "?";
  st.messages.push_back({"user", st.query});
  st.units = rng.chance(0.7) ? "metric" : "imperial";

  std::vector<NodeRun> runs;
  std::vector<ErrorRun> errors;
  int64_t cursor = started_us + static_cast<int64_t>(rng.range(200, 2000));
  bool stopped = false;
  std::string before = st.render(3, c.pretty);
  unsigned tool_executor_runs = 0;

  for (NodeId id : flow->nodes) {
    if (stopped) break;
    NodeRun run;
    run.id = id;
    run.started_us = cursor;
    run.state_before = before;
    std::string err;
    bool record_error = false;
    const char* error_type = nullptr;
    const char* context = nullptr;
    bool recoverable = true, retry = false;
    Kind kind = kKindCount;
    st.step++;

    switch (id) {
      case Planner: {
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(150, 0.3) * slow);
        run.tokens = rng.range(600, 1400);
        st.plan.clear();
        for (const char* s : kPlanSteps)
          if (rng.chance(0.5)) st.plan.push_back(s);
        if (st.plan.empty()) st.plan.push_back(kPlanSteps[6]);
        break;
      }
      case Retriever: {
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(950, 0.45) * slow);
        run.tools.push_back("vector_search");
        const unsigned n = static_cast<unsigned>(rng.range(2, 3));
        st.documents.clear();
        for (unsigned i = 0; i < n; ++i)
          st.documents.push_back({rng.range(10000, 99999), rng.pick(kSources),
                                  static_cast<unsigned>(rng.range(550, 990)), rng.pick(kSnippets)});
        break;
      }
      case ToolExecutor: {
        ++tool_executor_runs;
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(160, 0.35) * slow);
        if (rng.chance(0.4)) run.tools.push_back("search");
        if (tool_executor_runs == 1 && rng.chance(kMissingToolRate)) {
          err = "tool 'geocode' not found";
          error_type = "ToolError";
          context = "ToolRegistry::resolve: no tool registered under this name";
          recoverable = false;
          record_error = true;
          run.success = false;
          kind = KindMissingTool;
          stopped = true;
          break;
        }
        run.tools.push_back("weather_api");
        if (tool_executor_runs > 1 || rng.chance(0.2)) run.tools.push_back("unit_converter");
        if (rng.chance(0.03)) run.tools.push_back("calculator");
        st.has_location = true;
        st.has_weather = true;
        st.temp_dc = static_cast<int>(rng.range(0, 300)) - 80;
        st.humidity = static_cast<unsigned>(rng.range(35, 98));
        st.wind_dkph = static_cast<unsigned>(rng.range(0, 450));
        st.conditions = rng.pick(kConditions);
        break;
      }
      case ForecastFetcher: {
        run.tools.push_back("weather_api");
        if (rng.chance(kTimeoutRate)) {
          static const unsigned kSecs[] = {10, 15, 30};
          const unsigned secs = rng.pick(kSecs);
          run.duration_ms = secs * 1000ull + rng.below(300);
          err = "Timeout after " + std::to_string(secs) + "s calling api.weather.gov (request " +
                std::to_string(rng.range(10000, 99999)) + ")";
          error_type = "Timeout";
          context = "reqwest::Error { kind: Request, source: TimedOut }";
          record_error = true;
          run.success = false;
          kind = KindTimeout;
          break;
        }
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(140, 0.3) * slow);
        st.forecast.clear();
        const unsigned n = 3;
        for (unsigned i = 0; i < n; ++i) {
          const int low = static_cast<int>(rng.range(0, 200)) - 80;
          st.forecast.push_back({started_us + static_cast<int64_t>(i + 1) * 86400000000ll, low + static_cast<int>(rng.range(20, 120)),
                                 low, static_cast<unsigned>(rng.range(0, 100)), rng.pick(kForecastSummaries)});
        }
        break;
      }
      case Summarizer: {
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(200, 0.3) * slow);
        run.tokens = rng.range(800, 2000);
        if (rng.chance(kRetryRate)) {
          const uint64_t wait = rng.range(50, 150);
          run.duration_ms += wait;
          run.tokens += rng.range(200, 400);
          err = "Rate limit exceeded for model gpt-4o-mini (HTTP 429); retried after " + std::to_string(wait) + "ms";
          error_type = "LLMError";
          retry = true;
          record_error = true;
          run.metadata_attempt = "2";
          kind = KindRetry;
          stats.retries[Summarizer]++;
        }
        // The summary replaces the retrieved documents by their ids.
        for (const auto& d : st.documents) st.sources.push_back("doc-" + std::to_string(d.id));
        st.documents.clear();
        st.summary = std::string("Conditions in ") + st.city->name + " " + st.when + ": " +
                     (st.has_weather ? st.conditions : "unknown") + ". " + rng.pick(kForecastSummaries);
        break;
      }
      case Validator: {
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(60, 0.4) * slow);
        run.tokens = rng.range(150, 400);
        st.has_validation = true;
        st.validation_passed = true;
        if (rng.chance(kValidationRate)) {
          err = "Validation failed: forecast missing field 'units'";
          error_type = "ValidationError";
          record_error = true;
          run.success = false;
          st.validation_passed = false;
          kind = KindValidation;
        }
        break;
      }
      case Responder: {
        run.duration_ms = static_cast<uint64_t>(rng.lognormal(180, 0.3) * slow);
        run.tokens = token_outlier ? rng.range(12000, 20000) : rng.range(300, 900);
        st.response = std::string("Here is the outlook for ") + st.city->name + " " + st.when + ": " +
                      (st.has_weather ? st.conditions : "no current data") + ", around " +
                      std::to_string(st.temp_dc / 10) + "\u00b0C.";
        st.messages.push_back({"assistant", st.response});
        break;
      }
      case kNodeCount: break;
    }
    if (run.duration_ms == 0) run.duration_ms = 1;
    if (!err.empty()) run.error_message = err;
    run.state_after = st.render(3, c.pretty);
    before = run.state_after;
    cursor += static_cast<int64_t>(run.duration_ms) * 1000 + static_cast<int64_t>(rng.range(300, 4000));
    if (record_error) {
      errors.push_back({id, err, error_type, run.state_before, cursor - 150, runs.size(), recoverable, retry, context});
      if (kind != kKindCount) stats.kind_count[kind]++;
    }
    stats.durations[id].push_back(static_cast<uint32_t>(run.duration_ms));
    stats.node_duration_sum += run.duration_ms;
    stats.node_runs++;
    for (const char* t : run.tools) {
      const size_t slot = tool_slot(t);
      if (slot < std::size(kKnownTools)) stats.tool_calls[slot]++;
    }
    runs.push_back(std::move(run));
  }

  const int64_t ended_us = cursor + static_cast<int64_t>(rng.range(100, 900));
  const uint64_t total_ms = static_cast<uint64_t>((ended_us - started_us) / 1000);
  uint64_t total_tokens = 0;
  for (const auto& r : runs) total_tokens += r.tokens;
  stats.total_tokens.push_back({index, total_tokens});
  stats.total_duration.push_back({index, total_ms});

  // ---- write, in serde field order (reference/dashflow-core.md §1.1)
  Writer w(out, 0, c.pretty);
  w.begin_object();
  w.kv("thread_id", st.session_id);
  w.kv("execution_id", execution_id);
  w.kv_num("depth", 0);
  w.key("nodes_executed");
  w.begin_array();
  for (size_t i = 0; i < runs.size(); ++i) {
    const NodeRun& r = runs[i];
    w.element();
    w.begin_object();
    w.kv("node", kNodeNames[r.id]);
    w.kv_num("duration_ms", r.duration_ms);
    w.kv_num("tokens_used", r.tokens);
    w.key("state_before");
    w.raw(r.state_before);
    w.key("state_after");
    w.raw(r.state_after);
    w.key("tools_called");
    w.begin_array();
    for (const char* t : r.tools) {
      w.element();
      w.string(t);
    }
    w.end_array();
    w.kv_bool("success", r.success);
    if (r.error_message.empty()) w.kv_null("error_message");
    else w.kv("error_message", r.error_message);
    w.kv_num("index", i);
    w.key("started_at");
    w.timestamp(r.started_us);
    w.key("metadata");
    w.begin_object();
    if (!r.metadata_attempt.empty()) {
      w.key("attempt");
      w.raw(r.metadata_attempt);
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.kv_num("total_duration_ms", total_ms);
  w.kv_num("total_tokens", total_tokens);
  w.key("errors");
  w.begin_array();
  for (const auto& e : errors) {
    w.element();
    w.begin_object();
    w.kv("node", kNodeNames[e.node]);
    w.kv("message", e.message);
    w.kv("error_type", e.error_type);
    w.key("state_at_error");
    w.raw(e.state);
    w.key("timestamp");
    w.timestamp(e.timestamp_us);
    w.kv_num("execution_index", e.index);
    w.kv_bool("recoverable", e.recoverable);
    w.kv_bool("retry_attempted", e.retry);
    if (e.context) w.kv("context", e.context);
    else w.kv_null("context");
    w.key("metadata");
    w.begin_object();
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.kv_bool("completed", !stopped);
  w.key("started_at");
  w.timestamp(started_us);
  w.key("ended_at");
  w.timestamp(ended_us);
  w.key("final_state");
  w.raw(st.render(1, c.pretty));
  w.key("metadata");
  w.begin_object();
  w.kv("graph_name", c.opt.graph);
  w.kv_num("checkpoint_count", 0);
  w.kv_num("edges_traversed", runs.empty() ? 0 : runs.size() - 1);
  w.kv_num("parallel_executions", 0);
  w.end_object();

  // execution_metrics: accumulated per node, first-seen order.
  std::vector<NodeId> order;
  uint64_t node_ms[kNodeCount] = {}, node_count[kNodeCount] = {}, node_tok[kNodeCount] = {};
  int64_t node_last[kNodeCount] = {};
  for (const auto& r : runs) {
    if (node_count[r.id] == 0) order.push_back(r.id);
    node_ms[r.id] += r.duration_ms;
    node_count[r.id]++;
    node_tok[r.id] += r.tokens;
    node_last[r.id] = r.started_us;
  }
  w.key("execution_metrics");
  w.begin_object();
  w.key("node_durations");
  w.begin_object();
  for (NodeId id : order) {
    w.key(kNodeNames[id]);
    w.begin_object();
    w.kv_num("secs", node_ms[id] / 1000);
    w.kv_num("nanos", node_ms[id] % 1000 * 1000000);
    w.end_object();
  }
  w.end_object();
  w.key("node_execution_counts");
  w.begin_object();
  for (NodeId id : order) w.kv_num(kNodeNames[id], node_count[id]);
  w.end_object();
  w.key("node_timestamps");
  w.begin_object();
  for (NodeId id : order) {
    w.key(kNodeNames[id]);
    w.timestamp(node_last[id]);
  }
  w.end_object();
  w.key("total_duration");
  w.begin_object();
  w.kv_num("secs", total_ms / 1000);
  w.kv_num("nanos", total_ms % 1000 * 1000000);
  w.end_object();
  w.kv_num("checkpoint_count", 0);
  w.kv_num("checkpoint_loads", 0);
  w.kv_null("state_size_bytes");
  w.kv_num("edges_traversed", runs.empty() ? 0 : runs.size() - 1);
  w.kv_num("conditional_branches", flow->nodes.size() > 5 ? 1 : 0);
  w.kv_num("parallel_executions", 0);
  w.kv_num("peak_concurrency", 1);
  w.kv_num("events_emitted", runs.size() * 2);
  w.key("node_tokens");
  w.begin_object();
  for (NodeId id : order)
    if (node_tok[id] > 0) w.kv_num(kNodeNames[id], node_tok[id]);
  w.end_object();
  w.kv_num("total_tokens", total_tokens);
  w.end_object();
  w.end_object();
  if (c.pretty) out += '\n';
}

// ------------------------------------------------------------------ output

bool write_file(const std::string& path, const std::string& data, bool gzip, std::string& error) {
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb6");
    if (!f) {
      error = "cannot create " + path + ": " + std::strerror(errno);
      return false;
    }
    const int n = gzwrite(f, data.data(), static_cast<unsigned>(data.size()));
    const int rc = gzclose(f);
    if (n != static_cast<int>(data.size()) || rc != Z_OK) {
      error = "cannot write " + path;
      return false;
    }
    return true;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "cannot write " + path + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    error = "cannot close " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

constexpr uint64_t kBatch = 1000;

// Writes batches b = first, first + stride, ...
void run_worker(const Corpus& c, uint64_t first, uint64_t stride, Stats& stats, std::string& error,
                std::atomic<bool>& failed) {
  const uint64_t batches = (c.opt.count + kBatch - 1) / kBatch;
  std::string text, id, lines;
  text.reserve(1 << 16);
  for (uint64_t b = first; b < batches && !failed.load(); b += stride) {
    const uint64_t lo = b * kBatch, hi = std::min(c.opt.count, lo + kBatch);
    if (c.opt.format == "jsonl") {
      lines.clear();
      for (uint64_t i = lo; i < hi; ++i) {
        text.clear();
        generate_trace(c, i, text, id, stats);
        lines += text;
        lines += '\n';
      }
      char name[32];
      std::snprintf(name, sizeof name, "batch-%06llu.jsonl", static_cast<unsigned long long>(b));
      const std::string path = c.opt.out + "/" + day_name(trace_start_us(c, lo)) + "/" + name;
      if (!write_file(path, lines, false, error)) {
        failed = true;
        return;
      }
      stats.files++;
      stats.bytes += lines.size();
      continue;
    }
    for (uint64_t i = lo; i < hi; ++i) {
      text.clear();
      generate_trace(c, i, text, id, stats);
      const int64_t start = trace_start_us(c, i);
      const bool gz = c.opt.format == "gz-mix" && start < c.start_us + c.span_us / 4;
      const std::string path = c.opt.out + "/" + day_name(start) + "/" + id + (gz ? ".json.gz" : ".json");
      if (!write_file(path, text, gz, error)) {
        failed = true;
        return;
      }
      stats.files++;
      stats.bytes += text.size();
    }
  }
}

// The gap analyzer's normalize_error_message (reference §3.0), for the manifest.
std::string normalize(std::string_view msg) {
  std::string out;
  bool in_digits = false, space = false;
  for (char ch : msg) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c >= '0' && c <= '9') {
      if (!in_digits) out += "<n>";
      in_digits = true;
      space = false;
      continue;
    }
    in_digits = false;
    if (c == '"' || c == '\'') continue;
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!space && !out.empty()) out += ' ';
      space = true;
      continue;
    }
    space = false;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

uint64_t p95_nearest_rank(std::vector<uint32_t>& v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(v.size())));
  return v[std::max<size_t>(rank, 1) - 1];
}

nlohmann::json build_manifest(const Corpus& c, Stats& s, double seconds) {
  using nlohmann::json;
  json m;
  m["_schema_version"] = 1;
  m["generator"] = "dashflow-gen-traces";
  m["seed"] = c.opt.seed;
  m["count"] = c.opt.count;
  m["format"] = c.opt.format;
  m["graph_name"] = c.opt.graph;
  std::string a, b;
  append_timestamp(a, c.start_us);
  append_timestamp(b, c.start_us + c.span_us);
  m["time_range"] = {{"start", a}, {"end", b}};
  m["files"] = s.files;
  m["bytes"] = s.bytes;
  m["generation_seconds"] = seconds;
  json nodes = json::array(), tools = json::array();
  for (const char* n : kKnownNodes) nodes.push_back(n);
  for (const char* t : kKnownTools) tools.push_back(t);
  // "nodes"/"tools": usable as dashflow's graph_manifest as is.
  m["nodes"] = nodes;
  m["tools"] = tools;
  m["known_nodes"] = nodes;
  m["known_tools"] = tools;
  m["node_runs"] = s.node_runs;
  m["node_duration_ms_sum"] = s.node_duration_sum;

  json per_node = json::object();
  for (int n = 0; n < kNodeCount; ++n) {
    auto& v = s.durations[n];
    uint64_t sum = 0;
    for (uint32_t d : v) sum += d;
    const uint64_t count = v.size();
    json e;
    e["count"] = count;
    e["sum_ms"] = sum;
    e["avg_ms"] = count ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
    e["p95_ms_nearest_rank"] = p95_nearest_rank(v);
    e["retries"] = s.retries[n];
    per_node[kNodeNames[n]] = e;
  }
  m["per_node"] = per_node;
  json tool_calls = json::object();
  for (size_t t = 0; t < std::size(kKnownTools); ++t) tool_calls[kKnownTools[t]] = s.tool_calls[t];
  m["tool_calls"] = tool_calls;

  // Expected findings.
  json ex;
  ex["recurring_errors"] = json::array({
      {{"node", "forecast_fetcher"}, {"pattern", normalize("Timeout after 30s calling api.weather.gov (request 12345)")},
       {"count", s.kind_count[KindTimeout]}, {"category", "PerformanceGap"}, {"error_type", "Timeout"}},
      {{"node", "summarizer"}, {"pattern", normalize("Rate limit exceeded for model gpt-4o-mini (HTTP 429); retried after 100ms")},
       {"count", s.kind_count[KindRetry]}, {"category", "InadequateFunctionality"}, {"error_type", "LLMError"}},
      {{"node", "tool_executor"}, {"pattern", normalize("tool 'geocode' not found")},
       {"count", s.kind_count[KindMissingTool]}, {"category", "MissingTool"}, {"error_type", "ToolError"}},
      {{"node", "validator"}, {"pattern", normalize("Validation failed: forecast missing field 'units'")},
       {"count", s.kind_count[KindValidation]}, {"category", "InadequateFunctionality"}, {"error_type", "ValidationError"},
       {"note", "background noise"}},
  });
  const uint64_t summarizer_runs = s.durations[Summarizer].size();
  ex["high_retry_nodes"] = json::array({{{"node", "summarizer"}, {"retries", s.retries[Summarizer]},
                                         {"executions", summarizer_runs},
                                         {"rate", summarizer_runs ? static_cast<double>(s.retries[Summarizer]) /
                                                                        static_cast<double>(summarizer_runs)
                                                                  : 0.0}}});
  json slow = json::array();
  for (int n = 0; n < kNodeCount; ++n)
    if (per_node[kNodeNames[n]]["p95_ms_nearest_rank"].get<uint64_t>() > 1000)
      slow.push_back({{"node", kNodeNames[n]}, {"p95_ms", per_node[kNodeNames[n]]["p95_ms_nearest_rank"]},
                      {"avg_ms", per_node[kNodeNames[n]]["avg_ms"]}, {"count", per_node[kNodeNames[n]]["count"]}});
  ex["slow_nodes"] = slow;
  ex["missing_tools"] = json::array({{{"tool", "geocode"}, {"node", "tool_executor"}, {"count", s.kind_count[KindMissingTool]}}});
  ex["unused_nodes"] = json::array({"legacy_formatter"});
  json unused_tools = json::array();
  for (size_t t = 0; t < std::size(kKnownTools); ++t)
    if (s.tool_calls[t] == 0) unused_tools.push_back(kKnownTools[t]);
  ex["unused_tools"] = unused_tools;
  // DeprecationAnalyzer's "rarely used" rule (reference §3.2): usage/max < 0.05 and usage < 0.1*avg,
  // over the tools called at least once.
  uint64_t max_calls = 0, sum_calls = 0, used = 0;
  for (uint64_t n : s.tool_calls)
    if (n > 0) {
      max_calls = std::max(max_calls, n);
      sum_calls += n;
      ++used;
    }
  json rare_tools = json::array();
  for (size_t t = 0; t < std::size(kKnownTools); ++t) {
    const double u = static_cast<double>(s.tool_calls[t]);
    if (s.tool_calls[t] > 0 && u / static_cast<double>(max_calls) < 0.05 &&
        u < 0.1 * static_cast<double>(sum_calls) / static_cast<double>(used))
      rare_tools.push_back({{"tool", kKnownTools[t]}, {"calls", s.tool_calls[t]}});
  }
  ex["rarely_used_tools"] = rare_tools;

  // Degradation: mean total_duration_ms, first vs second half in time order.
  std::sort(s.total_duration.begin(), s.total_duration.end());
  const size_t mid = s.total_duration.size() / 2;
  double first = 0, second = 0;
  for (size_t i = 0; i < s.total_duration.size(); ++i) (i < mid ? first : second) += static_cast<double>(s.total_duration[i].second);
  if (mid > 0) first /= static_cast<double>(mid);
  if (s.total_duration.size() > mid) second /= static_cast<double>(s.total_duration.size() - mid);
  ex["degradation"] = {{"first_half_avg_total_ms", first},
                       {"second_half_avg_total_ms", second},
                       {"increase_pct", first > 0 ? (second - first) / first * 100.0 : 0.0},
                       {"planted_node_factor", kDegradation}};

  double token_sum = 0;
  for (const auto& t : s.total_tokens) token_sum += static_cast<double>(t.second);
  const double mean = s.total_tokens.empty() ? 0 : token_sum / static_cast<double>(s.total_tokens.size());
  uint64_t outliers = 0;
  for (const auto& t : s.total_tokens)
    if (static_cast<double>(t.second) > 2 * mean) ++outliers;
  ex["token_outliers"] = {{"mean_total_tokens", mean}, {"threshold", 2 * mean}, {"count", outliers}};
  m["expected"] = ex;
  return m;
}

int usage_error(const std::string& message) {
  std::cerr << "dashflow-gen-traces: " << message << "\n(see --help)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  bool have_count = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) return usage_error("missing value for " + arg);
    const std::string value = argv[++i];
    uint64_t n = 0;
    if (arg == "--out") opt.out = value;
    else if (arg == "--count") {
      if (!parse_u64(value, n) || n == 0) return usage_error("--count needs a positive integer");
      opt.count = n;
      have_count = true;
    } else if (arg == "--seed") {
      if (!parse_u64(value, n)) return usage_error("--seed needs a non-negative integer");
      opt.seed = n;
    } else if (arg == "--format") {
      if (value != "json" && value != "jsonl" && value != "gz-mix") return usage_error("--format is json, jsonl or gz-mix");
      opt.format = value;
    } else if (arg == "--graph") {
      if (value != "weather_bot") return usage_error("unknown graph '" + value + "' (available: weather_bot)");
      opt.graph = value;
    } else if (arg == "--start") opt.start = value;
    else if (arg == "--days") {
      if (!parse_u64(value, n) || n == 0 || n > 3650) return usage_error("--days needs an integer in 1..3650");
      opt.days = n;
    } else if (arg == "--threads") {
      if (!parse_u64(value, n) || n == 0 || n > 64) return usage_error("--threads needs an integer in 1..64");
      opt.threads = static_cast<unsigned>(n);
    } else if (arg == "--manifest") opt.manifest = value;
    else return usage_error("unknown option " + arg);
  }
  if (opt.out.empty()) return usage_error("--out is required");
  if (!have_count) return usage_error("--count is required");

  Corpus c;
  c.opt = opt;
  c.pretty = opt.format != "jsonl";
  c.span_us = static_cast<int64_t>(opt.days) * 86400ll * 1000000ll;
  if (!parse_start(opt.start, c.start_us))
    return usage_error("--start must look like 2025-12-01T00:00:00Z or 2025-12-01T00:00:00+00:00");

  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(opt.out, ec) && !fs::is_empty(opt.out, ec)) {
    std::cerr << "dashflow-gen-traces: " << opt.out << " is not empty; choose a new directory\n";
    return 1;
  }
  // Day folders, created up front so workers only write files.
  for (uint64_t d = 0; d <= opt.days; ++d) {
    const int64_t day_start = c.start_us + static_cast<int64_t>(d) * 86400ll * 1000000ll;
    if (day_start >= c.start_us + c.span_us && d > 0) break;
    fs::create_directories(opt.out + "/" + day_name(day_start), ec);
    if (ec) {
      std::cerr << "dashflow-gen-traces: cannot create " << opt.out << ": " << ec.message() << "\n";
      return 1;
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Stats> stats(opt.threads);
  std::vector<std::string> errors(opt.threads);
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < opt.threads; ++t)
    pool.emplace_back(run_worker, std::cref(c), t, opt.threads, std::ref(stats[t]), std::ref(errors[t]), std::ref(failed));
  run_worker(c, 0, opt.threads, stats[0], errors[0], failed);
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (!e.empty()) {
      std::cerr << "dashflow-gen-traces: " << e << "\n";
      return 1;
    }
  for (unsigned t = 1; t < opt.threads; ++t) stats[0].merge(stats[t]);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!opt.manifest.empty()) {
    const nlohmann::json m = build_manifest(c, stats[0], seconds);
    const std::string tmp = opt.manifest + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << m.dump(2) << "\n";
      if (!out) {
        std::cerr << "dashflow-gen-traces: cannot write " << opt.manifest << "\n";
        return 1;
      }
    }
    fs::rename(tmp, opt.manifest, ec);
    if (ec) {
      std::cerr << "dashflow-gen-traces: cannot write " << opt.manifest << ": " << ec.message() << "\n";
      return 1;
    }
  }
  std::cerr << "wrote " << opt.count << " traces in " << stats[0].files << " files ("
            << stats[0].bytes / (1024 * 1024) << " MiB) to " << opt.out << " in " << seconds << " s\n";
  return 0;
}
