#include "observability/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace dashflow::host {
namespace {

const std::vector<double> kDefaultBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string render_labels(const Labels& labels, const std::string& extra_key = "", const std::string& extra_value = "") {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "" : ",") + k + "=\"" + escape_label(v) + "\"";
    first = false;
  }
  if (!extra_key.empty()) out += (first ? "" : ",") + extra_key + "=\"" + extra_value + "\"";
  return out + "}";
}

Labels normalized(Labels labels) {
  for (auto& [k, v] : labels) k = sanitize_metric_name(k);
  std::sort(labels.begin(), labels.end());
  return labels;
}

}  // namespace

std::string sanitize_metric_name(const std::string& name) {
  std::string out = name;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) out[i] = '_';
  }
  if (out.empty()) out = "_";
  return out;
}

MetricsRegistry& MetricsRegistry::global() {
  static MetricsRegistry registry;
  return registry;
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& type) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = name;
    if (type == "histogram") it->second.buckets = kDefaultBuckets;
  }
  return it->second;
}

void MetricsRegistry::describe(const std::string& name, const std::string& help, const std::string& type,
                               std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name, type);
  f.help = help;
  f.type = type;
  if (type == "histogram") f.buckets = buckets.empty() ? kDefaultBuckets : std::move(buckets);
}

void MetricsRegistry::counter_add(const std::string& name, const Labels& labels, double value) {
  if (value < 0) return;  // counters never go down
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, "counter").values[normalized(labels)] += value;
}

void MetricsRegistry::gauge_set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, "gauge").values[normalized(labels)] = value;
}

void MetricsRegistry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name, "histogram");
  Histogram& h = f.histograms[normalized(labels)];
  if (h.counts.size() != f.buckets.size()) h.counts.assign(f.buckets.size(), 0);
  for (size_t i = 0; i < f.buckets.size(); ++i) {
    if (value <= f.buckets[i]) {
      h.counts[i] += 1;
      break;
    }
  }
  h.sum += value;
  h.count += 1;
}

double MetricsRegistry::value(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (it->second.type == "histogram") {
    auto h = it->second.histograms.find(normalized(labels));
    return h == it->second.histograms.end() ? 0 : h->second.count;
  }
  auto v = it->second.values.find(normalized(labels));
  return v == it->second.values.end() ? 0 : v->second;
}

std::string MetricsRegistry::render_prometheus() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  for (const auto& [name, f] : families_) {
    out << "# HELP " << name << " " << escape_help(f.help) << "\n";
    out << "# TYPE " << name << " " << f.type << "\n";
    if (f.type == "histogram") {
      for (const auto& [labels, h] : f.histograms) {
        double cumulative = 0;
        for (size_t i = 0; i < f.buckets.size(); ++i) {
          cumulative += i < h.counts.size() ? h.counts[i] : 0;
          out << name << "_bucket" << render_labels(labels, "le", format_value(f.buckets[i])) << " "
              << format_value(cumulative) << "\n";
        }
        out << name << "_bucket" << render_labels(labels, "le", "+Inf") << " " << format_value(h.count) << "\n";
        out << name << "_sum" << render_labels(labels) << " " << format_value(h.sum) << "\n";
        out << name << "_count" << render_labels(labels) << " " << format_value(h.count) << "\n";
      }
    } else {
      for (const auto& [labels, v] : f.values) out << name << render_labels(labels) << " " << format_value(v) << "\n";
    }
  }
  return out.str();
}

}  // namespace dashflow::host
