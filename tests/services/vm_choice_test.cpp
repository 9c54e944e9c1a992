#include "services/vm_choice.h"

#include <chrono>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <vector>

namespace jsr::services {
namespace {

using Clock = std::chrono::steady_clock;

struct Vm {
  std::string tenant;
  std::size_t in_flight = 0;
  Clock::time_point idle_since{};
};

const Clock::time_point kEarly = Clock::time_point(std::chrono::seconds(1));
const Clock::time_point kLate = Clock::time_point(std::chrono::seconds(9));

TenantLoad acme(std::size_t leased, std::size_t quota = 2, std::size_t waited_behind_own_vm = 0) {
  return {.tenant = "acme", .leased_vms = leased, .max_vms_per_tenant = quota,
          .waited_behind_own_vm = waited_behind_own_vm};
}

TEST(VmChoice, TakesTheMostRecentlyIdleVmWarmForTheTenant) {
  const std::vector<Vm> vms = {{"", 0, kEarly}, {"acme", 0, kEarly}, {"acme", 0, kLate}, {"globex", 0, kEarly}};
  const VmChoice choice = choose_vm(vms, acme(0), true);
  EXPECT_EQ(choice.kind, VmChoiceKind::kWarm);
  EXPECT_EQ(choice.index, 2u);
}

TEST(VmChoice, WithinTheQuotaPrefersAFreshVmThenANewOneThenTheLongestIdle) {
  EXPECT_EQ(choose_vm(std::vector<Vm>{{"globex", 0, kEarly}, {"", 0, kLate}}, acme(0), true).kind,
            VmChoiceKind::kFresh);
  const std::vector<Vm> warm_for_others = {{"globex", 0, kLate}, {"initech", 0, kEarly}};
  EXPECT_EQ(choose_vm(warm_for_others, acme(0), true).kind, VmChoiceKind::kGrow) << "others' VMs stay warm";
  const VmChoice reused = choose_vm(warm_for_others, acme(0), false);
  EXPECT_EQ(reused.kind, VmChoiceKind::kLongestIdle);
  EXPECT_EQ(reused.index, 1u);
}

TEST(VmChoice, ATenantWaitsBehindItsOwnVmsSingleRunRatherThanBuildAnotherRealm) {
  const std::vector<Vm> vms = {{"acme", 1, kEarly}, {"", 0, kEarly}, {"globex", 0, kEarly}};
  const VmChoice choice = choose_vm(vms, acme(1, 5), true);
  EXPECT_EQ(choice.kind, VmChoiceKind::kMultiplex);
  EXPECT_EQ(choice.index, 0u);
  const std::vector<Vm> busier = {{"acme", 2, kEarly}, {"", 0, kEarly}};
  EXPECT_EQ(choose_vm(busier, acme(1, 5), true).kind, VmChoiceKind::kFresh) << "two in flight: spread";
}

TEST(VmChoice, ATenantThatKeepsWaitingBehindItsOwnVmIsGivenAnother) {
  const std::vector<Vm> vms = {{"acme", 1, kEarly}, {"", 0, kEarly}};
  EXPECT_EQ(choose_vm(vms, acme(1, 5, kWaitsBehindBeforeSpread - 1), true).kind, VmChoiceKind::kMultiplex);
  EXPECT_EQ(choose_vm(vms, acme(1, 5, kWaitsBehindBeforeSpread), true).kind, VmChoiceKind::kFresh);
  EXPECT_EQ(choose_vm(vms, acme(1, 1, kWaitsBehindBeforeSpread), true).kind, VmChoiceKind::kMultiplex)
      << "not past its quota";
}

TEST(VmChoice, AtItsQuotaATenantMultiplexesOntoItsLeastLoadedVm) {
  const std::vector<Vm> vms = {{"acme", 3, kEarly}, {"acme", 1, kEarly}, {"", 0, kEarly}};
  const VmChoice choice = choose_vm(vms, acme(2, 2), true);
  EXPECT_EQ(choice.kind, VmChoiceKind::kMultiplex);  // the fresh VM is another tenant's share
  EXPECT_EQ(choice.index, 1u);
}

TEST(VmChoice, WaitsWhenNothingIsFreeAndThePoolIsFull) {
  EXPECT_EQ(choose_vm(std::vector<Vm>{{"globex", 1, kEarly}}, acme(0), false).kind, VmChoiceKind::kWait);
  EXPECT_EQ(choose_vm(std::vector<Vm>{}, acme(0), false).kind, VmChoiceKind::kWait);
}

TEST(VmChoice, WorksOnTheExecutorsOwnPointers) {
  std::vector<std::unique_ptr<Vm>> vms;
  vms.push_back(std::make_unique<Vm>(Vm{"acme", 0, kLate}));
  EXPECT_EQ(choose_vm(vms, acme(0), false).kind, VmChoiceKind::kWarm);
}

TEST(Backlog, IsWorkWaitingOrMoreThanTwoExecutionsAVm) {
  EXPECT_FALSE(has_backlog(0, 2, 2));
  EXPECT_FALSE(has_backlog(0, 2, 1)) << "one waiting behind another: what choose_vm does by design";
  EXPECT_TRUE(has_backlog(1, 1, 2));
  EXPECT_TRUE(has_backlog(0, 5, 2));
}

TEST(CompanyMemory, AQuietTenantIsCompanyAndIsRememberedForAWhileUnlessItGetsABacklog) {
  CompanyMemory company(std::chrono::seconds(2));
  const Clock::time_point start = kEarly;
  std::set<std::string_view> backlogged{"flood"};
  const auto has_backlog_now = [&](std::string_view tenant) { return backlogged.contains(tenant); };
  EXPECT_FALSE(company.has_company("flood", "", has_backlog_now, start)) << "alone from the start";
  EXPECT_TRUE(company.has_company("flood", "quiet", has_backlog_now, start + std::chrono::milliseconds(10)));
  EXPECT_TRUE(company.has_company("flood", "", has_backlog_now, start + std::chrono::milliseconds(1500)))
      << "the quiet tenant's requests come and go: still company between them";
  EXPECT_FALSE(company.has_company("flood", "", has_backlog_now, start + std::chrono::milliseconds(2011)))
      << "gone for longer than the memory";

  // A second flood begins as one quiet run: company only until it has a backlog too.
  EXPECT_TRUE(company.has_company("flood", "second", has_backlog_now, start + std::chrono::seconds(5)));
  backlogged.insert("second");
  EXPECT_FALSE(company.has_company("flood", "", has_backlog_now, start + std::chrono::milliseconds(5100)))
      << "tenants that all have a backlog yield to nobody";
  EXPECT_FALSE(company.has_company("second", "", has_backlog_now, start + std::chrono::milliseconds(5100)))
      << "nor to themselves";
}

}  // namespace
}  // namespace jsr::services
