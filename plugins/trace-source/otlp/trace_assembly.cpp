#include "trace_assembly.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "span_semantics.hpp"

namespace dashflow::otlp {
namespace {

// Maps the spans of one trace id onto an ExecutionTrace (the rules are in
// trace_assembly.hpp). Span positions (int) index spans_.
class TraceBuilder {
 public:
  TraceBuilder(const UnitSpans& unit, const std::vector<const Span*>& spans, const AssemblyOptions& options)
      : unit_(unit), options_(options) {
    // The same span exported twice (an exporter retry) counts once: the first copy.
    std::unordered_map<std::string_view, int> seen;
    for (const Span* s : spans) {
      if (seen.emplace(s->span_id, static_cast<int>(spans_.size())).second) spans_.push_back(s);
      else ++duplicates_;
    }
  }

  AssembledTrace build() {
    link();
    choose_run();
    assign_owners();
    fold_reports();
    failures_.resize(spans_.size());
    for (size_t i = 0; i < spans_.size(); ++i) failures_[i] = failures_of(*spans_[i]);
    run_succeeded_ = root_ >= 0 && failures_[root_].empty();
    graph_name_ = graph_name();

    AssembledTrace out;
    ExecutionTrace& t = out.trace;
    build_nodes(t);
    collect_errors(t);
    for (const ErrorTrace& e : t.errors) {
      if (!e.execution_index) continue;
      NodeExecution& n = t.nodes_executed[*e.execution_index];
      if (n.success) n.error_message = e.message;  // the first (errors are in time order)
      n.success = false;
    }
    fill_trace(t);
    out.trace_id = spans_.front()->trace_id;
    out.start_ns = start_ns_;
    out.line = 0;
    for (const Span* s : spans_)
      if (s->line > 0 && (out.line == 0 || s->line < out.line)) out.line = s->line;
    return out;
  }

 private:
  bool earlier(int a, int b) const {
    const Span& x = *spans_[a];
    const Span& y = *spans_[b];
    return x.start_ns != y.start_ns ? x.start_ns < y.start_ns : x.order < y.order;
  }
  void sort_by_start(std::vector<int>& v) const {
    std::sort(v.begin(), v.end(), [this](int a, int b) { return earlier(a, b); });
  }

  void preorder(int top, std::vector<int>& out) const {
    std::vector<int> stack{top};
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      out.push_back(i);
      const auto& kids = children_[i];
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
    }
  }

  void detach(int i) {
    auto& siblings = children_[parent_[i]];
    siblings.erase(std::find(siblings.begin(), siblings.end(), i));
    parent_[i] = -1;
    orphan_[i] = 1;
  }

  // Parents, children, orphans; parent cycles broken at a span on the cycle.
  void link() {
    const int n = static_cast<int>(spans_.size());
    std::unordered_map<std::string_view, int> by_id;
    for (int i = 0; i < n; ++i) by_id.emplace(spans_[i]->span_id, i);
    parent_.assign(n, -1);
    orphan_.assign(n, 0);
    children_.assign(n, {});
    std::vector<int> parentless;
    for (int i = 0; i < n; ++i) {
      const std::string& p = spans_[i]->parent_span_id;
      if (p.empty()) {
        parentless.push_back(i);
        continue;
      }
      const auto it = by_id.find(p);
      if (it == by_id.end() || it->second == i) {
        orphan_[i] = 1;
        ++orphans_;
      } else {
        parent_[i] = it->second;
        children_[it->second].push_back(i);
      }
    }
    std::vector<char> reached(n, 0);
    auto reach = [&](int top) {
      std::vector<int> subtree;
      preorder(top, subtree);
      for (int j : subtree) reached[j] = 1;
    };
    for (int i = 0; i < n; ++i)
      if (parent_[i] < 0) reach(i);
    // Unreached spans hang below a cycle: walk up to a span seen twice (on the
    // cycle) and cut its parent link.
    std::vector<int> stamp(n, -1);
    for (int i = 0; i < n; ++i) {
      if (reached[i]) continue;
      int c = i;
      while (c >= 0 && stamp[c] != i) {
        stamp[c] = i;
        c = parent_[c];
      }
      if (c < 0) continue;  // cannot happen: an unreached span's ancestors are all unreached
      detach(c);
      ++cycle_breaks_;
      reach(c);
    }
    parentless_ = parentless.size();
    root_ = parentless.size() == 1 ? parentless.front() : -1;
    for (int i = 0; i < n; ++i)
      if (parent_[i] < 0) tops_.push_back(i);
    sort_by_start(tops_);
    for (auto& kids : children_) sort_by_start(kids);
    roles_.resize(n);
    for (int i = 0; i < n; ++i) roles_[i] = classify(spans_[i]->attributes);
  }

