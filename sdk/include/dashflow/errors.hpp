// Error types a plugin may throw. The host catches every exception at the
// plugin boundary; these types let it pick the right exit code and message.
#pragma once

#include <stdexcept>
#include <string>

namespace dashflow {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Something asked for does not exist ("plan 1a2b not found").
class NotFoundError : public Error {
 public:
  using Error::Error;
};

// An id prefix matched several items, or an import met an existing item.
class ConflictError : public Error {
 public:
  using Error::Error;
};

// An illegal plan/hypothesis state change; the message names the current state.
class TransitionError : public Error {
 public:
  using Error::Error;
};

// Bad configuration (the message names the key).
class ConfigError : public Error {
 public:
  using Error::Error;
};

// Storage could not be read or written (the message names the path).
class StorageError : public Error {
 public:
  using Error::Error;
};

}  // namespace dashflow
