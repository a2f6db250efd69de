// AuditLog::verify: every line well formed, every hash right, seq without
// gaps and prev_hash linking each record to the one before it, across day
// files, and the end of the log where head.json says it is.
#include <map>

#include "audit/audit_lines.hpp"
#include "audit/audit_log.hpp"
#include "dashflow/durable_file.hpp"
#include "audit/sha256.hpp"

namespace dashflow::host {
namespace fs = std::filesystem;
using audit_detail::Line;
using audit_detail::split_lines;

namespace {

std::string short_hash(const std::string& h) { return h.substr(0, 12) + "..."; }

struct Previous {
  uint64_t seq = 0;
  std::string hash = kAuditGenesisHash;
  std::string where;  // "2025-12-15.jsonl:3", empty before the first record
  std::string file;
};

// Checks head.json against the last records seen (seq -> hash of the last two).
std::optional<AuditProblem> check_head(const fs::path& dir, const Previous& last,
                                       const std::map<uint64_t, std::string>& recent,
                                       std::vector<std::string>& warnings) {
  std::optional<std::string> text;
  try {
    text = read_whole_file(dir / "head.json");
  } catch (const FileError& e) {
    return AuditProblem{"head.json", 0, e.what()};
  }
  if (!text) {
    if (last.seq > 0)
      warnings.push_back("head.json is missing: whether records were deleted from the end of the log cannot be checked");
    return std::nullopt;
  }
  nlohmann::json head;
  try {
    head = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& e) {
    return AuditProblem{"head.json", 0, std::string("not valid JSON (") + e.what() + ")"};
  }
  if (!head.is_object() || !head.contains("seq") || !head["seq"].is_number_unsigned() || !head.contains("hash") ||
      !head["hash"].is_string()) {
    return AuditProblem{"head.json", 0, "expected {\"seq\": N, \"hash\": \"...\", \"file\": \"...\"}"};
  }
  const uint64_t seq = head["seq"].get<uint64_t>();
  const std::string hash = head["hash"].get<std::string>();
  const std::string file = head.value("file", std::string("?"));
  if (seq > last.seq) {
    return AuditProblem{"head.json", 0,
                        "the log ends at seq " + std::to_string(last.seq) +
                            (last.where.empty() ? std::string(" (no records)") : " (" + last.where + ")") +
                            " but head.json, rewritten on every append, says seq " + std::to_string(seq) + " in " +
                            file + ": records at the end of the log were deleted"};
  }
  auto it = recent.find(seq);
  if (it == recent.end()) {
    // An append writes the record, then head.json; a crash in between leaves
    // head one record behind, never more.
    return AuditProblem{"head.json", 0,
                        "head.json says seq " + std::to_string(seq) + " but the log continues to seq " +
                            std::to_string(last.seq) + ": records were added without updating head.json"};
  }
  if (it->second != hash) {
    return AuditProblem{"head.json", 0,
                        "head.json has hash " + short_hash(hash) + " for seq " + std::to_string(seq) +
                            " but the record has " + short_hash(it->second) + ": the end of the log was replaced"};
  }
  if (seq + 1 == last.seq) {
    warnings.push_back("head.json is one record behind (an append was interrupted before updating it); the next append fixes it");
  }
  return std::nullopt;
}

}  // namespace

AuditVerifyResult AuditLog::verify() const {
  AuditVerifyResult result;
  result.dir = dir_.string();
  const std::vector<std::string> files = list_day_files(dir_);
  result.files = files.size();

  std::error_code ec;
  if (fs::is_directory(dir_, ec)) {
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.size() > 14 && name.compare(name.size() - 14, 14, ".jsonl.damaged") == 0) {
        result.warnings.push_back(name + " holds an incomplete record cut off by a crash during an append");
      } else if (name.size() > 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0 && !is_day_file_name(name)) {
        result.warnings.push_back(name + " is not a day file (YYYY-MM-DD.jsonl) and was not checked");
      }
    }
  }

  Previous prev;
  std::map<uint64_t, std::string> recent;  // the last two records, for head.json
  for (size_t f = 0; f < files.size(); ++f) {
    const std::string& name = files[f];
    std::string content;
    try {
      content = read_whole_file(dir_ / name).value_or(std::string());
    } catch (const FileError& e) {
      result.problem = AuditProblem{name, 0, e.what()};
      return result;
    }
    bool first_line_of_file = true;
    for (const Line& line : split_lines(content)) {
      auto fail = [&](const std::string& reason) {
        result.problem = AuditProblem{name, line.number, reason};
        result.last_seq = prev.seq;
        result.last_hash = prev.seq ? prev.hash : std::string();
        return result;
      };
      if (!line.terminated) {
        std::string why = "truncated last line: no terminating newline";
        try {
          parse_record_line(line.text);
        } catch (const AuditFormatError& e) {
          why += ", and it is not a complete record (" + std::string(e.what()) + ")";
        }
        return fail(why + "; an append was interrupted or the file was cut");
      }
      if (line.text.empty()) return fail("empty line (records are never followed by blank lines)");
      AuditRecord r;
      try {
        r = parse_record_line(line.text);
      } catch (const AuditFormatError& e) {
        return fail(std::string("not a valid audit record: ") + e.what());
      }
      const std::string computed = compute_hash(r);
      if (computed != r.hash) {
        return fail("hash mismatch: the record was changed after it was written (stored " + short_hash(r.hash) +
                    ", computed " + short_hash(computed) + ")");
      }
      const uint64_t expected = prev.seq + 1;
      if (r.seq > expected) {
        std::string missing = r.seq == expected + 1 ? "record " + std::to_string(expected)
                                                    : "records " + std::to_string(expected) + ".." + std::to_string(r.seq - 1);
        std::string cause;
        if (prev.where.empty()) {
          cause = "; the log should start at seq 1: earlier day files were deleted";
        } else if (first_line_of_file) {
          cause = "; they were deleted: lines at the end of " + prev.file + " or at the start of " + name +
                  ", or a whole day file between them";
        } else {
          cause = "; deleted lines";
        }
        return fail("seq gap: expected seq " + std::to_string(expected) +
                    (prev.where.empty() ? std::string() : " after " + prev.where) + ", found " +
                    std::to_string(r.seq) + ": " + missing + " missing" + cause);
      }
      if (r.seq < expected) {
        return fail("seq " + std::to_string(r.seq) + " repeats or goes backwards (expected " + std::to_string(expected) +
                    "): records were duplicated or reordered");
      }
      if (r.prev_hash != prev.hash) {
        return fail("prev_hash does not match the hash of the previous record" +
                    (prev.where.empty() ? std::string(" (the first record must have 64 zeros)") : " (" + prev.where + ")") +
                    ": a record before this one was replaced, or records were reordered");
      }
      prev = {r.seq, r.hash, name + ":" + std::to_string(line.number), name};
      recent[r.seq] = r.hash;
      if (recent.size() > 2) recent.erase(recent.begin());
      ++result.records;
      first_line_of_file = false;
    }
  }
  result.last_seq = prev.seq;
  result.last_hash = prev.seq ? prev.hash : std::string();
  if (auto problem = check_head(dir_, prev, recent, result.warnings)) result.problem = problem;
  return result;
}

}  // namespace dashflow::host