  void choose_run() {
    if (root_ < 0) {
      nodes_ = tops_;
      return;
    }
    run_ = root_;
    // Look through unclassified wrappers (HTTP server spans and the like).
    while (roles_[run_] == Role::Unknown && children_[run_].size() == 1) run_ = children_[run_].front();
    for (int t : tops_) {
      if (t == root_) continue;
      parent_[t] = run_;
      children_[run_].push_back(t);
    }
    sort_by_start(children_[run_]);
    if (!is_container(roles_[run_]) || children_[run_].empty()) nodes_ = {run_};
    else nodes_ = children_[run_];
  }

  void assign_owners() {
    owner_.assign(spans_.size(), -1);
    for (size_t k = 0; k < nodes_.size(); ++k) {
      std::vector<int> subtree;
      preorder(nodes_[k], subtree);
      for (int j : subtree) owner_[j] = static_cast<int>(k);
    }
  }

  // The forest: the root's tree, or the top spans of a partial trace.
  std::vector<int> forest() const { return root_ >= 0 ? std::vector<int>{root_} : tops_; }

  std::vector<int> postorder() const {
    std::vector<int> order;
    for (int top : forest()) preorder(top, order);
    std::reverse(order.begin(), order.end());  // every child before its parent
    return order;
  }

  // A token or cost report counts only when nothing below it reports one, so
  // a parent that repeats its children's sum is not counted twice.
  void fold_reports() {
    const size_t n = spans_.size();
    tokens_.resize(n);
    costs_.resize(n);
    tokens_counted_.assign(n, 0);
    costs_counted_.assign(n, 0);
    std::vector<char> tokens_below(n, 0), costs_below(n, 0);
    for (int i : postorder()) {
      tokens_[i] = tokens_of(spans_[i]->attributes);
      costs_[i] = cost_of(spans_[i]->attributes);
      tokens_counted_[i] = tokens_[i] && !tokens_below[i];
      costs_counted_[i] = costs_[i] && !costs_below[i];
      if (parent_[i] >= 0) {
        tokens_below[parent_[i]] |= static_cast<char>(tokens_below[i] || tokens_[i]);
        costs_below[parent_[i]] |= static_cast<char>(costs_below[i] || costs_[i]);
      }
    }
  }

  const json& resource() const {
    static const json kEmpty = json::object();
    const int i = root_ >= 0 ? root_ : (tops_.empty() ? -1 : tops_.front());
    if (i < 0 || spans_[i]->resource >= unit_.resources.size()) return kEmpty;
    return unit_.resources[spans_[i]->resource];
  }

  std::string graph_name() const {
    if (run_ >= 0)
      if (auto declared = declared_run_name(*spans_[run_])) return *declared;
    const auto service = string_attribute(resource(), "service.name");
    if (service && service->rfind("unknown_service", 0) != 0) return *service;
    const int i = run_ >= 0 ? run_ : tops_.front();
    return spans_[i]->name.empty() ? "otlp" : spans_[i]->name;
  }

  std::string identity(int i) const { return roles_[i] == Role::Tool ? tool_name(*spans_[i]) : spans_[i]->name; }

