#include "infrastructure/security/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "infrastructure/security/hex.h"
#include "infrastructure/security/hmac.h"
#include "infrastructure/security/random.h"

namespace jsr::security {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kVersion = "v1:";

struct CipherContext {
  CipherContext() : context(EVP_CIPHER_CTX_new()) {
    if (context == nullptr) throw std::bad_alloc();
  }
  ~CipherContext() { EVP_CIPHER_CTX_free(context); }
  CipherContext(const CipherContext&) = delete;
  CipherContext& operator=(const CipherContext&) = delete;
  EVP_CIPHER_CTX* context;
};

const auto* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * (text.size() / 4), '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(text),
                                      static_cast<int>(text.size()));
  if (written < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t padding = 0;
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

SecretBox::Key key_from_hex(const std::string& text, const std::filesystem::path& file) {
  SecretBox::Key key{};
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() != 2 * key.size()) throw std::runtime_error(file.string() + " does not hold 64 hex digits");
  for (std::size_t i = 0; i < key.size(); ++i) {
    const int high = digit(text[2 * i]), low = digit(text[2 * i + 1]);
    if (high < 0 || low < 0) throw std::runtime_error(file.string() + " does not hold 64 hex digits");
    key[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return key;
}

void make_key_file(const std::filesystem::path& file) {
  SecretBox::Key key{};
  if (!fill_random(key.data(), key.size())) throw std::runtime_error("no randomness for the secret key");
  const std::string hex = lower_hex(key) + '\n';
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  // O_EXCL: of two servers starting at once, one makes the key and the other reads it.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;
    throw std::runtime_error("cannot create " + file.string());
  }
  const bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

std::unique_ptr<SecretBox> SecretBox::from_key_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) make_key_file(file);
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) throw std::runtime_error("cannot read " + file.string());
  if ((status.st_mode & 077) != 0) {
    throw std::runtime_error(file.string() + " may be read by others (chmod 600 it)");
  }
  std::ifstream stream(file);
  std::string text;
  std::getline(stream, text);
  return std::make_unique<SecretBox>(key_from_hex(text, file));
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view context) {
  std::string sealed(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  if (!fill_random(out, kNonceBytes)) throw std::runtime_error("no randomness for a nonce");
  CipherContext cipher;
  int length = 0;
  if (EVP_EncryptInit_ex(cipher.context, EVP_aes_256_gcm(), nullptr, key_.data(), out) != 1 ||
      EVP_EncryptUpdate(cipher.context, nullptr, &length, bytes_of(context), static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(cipher.context, out + kNonceBytes, &length, bytes_of(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(cipher.context, out + kNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_GET_TAG, kTagBytes, out + kNonceBytes + plaintext.size()) != 1) {
    throw std::runtime_error("AES-256-GCM failed");
  }
  return std::string(kVersion) + base64(sealed);
}

std::optional<std::string> SecretBox::open(std::string_view text, std::string_view context) {
  if (!text.starts_with(kVersion)) return std::nullopt;
  const auto sealed = unbase64(text.substr(kVersion.size()));
  if (!sealed || sealed->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const auto* in = bytes_of(*sealed);
  const std::size_t size = sealed->size() - kNonceBytes - kTagBytes;
  std::string plaintext(size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  std::array<unsigned char, kTagBytes> tag{};
  std::copy_n(in + kNonceBytes + size, kTagBytes, tag.begin());
  CipherContext cipher;
  int length = 0;
  if (EVP_DecryptInit_ex(cipher.context, EVP_aes_256_gcm(), nullptr, key_.data(), in) != 1 ||
      EVP_DecryptUpdate(cipher.context, nullptr, &length, bytes_of(context), static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(cipher.context, out, &length, in + kNonceBytes, static_cast<int>(size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(cipher.context, out + length, &length) != 1) {
    return std::nullopt;
  }
  return plaintext;
}

std::string SecretBox::derive(std::string_view purpose) const {
  const std::string_view key(reinterpret_cast<const char*>(key_.data()), key_.size());
  return *hmac_hex("sha256", key, purpose);
}

}  // namespace jsr::security
