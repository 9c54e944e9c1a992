#include "infrastructure/net/http_client.h"

#include "domain/text.h"

#include <openssl/ssl.h>
#include <pthread.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <thread>

namespace jsr::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using domain::ExecutionErrorCode;

constexpr std::size_t kMaxResponseHeaderBytes = 64 * 1024;


bool is_host_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// The host without IPv6 brackets, as the resolver and TLS want it.
std::string bare_host(const std::string& host) {
  return host.starts_with('[') ? host.substr(1, host.size() - 2) : host;
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::string Url::origin() const {
  const bool default_port = port == (secure ? 443 : 80);
  return std::string(secure ? "https://" : "http://") + host + (default_port ? "" : ":" + std::to_string(port));
}

std::expected<Url, std::string> parse_url(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::unexpected("not an absolute http or https URL");
  const std::string scheme = domain::ascii_lower(text.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return std::unexpected("only http and https URLs may be fetched");
  url.secure = scheme == "https";
  url.port = url.secure ? 443 : 80;
  std::string_view rest = text.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return std::unexpected("credentials in the URL are not supported: pass an Authorization header");
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::unexpected("an IPv6 host needs its closing ]");
    url.host = domain::ascii_lower(authority.substr(0, close + 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::unexpected("unexpected text after the host");
      port = authority.substr(close + 2);
    }
    if (!numeric_host(url.host)) return std::unexpected("not an IPv6 address: " + url.host);
  } else {
    const auto colon = authority.find(':');
    url.host = domain::ascii_lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (!std::all_of(url.host.begin(), url.host.end(), is_host_character)) {
      return std::unexpected("not a host name: " + url.host);
    }
  }
  if (url.host.empty()) return std::unexpected("the URL has no host");
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::unexpected("not a port: " + std::string(port));
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  if (const auto fragment = target.find('#'); fragment != std::string_view::npos) target = target.substr(0, fragment);
  url.target = target.empty() ? "/" : target.starts_with('?') ? "/" + std::string(target) : std::string(target);
  for (char c : url.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return std::unexpected("the URL's path and query may not hold spaces or control characters");
    }
  }
  return url;
}

std::expected<Url, std::string> resolve_location(const Url& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return parse_url(location);
  if (location.starts_with("//")) return parse_url(std::string(base.secure ? "https:" : "http:") + std::string(location));
  std::string target(location);
  if (!location.starts_with('/')) {
    std::string path = base.target.substr(0, base.target.find('?'));
    target = path.substr(0, path.rfind('/') + 1) + target;
  }
  return parse_url(base.origin() + target);
}

struct HttpClient::State {
  explicit State(Options given) : options(std::move(given)) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
  }

  Options options;
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::thread thread;
};