  using CallKey = std::tuple<int, int, std::string>;  // parent, role, name
  CallKey call_key(int i) const { return {parent_[i], static_cast<int>(roles_[i]), identity(i)}; }

  // The last call of each (parent, role, name): any earlier one was followed
  // by a later sibling of the same kind and name, i.e. it was retried.
  void find_last_calls() {
    for (int i = 0; i < static_cast<int>(spans_.size()); ++i) {
      auto [it, fresh] = last_call_.emplace(call_key(i), i);
      if (!fresh && earlier(it->second, i)) it->second = i;
    }
  }
  bool retried(int i) const { return last_call_.at(call_key(i)) != i; }

  void build_nodes(ExecutionTrace& t) {
    for (size_t k = 0; k < nodes_.size(); ++k) {
      const int s = nodes_[k];
      const Span& span = *spans_[s];
      NodeExecution node;
      node.node = node_name(span, roles_[s]);
      node.duration_ms = duration_ms(span.start_ns, span.end_ns);
      node.index = k;
      if (span.start_ns) node.started_at = format_unix_nanos(span.start_ns);
      node.span_id = span.span_id;
      if (!span.parent_span_id.empty()) node.parent_span_id = span.parent_span_id;

      std::vector<int> subtree;
      preorder(s, subtree);
      TokenUsage usage;
      bool has_usage = false, has_cost = false;
      double cost = 0;
      json handled = json::array();
      for (int j : subtree) {
        const Span& x = *spans_[j];
        if (tokens_counted_[j]) {
          node.tokens_used += tokens_[j]->tokens;
          if (tokens_[j]->split) {
            usage.input += tokens_[j]->split->input;
            usage.output += tokens_[j]->split->output;
            usage.cached += tokens_[j]->split->cached;
            usage.reasoning += tokens_[j]->split->reasoning;
            has_usage = true;
          }
        }
        if (costs_counted_[j]) {
          cost += *costs_[j];
          has_cost = true;
        }
        if (!node.model) node.model = model_of(x.attributes);
        if (roles_[j] == Role::Tool) {
          ToolCall call;
          call.name = tool_name(x);
          call.duration_ms = duration_ms(x.start_ns, x.end_ns);
          call.success = failures_[j].empty();
          if (!call.success) call.error = failures_[j].front().message;
          node.tools_called.push_back(call.name);
          node.tool_calls.push_back(std::move(call));
        }
        for (const SpanFailure& h : handled_exceptions_of(x)) {
          json e = {{"span", x.name}, {"message", h.message}};
          if (!h.type.empty()) e["type"] = h.type;
          handled.push_back(std::move(e));
        }
      }
      handled_total_ += handled.size();
      if (has_usage) node.token_usage = usage;
      if (has_cost) node.cost_usd = cost;

      json meta = {{"span_name", span.name}, {"span_kind", role_name(roles_[s])},
                   {"otel_kind", span_kind_name(span.kind)}};
      if (!span.scope.empty()) meta["scope"] = span.scope;
      if (subtree.size() > 1) meta["span_count"] = subtree.size();
      if (orphan_[s]) meta["orphan"] = true;
      if (!handled.empty()) meta["handled_exceptions"] = std::move(handled);
      if (options_.keep_attributes) meta["attributes"] = kept_attributes(span.attributes, options_.keep_content);
      node.metadata.text = meta.dump();
      t.nodes_executed.push_back(std::move(node));
    }
  }

  static bool same_failure(const SpanFailure& f, const ErrorTrace& e) {
    if (f.message != e.message) return false;
    return f.type.empty() || !e.error_type || e.error_type->empty() || f.type == *e.error_type;
  }

