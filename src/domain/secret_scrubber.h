// Removes the secret values a run read from what is recorded of it: each
// value in every form a script can produce from it with the standard
// functions — as it is; base64 (standard and URL-safe, whole and at any
// alignment inside a longer base64 text); hex; percent-encoded as
// encodeURIComponent, encodeURI, escape(), URLSearchParams and RFC 3986 do;
// and as written inside a JSON string (once and twice). Each stretch of text
// covered by a form becomes "[secret]".
//
// One pass over the text whatever the number of forms (an Aho–Corasick
// automaton over all of them), so scrubbing costs time linear in the text and
// is bounded by what a run may read (kMaxSecretsReadPerRun values of at most
// kMaxSecretBytesReadPerRun bytes together).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jsr::domain {

inline constexpr std::string_view kScrubbedSecret = "[secret]";
// What one run may read: distinct values (reading one again is free) and
// their bytes together. The scrubber's size follows from them.
inline constexpr std::size_t kMaxSecretsReadPerRun = 32;
inline constexpr std::size_t kMaxSecretBytesReadPerRun = 64 * 1024;

class SecretScrubber {
 public:
  explicit SecretScrubber(const std::vector<std::string>& secrets);

  bool empty() const { return longest_form_ == 0; }
  // The longest form: a text cut anywhere keeps no part of a secret once it
  // was scrubbed with this many bytes past the cut.
  std::size_t longest_form() const { return longest_form_; }

  // Scrubs plain text (log lines, error messages).
  void scrub(std::string& text) const;
  // Scrubs JSON text and keeps it JSON: a form inside a string becomes
  // [secret] inside that string; a whole value (a secret that is itself JSON,
  // or a number) becomes the string "[secret]". Returns false when a form
  // straddled a string's edge; whoever must store JSON checks it anyway (a
  // form that is part of a longer number leaves no valid number either).
  bool scrub_json(std::string& json) const;

 private:
  using Span = std::pair<std::size_t, std::size_t>;  // [first, last] bytes of the text
  struct Node {
    std::uint32_t first_child = 0;  // 0: none (the root is nobody's child)
    std::uint32_t next_sibling = 0;
    std::uint32_t fallback = 0;      // the longest proper suffix that is a prefix of a form
    std::uint32_t match_length = 0;  // the longest form ending here, through fallbacks too
    unsigned char byte = 0;
  };

  void add_form(std::string_view form);
  std::uint32_t child(std::uint32_t node, unsigned char byte) const;
  void link_fallbacks();
  // The stretches covered by forms, overlapping ones merged, in order.
  std::vector<Span> covered(std::string_view text) const;

  std::vector<Node> nodes_;
  std::uint32_t root_children_[256] = {};
  std::size_t longest_form_ = 0;
};

}  // namespace jsr::domain
