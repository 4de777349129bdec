// The minimal Node `ws` broadcast server of the seed article, as the reference for benchmarks/notifications_fanout.py.
// PORT: where to listen. POST /broadcast with a JSON body sends it to every connected client.
const http = require("http");
const { WebSocketServer, WebSocket } = require("ws");

const server = http.createServer((request, response) => {
  if (request.method === "POST" && request.url === "/broadcast") {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) {
          client.send(body);
        }
      }
      response.writeHead(202).end();
    });
    return;
  }
  response.writeHead(request.url === "/health" ? 200 : 404).end();
});
const wss = new WebSocketServer({ server });
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`node-ws listening on ${process.env.PORT}`));