  void collect_errors(ExecutionTrace& t) {
    find_last_calls();
    std::vector<uint64_t> times;
    std::vector<std::vector<size_t>> recorded(spans_.size());  // errors recorded in each subtree
    for (int i : postorder()) {
      std::vector<size_t> below;
      for (int c : children_[i]) {
        below.insert(below.end(), recorded[c].begin(), recorded[c].end());
        recorded[c].clear();
        recorded[c].shrink_to_fit();
      }
      std::vector<size_t> mine;
      for (const SpanFailure& f : failures_[i]) {
        // The same failure propagating up (or a bare ERROR status above a
        // recorded failure) is not a new error.
        bool propagated = !below.empty() && !f.detailed;
        for (size_t e : below) propagated = propagated || same_failure(f, t.errors[e]);
        if (propagated) continue;
        mine.push_back(t.errors.size());
        t.errors.push_back(error_for(i, f));
        times.push_back(f.time_ns);
      }
      below.insert(below.end(), mine.begin(), mine.end());
      recorded[i] = std::move(below);
    }
    // Time order (stable: deeper failures first on equal times).
    std::vector<size_t> order(t.errors.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return times[a] < times[b]; });
    std::vector<ErrorTrace> sorted;
    sorted.reserve(order.size());
    for (size_t k : order) sorted.push_back(std::move(t.errors[k]));
    t.errors = std::move(sorted);
  }

  ErrorTrace error_for(int i, const SpanFailure& f) const {
    const Span& span = *spans_[i];
    ErrorTrace e;
    const int k = owner_[i];
    e.node = k >= 0 ? node_name(*spans_[nodes_[k]], roles_[nodes_[k]]) : graph_name_;
    e.message = f.message;
    if (!f.type.empty()) e.error_type = f.type;
    if (f.time_ns) e.timestamp = format_unix_nanos(f.time_ns);
    if (k >= 0) e.execution_index = static_cast<uint64_t>(k);
    e.retry_attempted = retried(i);
    e.recoverable = e.retry_attempted || run_succeeded_;
    if (!f.stacktrace.empty()) e.context = f.stacktrace;
    json meta = {{"span_id", span.span_id}, {"span_name", span.name}, {"span_kind", role_name(roles_[i])}};
    if (roles_[i] == Role::Tool) meta["tool"] = tool_name(span);
    if (!span.status_message.empty() && span.status_message != f.message) meta["status_message"] = span.status_message;
    e.metadata.text = meta.dump();
    return e;
  }

  std::optional<std::string> first_attribute(std::optional<std::string> (*read)(const json&)) const {
    for (int i : {run_, root_})
      if (i >= 0)
        if (auto v = read(spans_[i]->attributes)) return v;
    std::vector<int> order;
    for (int top : forest()) preorder(top, order);
    for (int i : order)
      if (auto v = read(spans_[i]->attributes)) return v;
    return read(resource());
  }

  void fill_trace(ExecutionTrace& t) {
    t.execution_id = spans_.front()->trace_id;
    t.thread_id = first_attribute(&session_of);
    uint64_t start = 0, end = 0;
    if (root_ >= 0) {
      start = spans_[root_]->start_ns;
      end = spans_[root_]->end_ns;
      t.total_duration_ms = duration_ms(start, end);
    } else {
      for (const Span* s : spans_) {
        if (s->start_ns && (start == 0 || s->start_ns < start)) start = s->start_ns;
        end = std::max(end, s->end_ns);
      }
      t.total_duration_ms = duration_ms(start, end);
    }
    start_ns_ = start;
    if (start) t.started_at = format_unix_nanos(start);
    if (end) t.ended_at = format_unix_nanos(end);
    t.completed = root_ >= 0 && spans_[root_]->end_ns != 0;

    bool has_cost = false;
    double cost = 0;
    for (size_t i = 0; i < spans_.size(); ++i) {
      if (tokens_counted_[i]) t.total_tokens += tokens_[i]->tokens;
      if (costs_counted_[i]) {
        cost += *costs_[i];
        has_cost = true;
      }
    }
    if (has_cost) t.cost_usd = cost;

    json o = {{"trace_id", spans_.front()->trace_id}, {"span_count", spans_.size()}};
    if (auto service = string_attribute(resource(), "service.name")) o["service_name"] = *service;
    if (root_ >= 0) o["root_span"] = spans_[root_]->name;
    if (run_ >= 0 && run_ != root_) o["run_span"] = spans_[run_]->name;
    if (root_ < 0) {
      if (parentless_ == 0) o["root_missing"] = true;
      else o["multiple_roots"] = parentless_;
    }
    if (orphans_) o["orphan_spans"] = orphans_;
    if (cycle_breaks_) o["cyclic_parents"] = cycle_breaks_;
    if (duplicates_) o["duplicate_spans"] = duplicates_;
    // Handled exceptions on spans outside the nodes (the run and its wrappers).
    for (size_t i = 0; i < spans_.size(); ++i)
      if (owner_[i] < 0) handled_total_ += handled_exceptions_of(*spans_[i]).size();
    if (handled_total_) o["handled_exceptions"] = handled_total_;
    auto user = [](const json& a) -> std::optional<std::string> {
      if (auto v = string_attribute(a, "langfuse.user.id")) return v;
      return string_attribute(a, "user.id");
    };
    if (auto u = first_attribute(+user)) o["user_id"] = *u;
    if (options_.keep_attributes) o["resource"] = resource();
    const json meta = {{"graph_name", graph_name_}, {"source", "otlp"}, {"otlp", std::move(o)}};
    t.metadata.text = meta.dump();
  }

