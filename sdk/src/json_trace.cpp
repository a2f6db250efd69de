// Filled in by the SDK JSON work.
