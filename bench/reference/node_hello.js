// The reference: Node's bare http server answering a constant JSON hello.
// usage: node node_hello.js PORT
const http = require("http");

const body = JSON.stringify({ hello: "world" });
http
  .createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    response.end(body);
  })
  .listen(Number(process.argv[2]), "127.0.0.1", () => console.log("listening"));