  const UnitSpans& unit_;
  const AssemblyOptions& options_;
  std::vector<const Span*> spans_;
  size_t duplicates_ = 0, orphans_ = 0, cycle_breaks_ = 0, parentless_ = 0, handled_total_ = 0;
  std::vector<int> parent_;
  std::vector<std::vector<int>> children_;
  std::vector<char> orphan_;
  std::vector<Role> roles_;
  std::vector<int> tops_;
  int root_ = -1, run_ = -1;
  std::vector<int> nodes_;
  std::vector<int> owner_;
  std::vector<std::optional<SpanTokens>> tokens_;
  std::vector<std::optional<double>> costs_;
  std::vector<char> tokens_counted_, costs_counted_;
  std::vector<std::vector<SpanFailure>> failures_;
  std::map<CallKey, int> last_call_;
  bool run_succeeded_ = false;
  std::string graph_name_;
  uint64_t start_ns_ = 0;
};

}  // namespace

std::vector<AssembledTrace> assemble_traces(const UnitSpans& unit, const AssemblyOptions& options) {
  // Group by trace id, keeping file order inside each group.
  std::unordered_map<std::string_view, size_t> group_of;
  std::vector<std::vector<const Span*>> groups;
  for (const Span& s : unit.spans) {
    const auto [it, fresh] = group_of.emplace(s.trace_id, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(&s);
  }
  std::vector<AssembledTrace> traces;
  traces.reserve(groups.size());
  for (const auto& spans : groups) traces.push_back(TraceBuilder(unit, spans, options).build());
  std::sort(traces.begin(), traces.end(), [](const AssembledTrace& a, const AssembledTrace& b) {
    return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.trace_id < b.trace_id;
  });
  return traces;
}

std::string format_unix_nanos(uint64_t ns) {
  const time_t seconds = static_cast<time_t>(ns / 1000000000u);
  const uint64_t fraction = ns % 1000000000u;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (fraction % 1000000u == 0) {
    if (fraction) n += std::snprintf(text + n, sizeof text - n, ".%03u", static_cast<unsigned>(fraction / 1000000u));
  } else if (fraction % 1000u == 0) {
    n += std::snprintf(text + n, sizeof text - n, ".%06u", static_cast<unsigned>(fraction / 1000u));
  } else {
    n += std::snprintf(text + n, sizeof text - n, ".%09u", static_cast<unsigned>(fraction));
  }
  return std::string(text, n) + "Z";
}

uint64_t duration_ms(uint64_t start_ns, uint64_t end_ns) {
  if (end_ns == 0 || end_ns <= start_ns) return 0;
  return (end_ns - start_ns + 500000u) / 1000000u;
}

}  // namespace dashflow::otlp
