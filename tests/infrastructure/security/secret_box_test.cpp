#include "infrastructure/security/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace jsr::security {
namespace {

namespace fs = std::filesystem;

fs::path fresh_key_path() {
  static int serial = 0;
  const fs::path dir = fs::temp_directory_path() / ("jsr-key-" + std::to_string(getpid()) + "-" + std::to_string(++serial));
  fs::remove_all(dir);
  return dir / "secret.key";
}

TEST(SecretBox, SealsSoOnlyTheSameKeyAndContextOpen) {
  const fs::path file = fresh_key_path();
  auto box = SecretBox::from_key_file(file);
  const std::string sealed = box->seal("sk_live_123456", "tenant-a\nSTRIPE");
  EXPECT_EQ(sealed.find("sk_live"), std::string::npos);
  EXPECT_NE(box->seal("sk_live_123456", "tenant-a\nSTRIPE"), sealed) << "a fresh nonce each time";
  EXPECT_EQ(box->open(sealed, "tenant-a\nSTRIPE"), "sk_live_123456");
  EXPECT_EQ(box->open(sealed, "tenant-b\nSTRIPE"), std::nullopt);
  std::string changed = sealed;
  changed[10] = changed[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box->open(changed, "tenant-a\nSTRIPE"), std::nullopt);
  EXPECT_EQ(box->open("not sealed", "tenant-a\nSTRIPE"), std::nullopt);
  // The same file is the same key after a restart; another file is not.
  EXPECT_EQ(SecretBox::from_key_file(file)->open(sealed, "tenant-a\nSTRIPE"), "sk_live_123456");
  EXPECT_EQ(SecretBox::from_key_file(fresh_key_path())->open(sealed, "tenant-a\nSTRIPE"), std::nullopt);
}

TEST(SecretBox, TheKeyFileIsMadeForTheOwnerOnlyAndRefusedWhenOthersMayReadIt) {
  const fs::path file = fresh_key_path();
  SecretBox::from_key_file(file);
  struct stat status {};
  ASSERT_EQ(::stat(file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  fs::permissions(file, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
  EXPECT_THROW(SecretBox::from_key_file(file), std::runtime_error);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  std::ofstream(file, std::ios::trunc) << "not hex\n";
  EXPECT_THROW(SecretBox::from_key_file(file), std::runtime_error);
}

}  // namespace
}  // namespace jsr::security
