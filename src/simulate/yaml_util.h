// Internal to spcoop_simulate: yaml-cpp behind Status. No yaml-cpp exception leaves these helpers
// or the adapters that use them; every message names file:line.
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <string>

#include "spcoop/core/status.h"

namespace spcoop::simulate::yamlutil {

inline std::string Where(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return file;
  return fmt::format("{}:{}", file, m.line + 1);
}

inline Status FromException(const YAML::Exception& e, const std::string& file) {
  if (e.mark.line >= 0) {
    return Status::InvalidArgument(e.msg).At(
        fmt::format("{}:{}:{}", file, e.mark.line + 1, e.mark.column + 1));
  }
  return Status::InvalidArgument(e.msg).At(file);
}

inline Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::NotFound(fmt::format("cannot open '{}'", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Result<YAML::Node> Parse(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Err(FromException(e, file));
  }
}

inline Result<double> AsDouble(const YAML::Node& n, const std::string& file,
                               const std::string& key) {
  try {
    if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not a number");
    return n.as<double>();
  } catch (const YAML::Exception&) {
    return Err(Status::InvalidArgument(fmt::format("{}: '{}' is not a number", key,
                                                   n.IsScalar() ? n.Scalar() : "(not a scalar)"))
                   .At(Where(file, n)));
  }
}

inline Result<int> AsInt(const YAML::Node& n, const std::string& file, const std::string& key) {
  try {
    if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not an integer");
    return n.as<int>();
  } catch (const YAML::Exception&) {
    return Err(Status::InvalidArgument(fmt::format("{}: '{}' is not an integer", key,
                                                   n.IsScalar() ? n.Scalar() : "(not a scalar)"))
                   .At(Where(file, n)));
  }
}

inline Result<std::string> AsString(const YAML::Node& n, const std::string& file,
                                    const std::string& key) {
  if (!n.IsScalar()) {
    return Err(
        Status::InvalidArgument(fmt::format("{}: expected a text value", key)).At(Where(file, n)));
  }
  return n.Scalar();
}

template <typename T>
Result<T> Required(const YAML::Node& parent, const char* key, const std::string& file,
                   const std::string& where) {
  const YAML::Node n = parent[key];
  if (!n) {
    return Err(Status::InvalidArgument(fmt::format("{}.{}: required", where, key))
                   .At(Where(file, parent)));
  }
  if constexpr (std::is_same_v<T, std::string>) {
    return AsString(n, file, where + "." + key);
  } else if constexpr (std::is_same_v<T, int>) {
    return AsInt(n, file, where + "." + key);
  } else {
    return AsDouble(n, file, where + "." + key);
  }
}

}  // namespace spcoop::simulate::yamlutil