// One request, its redirects included, from lookup to answer.
class HttpClient::Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(State& state, HttpRequest request, std::function<void(HttpResult)> done)
      : state_(state), request_(std::move(request)), done_(std::move(done)), resolver_(state.io), deadline_(state.io) {}

  void start() {
    auto url = parse_url(request_.url);
    if (!url) return fail(ExecutionErrorCode::kNetworkError, url.error());
    url_ = std::move(*url);
    deadline_.expires_after(request_.timeout);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->finished_) return;
      self->timed_out_ = true;
      self->resolver_.cancel();
      self->close_streams();
    });
    begin_hop();
  }

 private:
  void begin_hop() {
    if (const auto address = numeric_host(url_.host)) return connect_checked({tcp::endpoint(*address, url_.port)});
    resolver_.async_resolve(bare_host(url_.host), std::to_string(url_.port),
                            [self = shared_from_this()](const boost::system::error_code& error,
                                                        const tcp::resolver::results_type& results) {
                              if (error) return self->fail_from(error, "cannot resolve " + self->url_.host);
                              std::vector<tcp::endpoint> endpoints;
                              for (const auto& entry : results) endpoints.push_back(entry.endpoint());
                              self->connect_checked(std::move(endpoints));
                            });
  }

  // Any refused address refuses the host: a name with a private address
  // among public ones is not one to trust with the next lookup either.
  void connect_checked(std::vector<tcp::endpoint> endpoints) {
    if (endpoints.empty()) return fail(ExecutionErrorCode::kNetworkError, url_.host + " has no address");
    for (const auto& endpoint : endpoints) {
      if (auto refused = state_.options.policy.refusal(url_.host, url_.port, endpoint.address())) {
        return fail(ExecutionErrorCode::kSsrfBlocked, *refused);
      }
    }
    const tcp::endpoint checked = endpoints.front();
    close_streams();
    buffer_.clear();
    if (url_.secure) {
      secure_.emplace(state_.io, state_.tls);
      const std::string host = bare_host(url_.host);
      if (!numeric_host(url_.host)) SSL_set_tlsext_host_name(secure_->native_handle(), host.c_str());
      secure_->set_verify_callback(asio::ssl::host_name_verification(host));
      beast::get_lowest_layer(*secure_).async_connect(
          checked, [self = shared_from_this()](const boost::system::error_code& error) {
            if (error) return self->fail_from(error, "cannot connect to " + self->url_.origin());
            self->secure_->async_handshake(asio::ssl::stream_base::client,
                                           [self](const boost::system::error_code& handshake_error) {
                                             if (handshake_error) {
                                               return self->fail_from(handshake_error, "TLS with " + self->url_.origin());
                                             }
                                             self->exchange(*self->secure_);
                                           });
          });
    } else {
      plain_.emplace(state_.io);
      plain_->async_connect(checked, [self = shared_from_this()](const boost::system::error_code& error) {
        if (error) return self->fail_from(error, "cannot connect to " + self->url_.origin());
        self->exchange(*self->plain_);
      });
    }
  }

  template <typename Stream>
  void exchange(Stream& stream) {
    wire_ = {};
    wire_.method_string(request_.method);
    wire_.target(url_.target);
    wire_.version(11);
    const bool default_port = url_.port == (url_.secure ? 443 : 80);
    wire_.set(http::field::host, url_.host + (default_port ? "" : ":" + std::to_string(url_.port)));
    wire_.set(http::field::user_agent, "jsruntime");
    wire_.set(http::field::connection, "close");
    for (const auto& [name, value] : request_.headers) wire_.insert(name, value);
    if (!request_.body.empty() || request_.method == "POST" || request_.method == "PUT" || request_.method == "PATCH") {
      wire_.body() = request_.body;
      wire_.prepare_payload();
    }
    http::async_write(stream, wire_, [self = shared_from_this(), &stream](const boost::system::error_code& error, std::size_t) {
      if (error) return self->fail_from(error, "cannot send the request to " + self->url_.origin());
      self->parser_.emplace();
      self->parser_->body_limit(self->request_.max_response_bytes);
      self->parser_->header_limit(kMaxResponseHeaderBytes);
      http::async_read_header(stream, self->buffer_, *self->parser_, [self, &stream](const boost::system::error_code& header_error,
                                                                                    std::size_t) {
        if (header_error) return self->fail_from(header_error, "no answer from " + self->url_.origin());
        // Boost 1.74's parser does not hold a Content-Length to its body
        // limit (chunked bodies it does): checked here, before any of it is read.
        if (self->parser_->content_length() && *self->parser_->content_length() > self->request_.max_response_bytes) {
          return self->fail_from(http::error::body_limit, {});
        }
        http::async_read(stream, self->buffer_, *self->parser_,
                         [self](const boost::system::error_code& read_error, std::size_t) {
                           if (read_error) return self->fail_from(read_error, "no answer from " + self->url_.origin());
                           self->answered();
                         });
      });
    });
  }

  void answered() {
    auto& response = parser_->get();
    const unsigned status = response.result_int();
    if (is_redirect(status) && response.count(http::field::location) > 0) {
      if (redirects_ == state_.options.max_redirects) {
        return fail(ExecutionErrorCode::kNetworkError,
                    "more than " + std::to_string(state_.options.max_redirects) + " redirects");
      }
      ++redirects_;
      const auto location = response[http::field::location];
      auto next = resolve_location(url_, {location.data(), location.size()});
      if (!next) return fail(ExecutionErrorCode::kNetworkError, "a redirect to a bad URL: " + next.error());
      if (status == 303 || ((status == 301 || status == 302) && request_.method == "POST")) {
        request_.method = "GET";
        request_.body.clear();
        std::erase_if(request_.headers, [](const auto& header) { return domain::ascii_lower(header.first) == "content-type"; });
      }
      // Credentials meant for one origin are not handed to another.
      if (next->origin() != url_.origin()) {
        std::erase_if(request_.headers, [](const auto& header) {
          const std::string name = domain::ascii_lower(header.first);
          return name == "authorization" || name == "cookie";
        });
      }
      url_ = std::move(*next);
      return begin_hop();
    }
    HttpResponse answer;
    answer.status = static_cast<int>(status);
    for (const auto& field : response) {
      const auto name = field.name_string();
      answer.headers.emplace_back(domain::ascii_lower({name.data(), name.size()}), std::string(field.value()));
    }
    answer.body = std::move(response.body());
    answer.url = url_.origin() + url_.target;
    finish(std::move(answer));
  }

  void fail_from(const boost::system::error_code& error, const std::string& what) {
    if (timed_out_) {
      return fail(ExecutionErrorCode::kHttpTimeout,
                  "no whole answer from " + url_.origin() + " within " + std::to_string(request_.timeout.count()) + " ms");
    }
    if (error == http::error::body_limit) {
      return fail(ExecutionErrorCode::kResponseTooLarge, "the answer from " + url_.origin() + " is larger than " +
                                                             std::to_string(request_.max_response_bytes) + " bytes");
    }
    if (error == http::error::header_limit) {
      return fail(ExecutionErrorCode::kResponseTooLarge, "the answer's headers are larger than 64 KiB");
    }
    fail(ExecutionErrorCode::kNetworkError, what + ": " + error.message());
  }

  void fail(ExecutionErrorCode code, std::string message) { finish(std::unexpected(HttpFailure{code, std::move(message)})); }

  void finish(HttpResult result) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    close_streams();
    auto done = std::move(done_);
    done(std::move(result));
  }

  void close_streams() {
    boost::system::error_code ignored;
    if (plain_) plain_->socket().close(ignored);
    if (secure_) beast::get_lowest_layer(*secure_).socket().close(ignored);
  }

  State& state_;
  HttpRequest request_;
  std::function<void(HttpResult)> done_;
  Url url_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> wire_;
  std::optional<http::response_parser<http::string_body>> parser_;
  int redirects_ = 0;
  bool timed_out_ = false;
  bool finished_ = false;
};

HttpClient::HttpClient(Options options) : state_(std::make_unique<State>(std::move(options))) {
  state_->thread = std::thread([state = state_.get()] {
    pthread_setname_np(pthread_self(), "jsr-http-out");
    // The last resort: a handler that throws (an allocation refused) loses
    // its exchange — whose run then ends by its own time limit — never the
    // thread every run's requests share.
    while (true) {
      try {
        state->io.run();
        return;
      } catch (...) {
      }
    }
  });
}

HttpClient::~HttpClient() {
  state_->work.reset();
  state_->io.stop();
  state_->thread.join();
}

void HttpClient::send(HttpRequest request, std::function<void(HttpResult)> done) {
  auto exchange = std::make_shared<Exchange>(*state_, std::move(request), std::move(done));
  asio::post(state_->io, [exchange] { exchange->start(); });
}

}  // namespace jsr::net
