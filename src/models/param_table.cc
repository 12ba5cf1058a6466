#include "models/param_table.h"

#include "util/check.h"

namespace rnngen::models {

size_t ParamTable::add(const std::string& name, std::vector<int64_t> shape) {
  ParamInfo p;
  p.name = name;
  p.size = 1;
  for (int64_t d : shape) p.size *= static_cast<size_t>(d);
  p.shape = std::move(shape);
  p.offset = total_;
  total_ += p.size;
  entries_.push_back(std::move(p));
  return entries_.back().offset;
}

const ParamInfo* ParamTable::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

const ParamInfo& ParamTable::at(const std::string& name) const {
  const ParamInfo* p = find(name);
  RNNGEN_CHECK(p != nullptr);
  return *p;
}

}  // namespace rnngen::models
