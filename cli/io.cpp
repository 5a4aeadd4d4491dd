#include "io.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "frontdoor/records.hpp"

namespace frontdoor::cli {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::shared_ptr<const RuleSet> load_for_use(const std::string& path) {
  auto c = compile_file(path);
  if (!c) {
    std::cerr << "frontdoor: " << c.error().message << "\n";
    return nullptr;
  }
  for (auto& d : c->diagnostics) std::cerr << format(d, c->source.get()) << "\n";
  if (!c->ok()) std::cerr << "frontdoor: " << path << " has errors; run 'frontdoor check " << path << "'\n";
  return c->rule_set;
}

bool read_contacts(const std::string& path, std::vector<ContactRecord>& records) {
  if (ends_with(path, ".parquet")) {
    std::cerr << "frontdoor: Parquet input is read by the Python package (frontdoor.Document.decide_many); "
                 "the command line reads CSV and JSON Lines\n";
    return false;
  }
  if (path == "-") {
    records = read_json_lines(std::cin);
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "frontdoor: " << path << ": cannot open for reading\n";
    return false;
  }
  records = ends_with(path, ".csv") ? read_csv(in) : read_json_lines(in);
  return true;
}

bool not_a_directory(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return true;
  std::cerr << "frontdoor: " << path << ": is a directory, not a file\n";
  return false;
}

bool read_text(const std::string& path, std::string& out) {
  std::stringstream text;
  if (path != "-" && !not_a_directory(path)) return false;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "frontdoor: " << path << ": cannot open for reading\n";
      return false;
    }
    text << in.rdbuf();
  }
  out = text.str();
  return true;
}

}  // namespace frontdoor::cli
