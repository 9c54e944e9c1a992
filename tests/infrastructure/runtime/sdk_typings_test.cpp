// docs/sdk.d.ts against the realm a script runs in: every interface marked
// `@binding PATH` lists exactly the functions installed at PATH, every SDK
// object is declared, and every declared global function or class exists.
// A binding added, renamed or removed without its typing fails here.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using nlohmann::json;

struct Typings {
  std::map<std::string, std::set<std::string>> bindings;  // "sdk.http" → {"get", "post", ...}
  std::set<std::string> globals;                          // declared functions and classes
};

Typings read_typings() {
  std::ifstream file(JSR_SDK_TYPINGS);
  EXPECT_TRUE(file.good()) << JSR_SDK_TYPINGS;
  const std::regex binding(R"(^ \* @binding (\S+)$)");
  const std::regex member(R"(^  (\w+)[(<])");
  const std::regex global(R"(^declare (?:function|class) (\w+))");
  Typings typings;
  std::string open_binding;  // the binding whose interface is being read
  std::string pending;       // a binding tag seen, its interface not yet opened
  std::smatch match;
  for (std::string line; std::getline(file, line);) {
    if (std::regex_match(line, match, binding)) {
      pending = match[1];
    } else if (!pending.empty() && line.starts_with("interface ")) {
      open_binding = std::exchange(pending, "");
      typings.bindings[open_binding];
    } else if (!open_binding.empty() && line == "}") {
      open_binding.clear();
    } else if (!open_binding.empty() && std::regex_search(line, match, member)) {
      typings.bindings[open_binding].insert(match[1]);
    } else if (std::regex_search(line, match, global)) {
      typings.globals.insert(match[1]);
    }
  }
  return typings;
}

class SdkTypings : public RuntimeTest {};

TEST_F(SdkTypings, EveryBindingTableAndItsDeclarationAgree) {
  const Typings typings = read_typings();
  ASSERT_GE(typings.bindings.size(), 9u) << "the typings were not read";
  json paths = json::array();
  for (const auto& [path, members] : typings.bindings) paths.push_back(path);
  json globals = json::array();
  for (const auto& name : typings.globals) globals.push_back(name);

  const json installed = output_of(
      "export default ({ paths, globals }) => {\n"
      "  const at = (path) => path.split('.').reduce((object, key) => object?.[key], globalThis);\n"
      "  const functions = (object) => Object.getOwnPropertyNames(object ?? {})\n"
      "      .filter((key) => typeof object[key] === 'function').sort();\n"
      "  return {\n"
      "    bindings: Object.fromEntries(paths.map((path) => [path, functions(at(path))])),\n"
      "    sdk: Object.getOwnPropertyNames(sdk).sort(),\n"
      "    missingGlobals: globals.filter((name) => typeof globalThis[name] !== 'function'),\n"
      "  };\n"
      "};",
      json{{"paths", paths}, {"globals", globals}}.dump());

  for (const auto& [path, members] : typings.bindings) {
    const json& actual = installed["bindings"][path];
    EXPECT_EQ(std::set<std::string>(actual.begin(), actual.end()), members) << path;
  }
  std::set<std::string> declared_sdk;
  for (const auto& [path, members] : typings.bindings) {
    if (path.starts_with("sdk.")) declared_sdk.insert(path.substr(4));
  }
  EXPECT_EQ(std::set<std::string>(installed["sdk"].begin(), installed["sdk"].end()), declared_sdk)
      << "every sdk object has its @binding interface";
  EXPECT_EQ(installed["missingGlobals"], json::array());
  EXPECT_TRUE(typings.globals.contains("setTimeout") && typings.globals.contains("TextDecoder"));
}

}  // namespace
}  // namespace jsr::runtime::testing
