# workerd serving hello_worker.js; the bench sets the address with
# --socket-addr http=127.0.0.1:PORT.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "hello", worker = .helloWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8081", http = (), service = "hello")],
);

const helloWorker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "hello_worker.js")],
  compatibilityDate = "2024-09-23",
);
