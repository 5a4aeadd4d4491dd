// Deciding a frame of contacts column by column (SPEC 2.2 batches), without a record per row and
// without Python: the module hands over column views and gets back columns of codes.
//
// Each row is resolved by a fast path that reads the cells directly (with per-column caches for the
// values that repeat: sources, channels, concern cells, booleans written as text). Any row the fast
// path is not sure of goes to the engine's own RuleSet::resolve through a ContactRecord, so errors
// are worded by the engine and nothing is decided differently from Document.decide (the property
// tests hold the two together). Rows are grouped by child and decided in `received` order with each
// child's earlier rows as history, children spread over threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cells.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/figures.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor::host {

struct BatchOptions {
  unsigned threads = 0;  // 0: one per core (one for small frames)
  bool reasons = false;  // also intern the reasons of each decision
  std::atomic<std::size_t>* done = nullptr;  // rows decided so far, for a progress bar
  std::atomic<bool>* cancel = nullptr;       // set to stop early (KeyboardInterrupt)
};

struct BatchResult {
  std::size_t rows = 0;
  std::vector<std::int16_t> level, outcome, routing, category;  // document indices; -1: rejected / none
  std::vector<std::uint8_t> referral;                           // 1 when the outcome is a referral
  std::vector<std::int64_t> received, deadline, decided;        // ms since the epoch, UTC; kNoTime
  std::vector<std::int32_t> combo;    // into `combos` (outcome + rules: actions, flags, rules); -1: rejected
  std::vector<Decision> combos;       // one decision per combo, to put it into words
  std::vector<std::int32_t> reason;   // into `reasons` (with BatchOptions::reasons); -1: rejected
  std::vector<Decision> reasons;
  std::vector<std::pair<std::size_t, std::string>> errors;  // rejected rows, in row order
  std::size_t engine_rows = 0;  // rows resolved by the engine's RuleSet::resolve rather than the fast path
  bool fast_path_disabled = false;  // the fast path disagreed with the engine on a checked row (a bug to report)
  bool cancelled = false;
};

BatchResult decide_columns(const RuleSet&, const std::vector<const Column*>& columns, std::size_t rows, const BatchOptions& = {});

// The text the engine makes of a cell for `id` and `child` (empty when it makes none).
bool cell_text(const Cell&, std::string& out);

}  // namespace frontdoor::host
