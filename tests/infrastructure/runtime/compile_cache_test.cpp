#include "infrastructure/runtime/compile_cache.h"

#include <gtest/gtest.h>

#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

TEST(CompileCacheKey, DependsOnTenantNameAndSource) {
  const auto key = CompileCache::key_for("tenant-a", "script.js", "export default () => 1");
  EXPECT_EQ(key, CompileCache::key_for("tenant-a", "script.js", "export default () => 1"));
  EXPECT_NE(key, CompileCache::key_for("tenant-b", "script.js", "export default () => 1"));
  EXPECT_NE(key, CompileCache::key_for("tenant-a", "other.js", "export default () => 1"));
  EXPECT_NE(key, CompileCache::key_for("tenant-a", "script.js", "export default () => 2"));
}

class CompileCacheInUse : public RuntimeTest {};

TEST_F(CompileCacheInUse, ASourceIsCompiledOncePerTenant) {
  const std::string source = "export default () => 1";
  output_of(source);
  output_of(source);
  EXPECT_EQ(compile_cache_.misses(), 1u);
  EXPECT_EQ(compile_cache_.hits(), 1u);
  ExecutionRequest other_tenant = request_for(source);
  other_tenant.tenant_id = "tenant-b";
  run(std::move(other_tenant));
  EXPECT_EQ(compile_cache_.misses(), 2u);
  EXPECT_EQ(compile_cache_.size(), 2u);
}

TEST(CompileCacheEviction, DropsTheLeastRecentlyUsedEntry) {
  CompileCache cache(2);
  Vm vm(shared_engine(), cache);
  auto run_source = [&](const std::string& source) { vm.execute(request_for(source)).get(); };
  run_source("export default () => 'a'");
  run_source("export default () => 'b'");
  run_source("export default () => 'a'");  // hit: 'a' becomes the most recent
  run_source("export default () => 'c'");  // evicts 'b'
  EXPECT_EQ(cache.size(), 2u);
  const auto misses = cache.misses();
  run_source("export default () => 'a'");
  EXPECT_EQ(cache.misses(), misses);
  run_source("export default () => 'b'");
  EXPECT_EQ(cache.misses(), misses + 1);
}

}  // namespace
}  // namespace jsr::runtime::testing
