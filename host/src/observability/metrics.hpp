// In-process metrics registry rendered in the Prometheus text exposition
// format. Counters, gauges and histograms with labels; thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace dashflow::host {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  static MetricsRegistry& global();

  // Declares a metric family (help text and type) so it renders even at zero.
  void describe(const std::string& name, const std::string& help, const std::string& type,
                std::vector<double> buckets = {});
  void counter_add(const std::string& name, const Labels& labels, double value = 1);
  void gauge_set(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);

  double value(const std::string& name, const Labels& labels = {}) const;  // counters/gauges; for tests
  std::string render_prometheus() const;

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket (non-cumulative)
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string help;
    std::string type;  // counter | gauge | histogram
    std::vector<double> buckets;
    std::map<Labels, double> values;
    std::map<Labels, Histogram> histograms;
  };
  Family& family(const std::string& name, const std::string& type);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// Prometheus metric names allow [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes '_'.
std::string sanitize_metric_name(const std::string& name);

}  // namespace dashflow::host
